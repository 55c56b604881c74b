package larder.train.recommend.als;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.VectorSupport;
import larder.train.kernel.WorkerPool;
import larder.train.recommend.Recommender;

/**
 * Implicit-feedback alternating least squares: Hu, Koren &amp; Volinsky, "Collaborative Filtering for
 * Implicit Feedback Datasets" (ICDM 2008). Each observed value r becomes a preference p = 1 with
 * confidence c = 1 + alpha·g(r) ({@link AlsParams.Confidence}); every unobserved pair counts as p = 0
 * with c = 1; each row's λ grows with its positives unless {@link AlsParams#weightedRegularization} is off (as in
 * MLlib's ALS, Zhou et al. 2008, "Large-scale parallel collaborative filtering for the Netflix prize"). Each
 * half-iteration fixes one side and solves every row of the other with a few
 * warm-started conjugate-gradient steps (Takács, Pilászy &amp; Tikk 2011; see {@link ConjugateGradient}),
 * rows spread over a fixed pool of {@code threads}. The result depends on the seed and the data only.
 */
public final class Als implements Recommender {
  private static final int ROWS_PER_UNIT = 32;
  private final AlsParams params;

  public Als(AlsParams params) {
    this.params = params;
  }

  public Als() {
    this(AlsParams.defaults());
  }

  public AlsParams alsParams() { return params; }

  @Override public String name() { return "als"; }

