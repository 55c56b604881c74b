package larder.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.kept.ItemSide;
import larder.train.recommend.kept.KeptModel;
import larder.train.recommend.kept.UserHistory;
import larder.train.score.TopNScoring;
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
 * An ALS refresh's train side for {@link #users} changed users against a kept model of {@link #items} items ×
 * {@link #factors} factors: {@code foldIn} is {@link ItemSide#forUsers} (YᵀY + λI once, then one Cholesky solve
 * per user over a history of about {@link #history} items), {@code foldInTop10} adds the top-10 of every user over
 * all items with seen items left out, as the refresh publishes them. The item factors have a decaying spectrum
 * (factor k scaled by 10^(-2k/f)) like trained ones, so the systems are as ill-conditioned as real ones; the
 * histories arrive as the kept per-user bytes ({@link UserHistory}) and are decoded inside the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class RefreshBench {
  @Param({"10000"})
  int users;

  @Param({"50000"})
  int items;

  @Param({"32"})
  int factors;

  /** Items per user's merged history, on average (uniform 1 .. 2×). */
  @Param({"50"})
  int history;

  @Param({"1", "2"})
  int threads;

  private ItemSide side;
  private List<byte[]> histories;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    float[] y = new float[items * factors];
    for (int i = 0; i < items; i++) {
      for (int k = 0; k < factors; k++) y[i * factors + k] = (float) (r.nextGaussian() * Math.pow(10, -2.0 * k / factors));
    }
    AlsParams params = AlsParams.defaults().withFactors(factors);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    double scale = AlsParams.regularizationScale(users, items, (long) users * history); // as if trained on these
    KeptModel.write(new Als(params), AlsModel.of(0, items, factors, new float[0], y, scale), bytes);
    side = KeptModel.readItemSide(new ByteArrayInputStream(bytes.toByteArray()), "bench");
    histories = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      int[] its = r.ints(0, items).distinct().limit(1 + r.nextInt(2 * history)).sorted().toArray();
      float[] counts = new float[its.length];
      for (int j = 0; j < its.length; j++) counts[j] = 1 + r.nextInt(10);
      histories.add(UserHistory.encode(its, counts, its.length));
    }
  }

  @Benchmark
  public TrainedModel foldIn() {
    return side.forUsers(UserHistory.matrix(histories, items), threads, Progress.NONE);
  }

  @Benchmark
  public long foldInTop10() {
    SparseMatrix rows = UserHistory.matrix(histories, items);
    TrainedModel m = side.forUsers(rows, threads, Progress.NONE);
    LongAdder listed = new LongAdder();
    TopNScoring.scoreUsers(m, rows, null, 10, null, threads, (u, it, sc, count) -> listed.add(count), Progress.NONE);
    return listed.sum();
  }
}
