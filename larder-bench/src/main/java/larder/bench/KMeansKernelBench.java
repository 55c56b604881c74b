package larder.bench;

import java.util.concurrent.TimeUnit;
import larder.core.Progress;
import larder.train.segment.kmeans.KMeans;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.kmeans.KMeansResult;
import larder.train.segment.kmeans.Lloyd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One k-means fit (one k-means++ start, exactly 20 iterations, tolerance 0) on {@link KMeansBench#features}
 * customers × 3 features, k = 8: Hamerly's bounds ({@link KMeans}, 1 or 2 threads) against plain Lloyd
 * ({@link Lloyd}, one thread) from the same seeds, so the gain of the bounds and of the second thread read
 * directly off the scores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class KMeansKernelBench {
  @Param({"1000000"})
  int customers;

  @Param({"hamerly-1", "hamerly-2", "lloyd-1"})
  String impl;

  private double[] x;

  @Setup
  public void setup() {
    x = KMeansBench.features(customers, 1);
  }

  @Benchmark
  public double fit20() {
    KMeansParams p = new KMeansParams(8, 1, 20, 0, 1, impl.equals("hamerly-2") ? 2 : 1);
    KMeansResult r = impl.startsWith("lloyd") ? Lloyd.fit(x, customers, 3, p)
        : KMeans.fit(x, customers, 3, p, Progress.NONE);
    return r.inertia();
  }
}