  @Override
  public Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("factors", params.factors());
    m.put("iterations", params.iterations());
    m.put("regularization", params.regularization());
    m.put("weightedRegularization", params.weightedRegularization());
    m.put("alpha", params.alpha());
    m.put("confidence", params.confidence().name());
    m.put("epsilon", params.epsilon());
    m.put("cgSteps", params.cgSteps());
    m.put("seed", params.seed());
    return m;
  }

  @Override
  public AlsModel fit(Interactions train, Progress progress) {
    warmUpKernels();
    int f = params.factors();
    float[] x = new float[Math.multiplyExact(train.userCount(), f)];
    float[] y = new float[Math.multiplyExact(train.itemCount(), f)];
    // Small positive start as in the reference implementations; one stream, so threads cannot matter.
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int i = 0; i < x.length; i++) x[i] = (float) (random.nextDouble() * 0.01);
    for (int i = 0; i < y.length; i++) y[i] = (float) (random.nextDouble() * 0.01);
    return iterate(train, x, y, new double[0], params.iterations(), progress);
  }

  /**
   * Continues {@code from}, a model this configuration fitted on {@code train}, for {@code more} iterations. An
   * iteration reads nothing but the current factors, so fitting n iterations and resuming for m more gives the
   * model of n + m iterations bit for bit: what lets a tuner promote a trial without starting it again. Only
   * this object's factors, regularization and confidence count; {@code from} is not changed.
   */
  public AlsModel resume(Interactions train, AlsModel from, int more, Progress progress) {
    if (from.userCount() != train.userCount() || from.itemCount() != train.itemCount()
        || from.factors() != params.factors()) {
      throw new IllegalArgumentException("model " + from.userCount() + "x" + from.itemCount() + " rank "
          + from.factors() + " does not match " + train.userCount() + "x" + train.itemCount() + " rank "
          + params.factors());
    }
    if (more < 1) throw new IllegalArgumentException("more iterations must be >= 1, not " + more);
    warmUpKernels();
    return iterate(train, from.userFactors(), from.itemFactors(), from.lossHistory(), more, progress);
  }

  /** Starts compiling the vector row solve while this thread sets up the fit (a no-op after the first fit). */
  private static void warmUpKernels() {
    if (VectorSupport.enabled()) VectorRowOps.warmUp();
  }

  /** {@code iterations} alternating passes from the factors {@code x} and {@code y}, which it overwrites. */
  private AlsModel iterate(Interactions train, float[] x, float[] y, double[] before, int iterations,
      Progress progress) {
    SparseMatrix byUser = train.byUser();
    if (byUser.nonZeros() == 0) {
      throw new ModelException("als: the training data has no interactions",
          "check the source query or file; nothing can be learnt from an empty matrix");
    }
    SparseMatrix byItem = train.byItem();
    int users = train.userCount();
    int items = train.itemCount();
    int f = params.factors();
    float[] cmUser = confidences(byUser);
    float[] cmItem = confidences(byItem);
    double scale = AlsParams.regularizationScale(users, items, byUser.nonZeros());
    double[] lambdaUser = rowRegularization(byUser, scale);
    double[] lambdaItem = rowRegularization(byItem, scale);
    double weightSum = (double) users * items;
    for (float c : cmUser) weightSum += c;
    double[] history = java.util.Arrays.copyOf(before, before.length + iterations);
    // One choice for the whole fit: the two kernels round differently.
    boolean vector = VectorSupport.enabled();
    String note = VectorSupport.fallbackNote();
    if (note != null) progress.note("als", note);
    if (vector) VectorRowOps.warmUp().join();
    try (WorkerPool pool = new WorkerPool(params.threads(), "als")) {
      for (int it = 0; it < iterations; it++) {
        long start = System.nanoTime();
        halfStep(pool, x, users, byUser, cmUser, lambdaUser, y, items, vector);
        halfStep(pool, y, items, byItem, cmItem, lambdaItem, x, users, vector);
        int at = before.length + it;
        history[at] = loss(pool, x, users, byUser, cmUser, lambdaUser, y, items, lambdaItem, vector) / weightSum;
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.note("als", String.format("iteration %d/%d loss=%.6g (%.1f s)", it + 1, iterations, history[at],
            seconds));
        progress.update("als", it + 1, iterations, "iterations");
      }
    }
    return new AlsModel(users, items, f, x, y, history, scale);
  }

  /** Each row's λ, or null when every row has the same one (then the Gram matrix carries it). */
  private double[] rowRegularization(SparseMatrix m, double scale) {
    if (!params.weightedRegularization()) return null;
    int[] ptr = m.ptr();
    float[] vals = m.vals();
    double[] out = new double[m.rows()];
    for (int r = 0; r < out.length; r++) {
      int positives = 0;
      for (int p = ptr[r]; p < ptr[r + 1]; p++) if (vals[p] > 0) positives++;
      out[r] = params.rowRegularization(positives, scale);
    }
    return out;
  }

  private float[] confidences(SparseMatrix m) {
    int nnz = (int) m.nonZeros();
    float[] vals = m.vals();
    float[] out = new float[nnz];
    for (int p = 0; p < nnz; p++) {
      float c = params.confidenceMinusOne(vals[p]);
      if (!Float.isFinite(c)) {
        throw new ModelException("als: interaction value " + vals[p] + " gives confidence " + c,
            "lower als.alpha or use confidence LOG for very large counts");
      }
      out[p] = c;
    }
    return out;
  }

  /** Solves every row of {@code solve} (entity-major, {@code rows} × f) with {@code fixed} held. */
  private void halfStep(WorkerPool pool, float[] solve, int rows, SparseMatrix m, float[] cm1, double[] lambdas,
      float[] fixed, int fixedRows, boolean vector) {
    int f = params.factors();
    double[] gram = ConjugateGradient.gram(pool, fixed, fixedRows, f, lambdas == null ? params.regularization() : 0);
    int[] ptr = m.ptr();
    int[] cols = m.cols();
    float[] vals = m.vals();
    int steps = params.cgSteps();
    AtomicInteger next = new AtomicInteger();
    pool.runAll(() -> {
      double[] scratch = new double[4 * f];
      int from;
      while (!pool.stopped() && (from = next.getAndAdd(ROWS_PER_UNIT)) < rows) {
        for (int r = from, to = Math.min(rows, from + ROWS_PER_UNIT); r < to; r++) {
          if (ptr[r] == ptr[r + 1]) {
            // (YᵀY + λI) x = 0 has the solution x = 0: no data, no taste.
            java.util.Arrays.fill(solve, r * f, r * f + f, 0f);
            continue;
          }
          ConjugateGradient.solve(solve, r * f, fixed, f, gram, lambdas == null ? 0 : lambdas[r], cols, vals, cm1,
              ptr[r], ptr[r + 1], steps, scratch, vector);
        }
      }
    });
  }

  /** Σ c (p - x·y)² over all user-item pairs + Σ λ_u|x_u|² + Σ λ_i|y_i|². */
  private double loss(WorkerPool pool, float[] x, int users, SparseMatrix byUser, float[] cm1, double[] lambdaUser,
      float[] y, int items, double[] lambdaItem, boolean vector) {
    int f = params.factors();
    double[] gram = ConjugateGradient.gram(pool, y, items, f, 0);
    double[] perUser = new double[users];
    int[] ptr = byUser.ptr();
    AtomicInteger next = new AtomicInteger();
    pool.runAll(() -> {
      int from;
      while (!pool.stopped() && (from = next.getAndAdd(ROWS_PER_UNIT)) < users) {
        for (int u = from, to = Math.min(users, from + ROWS_PER_UNIT); u < to; u++) {
          perUser[u] = ConjugateGradient.rowLoss(x, u * f, y, f, gram, byUser.cols(), byUser.vals(), cm1, ptr[u],
              ptr[u + 1], vector);
        }
      }
    });
    double total = 0;
    for (double l : perUser) total += l; // fixed order: the same sum for any thread count
    return total + penalty(x, lambdaUser) + penalty(y, lambdaItem);
  }

  private double penalty(float[] factors, double[] lambdas) {
    int f = params.factors();
    double sum = 0;
    if (lambdas == null) {
      for (float v : factors) sum += (double) v * v;
      return params.regularization() * sum;
    }
    for (int r = 0; r < lambdas.length; r++) {
      double norm = 0;
      for (int k = r * f, end = k + f; k < end; k++) norm += (double) factors[k] * factors[k];
      sum += lambdas[r] * norm;
    }
    return sum;
  }
}
