package larder.train.recommend.als;

import java.util.concurrent.atomic.AtomicInteger;
import larder.train.kernel.WorkerPool;

/**
 * The per-row solve of implicit ALS: for one user (or item) x with the other side's factors Y fixed,
 * minimise Σ_i c_i (p_i - x·y_i)² + λ|x|² over all items i, i.e. solve
 * (YᵀY + λI + Σ_{i observed} (c_i - 1) y_i y_iᵀ) x = Σ_{i observed} c_i p_i y_i
 * (Hu, Koren &amp; Volinsky 2008, eq. 4) by a few conjugate-gradient steps warm-started from the current
 * x, with YᵀY + λI computed once per half-iteration (Takács, Pilászy &amp; Tikk 2011, "Applications of
 * the conjugate gradient method for implicit feedback collaborative filtering", RecSys, alg. 2).
 * A row's result depends only on its own data and the shared fixed matrices, which is what makes
 * training independent of the thread count. Preference p is 1 for a positive value, 0 otherwise.
 */
final class ConjugateGradient {
  private ConjugateGradient() {}

  /** Squared-residual floor below which the row is solved. */
  private static final double DONE = 1e-20;

  /**
   * Updates {@code x[xOff .. xOff+f)} in place.
   *
   * @param y the fixed side, entity-major: row j at {@code y[j*f .. j*f+f)}
   * @param gram YᵀY + λI, f×f row-major (λ = 0 when the row brings its own)
   * @param rowLambda this row's own λ, added to gram's diagonal; 0 when gram holds it
   * @param cols,vals,cm1 the row's observed columns, raw values and confidences minus one, over [start, end)
   * @param scratch at least 4f doubles, reused
   * @param vector whether to use the Vector API ({@link VectorRowOps}; only where VectorSupport allows it)
   */
  static void solve(float[] x, int xOff, float[] y, int f, double[] gram, double rowLambda, int[] cols, float[] vals,
      float[] cm1, int start, int end, int steps, double[] scratch, boolean vector) {
    int ro = 0, po = f, apo = 2 * f, xo = 3 * f;
    double[] s = scratch;
    for (int k = 0; k < f; k++) s[xo + k] = x[xOff + k];
    // r = b - A x
    if (vector) VectorRowOps.symv(gram, s, xo, s, ro, f, -1);
    else for (int a = 0; a < f; a++) s[ro + a] = -dot(gram, a * f, s, xo, f);
    if (rowLambda != 0) for (int k = 0; k < f; k++) s[ro + k] -= rowLambda * s[xo + k];
    for (int p = start; p < end; p++) {
      int yo = cols[p] * f;
      double c = cm1[p];
      double coef = (vals[p] > 0 ? 1 + c : 0) - c * dot(vector, y, yo, s, xo, f);
      axpy(vector, coef, y, yo, s, ro, f);
    }
    double rs = 0;
    for (int k = 0; k < f; k++) {
      s[po + k] = s[ro + k];
      rs += s[ro + k] * s[ro + k];
    }
    for (int step = 0; step < steps && rs > DONE; step++) {
      // ap = A p
      if (vector) VectorRowOps.symv(gram, s, po, s, apo, f, 1);
      else for (int a = 0; a < f; a++) s[apo + a] = dot(gram, a * f, s, po, f);
      if (rowLambda != 0) for (int k = 0; k < f; k++) s[apo + k] += rowLambda * s[po + k];
      for (int p = start; p < end; p++) {
        int yo = cols[p] * f;
        double coef = cm1[p] * dot(vector, y, yo, s, po, f);
        axpy(vector, coef, y, yo, s, apo, f);
      }
      double pap = 0;
      for (int k = 0; k < f; k++) pap += s[po + k] * s[apo + k];
      if (!(pap > 0)) break; // A is positive definite; this only guards round-off at convergence
      double alpha = rs / pap;
      double rsNew = 0;
      for (int k = 0; k < f; k++) {
        s[xo + k] += alpha * s[po + k];
        s[ro + k] -= alpha * s[apo + k];
        rsNew += s[ro + k] * s[ro + k];
      }
      double beta = rsNew / rs;
      for (int k = 0; k < f; k++) s[po + k] = s[ro + k] + beta * s[po + k];
      rs = rsNew;
    }
    for (int k = 0; k < f; k++) x[xOff + k] = (float) s[xo + k];
  }

  private static double dot(boolean vector, float[] a, int ao, double[] b, int bo, int f) {
    return vector ? VectorRowOps.dot(a, ao, b, bo, f) : dot(a, ao, b, bo, f);
  }

  /** s[so+k] += c·y[yo+k] over k < f. */
  private static void axpy(boolean vector, double c, float[] y, int yo, double[] s, int so, int f) {
    if (vector) VectorRowOps.axpy(c, y, yo, s, so, f);
    else for (int k = 0; k < f; k++) s[so + k] += c * y[yo + k];
  }

