package larder.train.recommend.ease;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import larder.core.Progress;
import larder.train.kernel.WorkerPool;

/**
 * In-place inverse of a dense symmetric positive definite matrix by blocked symmetric sweeps
 * (Goodnight, "A tutorial on the SWEEP operator", The American Statistician 33(3), 1979; the block
 * form as in Little and Rubin, "Statistical Analysis with Missing Data", 2002, §7.4).
 *
 * <p>Sweeping a pivot block S of A turns it into
 * {@code [[-A_SS⁻¹, A_SS⁻¹ A_SN], [A_NS A_SS⁻¹, A_NN - A_NS A_SS⁻¹ A_SN]]}; sweeps commute, and
 * sweeping every pivot yields {@code -A⁻¹}. For an SPD matrix each pivot block is a Schur complement,
 * hence SPD, so no pivoting is needed. Only the upper triangle is stored and updated: the work is
 * {@code n³/2} multiply-adds, the same as Cholesky followed by its triangular inverse and product, but
 * nearly all of it is one kernel, a rank-{@code PANEL} update of row tiles by contiguous panel rows
 * (the axpy form C2 vectorises), spread over threads by rows.
 */
public final class SpdInverse {
  /** Pivots swept together; the panel tile (PANEL × TILE doubles) stays in a 1 MB L2 cache. */
  static final int PANEL = 64;
  /** The progress phase of the inverse. */
  public static final String PHASE = "ease inv";
  private static final int TILE = 1024;
  private static final int ROWS_PER_TASK = 16;

  private SpdInverse() {}

  /**
   * Replaces the upper triangle ({@code a[i][j]}, j >= i) of the SPD matrix it holds by the upper
   * triangle of its inverse; entries below the diagonal are neither read nor written.
   *
   * @throws ArithmeticException when the matrix is not (numerically) positive definite
   */
  public static void invertUpper(double[][] a, int threads) {
    invertUpper(a, threads, Progress.NONE);
  }

  /**
   * {@link #invertUpper(double[][], int)}, reporting the pivots swept ({@link #PHASE}, columns) after each
   * panel: every panel updates the whole triangle, so the count grows evenly with time.
   */
  public static void invertUpper(double[][] a, int threads, Progress progress) {
    int n = a.length;
    if (n == 0) return;
    int panel = Math.min(PANEL, n);
    double[][] raw = new double[panel][n];
    double[][] x = new double[panel][n];
    double[][] s = new double[panel][panel];
    try (WorkerPool pool = new WorkerPool(threads, "ease-inverse")) {
      for (int k0 = 0; k0 < n; k0 += panel) {
        int k1 = Math.min(n, k0 + panel);
        sweepPanel(a, k0, k1, raw, x, s, pool);
        progress.update(PHASE, k1, n, "columns");
      }
    }
    for (int i = 0; i < n; i++) {
      double[] row = a[i];
      for (int j = i; j < n; j++) row[j] = -row[j];
    }
  }

  private static void sweepPanel(double[][] a, int k0, int k1, double[][] raw, double[][] x, double[][] s,
      WorkerPool pool) {
    int n = a.length;
    int m = k1 - k0;
    // raw[r] = row k0+r of A outside the panel, read from the upper triangle by symmetry.
    for (int j = 0; j < k0; j++) {
      double[] row = a[j];
      for (int r = 0; r < m; r++) raw[r][j] = row[k0 + r];
    }
    for (int r = 0; r < m; r++) {
      System.arraycopy(a[k0 + r], k1, raw[r], k1, n - k1);
      for (int t = r; t < m; t++) {
        s[r][t] = a[k0 + r][k0 + t];
        s[t][r] = s[r][t];
      }
    }
    invertSmall(s, m, k0);
    // x = A_SS⁻¹ A_SN, one panel row per task.
    AtomicInteger nextRow = new AtomicInteger();
    pool.runAll(() -> {
      int r;
      while (!pool.stopped() && (r = nextRow.getAndIncrement()) < m) {
        double[] out = x[r];
        Arrays.fill(out, 0, k0, 0.0);
        Arrays.fill(out, k1, n, 0.0);
        for (int t = 0; t < m; t++) {
          double c = s[r][t];
          double[] in = raw[t];
          for (int j = 0; j < k0; j++) out[j] += c * in[j];
          for (int j = k1; j < n; j++) out[j] += c * in[j];
        }
      }
    });
    // A_NN -= A_NS x over the upper triangle; the rows before the panel also get their panel columns.
    AtomicInteger nextBlock = new AtomicInteger();
    int blocks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    pool.runAll(() -> {
      double[] coef = new double[m];
      int b;
      while (!pool.stopped() && (b = nextBlock.getAndIncrement()) < blocks) {
        int i0 = b * ROWS_PER_TASK;
        int i1 = Math.min(n, i0 + ROWS_PER_TASK);
        for (int jt = i0; jt < n; jt += TILE) {
          int jEnd = Math.min(n, jt + TILE);
          for (int i = i0; i < i1; i++) {
            if (i >= k0 && i < k1) continue;
            int from = Math.max(i, jt);
            if (from >= jEnd) continue;
            double[] row = a[i];
            for (int r = 0; r < m; r++) coef[r] = raw[r][i];
            if (i < k0) {
              update(row, coef, x, m, from, Math.min(jEnd, k0));
              update(row, coef, x, m, Math.max(from, k1), jEnd);
            } else {
              update(row, coef, x, m, from, jEnd);
            }
          }
        }
        for (int i = i0; i < Math.min(i1, k0); i++) {
          for (int r = 0; r < m; r++) a[i][k0 + r] = x[r][i];
        }
      }
    });
    for (int r = 0; r < m; r++) {
      double[] row = a[k0 + r];
      System.arraycopy(x[r], k1, row, k1, n - k1);
      for (int t = r; t < m; t++) row[k0 + t] = -s[r][t];
    }
  }

  /** {@code row[j] -= sum_r coef[r] * x[r][j]} for j in [from, to); two panel rows per pass. */
  private static void update(double[] row, double[] coef, double[][] x, int m, int from, int to) {
    if (from >= to) return;
    int r = 0;
    for (; r + 1 < m; r += 2) {
      double c0 = coef[r];
      double c1 = coef[r + 1];
      double[] x0 = x[r];
      double[] x1 = x[r + 1];
      for (int j = from; j < to; j++) row[j] -= c0 * x0[j] + c1 * x1[j];
    }
    if (r < m) {
      double c0 = coef[r];
      double[] x0 = x[r];
      for (int j = from; j < to; j++) row[j] -= c0 * x0[j];
    }
  }

  /** Inverts the leading m×m block of the full symmetric {@code s} in place by plain sweeps. */
  private static void invertSmall(double[][] s, int m, int offset) {
    for (int k = 0; k < m; k++) {
      double d = s[k][k];
      if (!(d > 0)) {
        throw new ArithmeticException("matrix is not positive definite: pivot " + (offset + k) + " is " + d);
      }
      double inv = 1.0 / d;
      double[] rk = s[k];
      for (int i = 0; i < m; i++) {
        if (i == k) continue;
        double f = s[i][k] * inv;
        if (f == 0) continue;
        double[] ri = s[i];
        for (int j = 0; j < m; j++) {
          if (j != k) ri[j] -= f * rk[j];
        }
      }
      for (int i = 0; i < m; i++) {
        if (i == k) continue;
        s[i][k] *= inv;
        s[k][i] *= inv;
      }
      s[k][k] = -inv;
    }
    // Sweeping every pivot left -S⁻¹.
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) s[i][j] = -s[i][j];
    }
  }
}
