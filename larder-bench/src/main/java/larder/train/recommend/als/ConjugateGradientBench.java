package larder.train.recommend.als;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The two halves of an ALS half-iteration at rank 64, one thread: the per-row conjugate-gradient solve
 * (3 steps, {@code nnz} observed items, the mean row length of the 100k × 20k × 5M end-to-end data is 50
 * per user and 250 per item) and the Gram matrix YᵀY + λI over 20,000 rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConjugateGradientBench {
  static final int RANK = 64;
  static final int ROWS = 20_000;

  @Param({"50", "250"})
  public int nnz;

  /** The row solve's kernel: the Vector API's or the plain-Java one. */
  @Param({"true", "false"})
  public boolean vector;

  private float[] y;
  private double[] gram;
  private int[] cols;
  private float[] vals;
  private float[] cm1;
  private float[] x;
  private float[] x0;
  private double[] scratch;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(3);
    y = new float[ROWS * RANK];
    for (int i = 0; i < y.length; i++) y[i] = (float) (r.nextGaussian() * 0.1);
    gram = ConjugateGradient.gram(y, ROWS, RANK, 10);
    cols = r.ints(nnz, 0, ROWS).sorted().toArray();
    vals = new float[nnz];
    cm1 = new float[nnz];
    for (int p = 0; p < nnz; p++) {
      vals[p] = 1 + r.nextInt(5);
      cm1[p] = (float) Math.log1p(vals[p]);
    }
    x0 = new float[RANK];
    for (int k = 0; k < RANK; k++) x0[k] = (float) (r.nextDouble() * 0.01);
    x = x0.clone();
    scratch = new double[4 * RANK];
  }

  /** One row's warm-started solve: 3 CG steps, as in a default half-iteration. */
  @Benchmark
  public float solveRow() {
    System.arraycopy(x0, 0, x, 0, RANK);
    ConjugateGradient.solve(x, 0, y, RANK, gram, 0, cols, vals, cm1, 0, nnz, 3, scratch, vector);
    return x[5];
  }

  /** YᵀY + λI over 20,000 rows, once per half-iteration. */
  @Benchmark
  public double gram() {
    return ConjugateGradient.gram(y, ROWS, RANK, 10)[65];
  }
}
