package larder.train.recommend.als;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import larder.core.SparseMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ALS fold-in as a refresh runs it: {@value #USERS} users of {@value #PER_USER} interactions each against
 * {@value #ITEMS} items at rank {@value #RANK} (λ = 10, LOG confidence). {@code foldIn} reads in users per
 * second; {@code gram} is the once-per-refresh Gram matrix YᵀY + λI, in milliseconds per call. Item factors have
 * a decaying spectrum like trained ones; a direct solve's cost does not depend on it.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
public class AlsFoldInBench {
  static final int USERS = 10_000;
  static final int PER_USER = 50;
  static final int ITEMS = 50_000;
  /** A training data scale for weighted λ: √(n̄_users · n̄_items) of 1,000,000 users × 50,000 items, 20 pairs each. */
  static final double SCALE = Math.sqrt(20.0 * 400.0);
  static final int RANK = 64;

  @Param({"1", "2"})
  public int threads;

  private float[] y;
  private AlsParams params;
  private AlsFoldIn foldIn;
  private SparseMatrix histories;

  @Setup
  public void data() {
    SplittableRandom r = new SplittableRandom(5);
    y = new float[ITEMS * RANK];
    for (int i = 0; i < ITEMS; i++) {
      for (int k = 0; k < RANK; k++) y[i * RANK + k] = (float) (r.nextGaussian() * 0.5 / (1 + k));
    }
    params = AlsParams.defaults().withFactors(RANK).withThreads(threads);
    foldIn = AlsFoldIn.ofItemFactors(ITEMS, y, params, SCALE);
    int[] ptr = new int[USERS + 1];
    int[] cols = new int[USERS * PER_USER];
    float[] vals = new float[cols.length];
    for (int u = 0; u < USERS; u++) {
      int[] items = r.ints(0, ITEMS).distinct().limit(PER_USER).sorted().toArray();
      System.arraycopy(items, 0, cols, u * PER_USER, PER_USER);
      for (int j = 0; j < PER_USER; j++) vals[u * PER_USER + j] = 1 + r.nextInt(5);
      ptr[u + 1] = (u + 1) * PER_USER;
    }
    histories = new SparseMatrix(USERS, ITEMS, ptr, cols, vals);
  }

  /** Every user's Cholesky solve; the score is users per second. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(USERS)
  public float[] foldIn() {
    return foldIn.solveAll(histories, threads);
  }

  /** YᵀY + λI over all items, once per refresh. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public AlsFoldIn gram() {
    return AlsFoldIn.ofItemFactors(ITEMS, y, params, SCALE);
  }
}