  /** Σ a[ao+k]·b[bo+k] with four running sums: one chain of dependent adds would stall on latency. */
  static double dot(float[] a, int ao, double[] b, int bo, int f) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 3 < f; k += 4) {
      s0 += a[ao + k] * b[bo + k];
      s1 += a[ao + k + 1] * b[bo + k + 1];
      s2 += a[ao + k + 2] * b[bo + k + 2];
      s3 += a[ao + k + 3] * b[bo + k + 3];
    }
    for (; k < f; k++) s0 += a[ao + k] * b[bo + k];
    return (s0 + s1) + (s2 + s3);
  }

  static double dot(double[] a, int ao, double[] b, int bo, int f) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = 0;
    for (; k + 3 < f; k += 4) {
      s0 += a[ao + k] * b[bo + k];
      s1 += a[ao + k + 1] * b[bo + k + 1];
      s2 += a[ao + k + 2] * b[bo + k + 2];
      s3 += a[ao + k + 3] * b[bo + k + 3];
    }
    for (; k < f; k++) s0 += a[ao + k] * b[bo + k];
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * This row's share of the loss without regularisation, using xᵀ(YᵀY)x for the sum of squares over
   * all items and correcting only the observed ones: Σ_i c_i (p_i - s_i)² = xᵀGx + Σ_obs [c_i (p_i - s_i)² - s_i²].
   *
   * @param gram YᵀY without λ
   */
  static double rowLoss(float[] x, int xOff, float[] y, int f, double[] gram, int[] cols, float[] vals,
      float[] cm1, int start, int end, boolean vector) {
    double quad = 0;
    for (int a = 0; a < f; a++) {
      double acc;
      int g = a * f;
      if (vector) {
        acc = VectorRowOps.dot(x, xOff, gram, g, f);
      } else {
        acc = 0;
        for (int b = 0; b < f; b++) acc += gram[g + b] * x[xOff + b];
      }
      quad += acc * x[xOff + a];
    }
    double fix = 0;
    for (int p = start; p < end; p++) {
      int yo = cols[p] * f;
      double dot;
      if (vector) {
        dot = VectorRowOps.dot(y, yo, x, xOff, f);
      } else {
        dot = 0;
        for (int k = 0; k < f; k++) dot += (double) y[yo + k] * x[xOff + k];
      }
      double pref = vals[p] > 0 ? 1 : 0;
      double d = pref - dot;
      fix += (1 + cm1[p]) * d * d - dot * dot;
    }
    return quad + fix;
  }

  /** Rows per partial Gram matrix; fixed, so the summation order does not depend on the thread count. */
  static final int GRAM_CHUNK = 4096;

  /** Σ_rows y yᵀ (+ lambda on the diagonal), f×f, in one thread; equal to the pooled version bit for bit. */
  static double[] gram(float[] y, int rows, int f, double lambda) {
    return gram(null, y, rows, f, lambda);
  }

  /**
   * Σ_rows y yᵀ (+ lambda on the diagonal), f×f row-major. Rows are cut into fixed chunks of
   * {@value #GRAM_CHUNK}, whose partial sums the workers compute and which are then added in chunk
   * order: the result is the same for any pool, or none.
   */
  static double[] gram(WorkerPool pool, float[] y, int rows, int f, double lambda) {
    int chunks = Math.max(1, (rows + GRAM_CHUNK - 1) / GRAM_CHUNK);
    double[][][] parts = new double[chunks][][];
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      double[] y0 = new double[f], y1 = new double[f], y2 = new double[f], y3 = new double[f];
      int c;
      while ((pool == null || !pool.stopped()) && (c = next.getAndIncrement()) < chunks) {
        double[][] g = new double[f][f];
        int from = c * GRAM_CHUNK, to = Math.min(rows, from + GRAM_CHUNK);
        int j = from;
        // Four rows per pass: each lower-triangle row of g is loaded and stored once per four outer
        // products, and the inner loops index every array by the same b, which C2 vectorises.
        for (; j + 3 < to; j += 4) {
          widen(y, j * f, y0, f);
          widen(y, (j + 1) * f, y1, f);
          widen(y, (j + 2) * f, y2, f);
          widen(y, (j + 3) * f, y3, f);
          for (int a = 0; a < f; a++) {
            double a0 = y0[a], a1 = y1[a], a2 = y2[a], a3 = y3[a];
            double[] ga = g[a];
            for (int b = 0; b <= a; b++) ga[b] += a0 * y0[b] + a1 * y1[b] + a2 * y2[b] + a3 * y3[b];
          }
        }
        for (; j < to; j++) {
          widen(y, j * f, y0, f);
          for (int a = 0; a < f; a++) {
            double a0 = y0[a];
            double[] ga = g[a];
            for (int b = 0; b <= a; b++) ga[b] += a0 * y0[b];
          }
        }
        parts[c] = g;
      }
    };
    if (pool == null) worker.run();
    else pool.runAll(worker);
    double[] out = new double[f * f];
    for (double[][] g : parts) {
      for (int a = 0; a < f; a++) {
        double[] ga = g[a];
        for (int b = 0; b <= a; b++) out[a * f + b] += ga[b];
      }
    }
    for (int a = 0; a < f; a++) {
      for (int b = 0; b < a; b++) out[b * f + a] = out[a * f + b];
      out[a * f + a] += lambda;
    }
    return out;
  }

  private static void widen(float[] y, int off, double[] into, int f) {
    for (int k = 0; k < f; k++) into[k] = y[off + k];
  }
}
