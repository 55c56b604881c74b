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
  private static final int TILE = 512;
  /** Rows updated together by the register-blocked kernel. */
  private static final int GROUP = 4;
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
   * {@link #invertUpper(double[][], int)}, reporting the pivots swept ("ease inv", columns) after each
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
    // x = A_SS⁻¹ A_SN, GROUP panel rows per task, by the update kernel with the coefficients negated.
    AtomicInteger nextGroup = new AtomicInteger();
    int groups = (m + GROUP - 1) / GROUP;
    pool.runAll(() -> {
      double[][] coef = new double[GROUP][m];
      double[][] rows = new double[GROUP][];
      int g;
      while (!pool.stopped() && (g = nextGroup.getAndIncrement()) < groups) {
        int r0 = g * GROUP;
        int size = Math.min(GROUP, m - r0);
        for (int q = 0; q < size; q++) {
          rows[q] = x[r0 + q];
          Arrays.fill(rows[q], 0, k0, 0.0);
          Arrays.fill(rows[q], k1, n, 0.0);
          for (int t = 0; t < m; t++) coef[q][t] = -s[r0 + q][t];
        }
        for (int jt = 0; jt < n; jt += TILE) {
          int jEnd = Math.min(n, jt + TILE);
          updateGroup(rows, coef, size, raw, m, jt, Math.min(jEnd, k0));
          updateGroup(rows, coef, size, raw, m, Math.max(jt, k1), jEnd);
        }
      }
    });
    // A_NN -= A_NS x over the upper triangle; the rows before the panel also get their panel columns.
    AtomicInteger nextBlock = new AtomicInteger();
    int blocks = (n + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    pool.runAll(() -> {
      double[][] coef = new double[GROUP][m];
      double[][] rows = new double[GROUP][];
      int b;
      while (!pool.stopped() && (b = nextBlock.getAndIncrement()) < blocks) {
        int i0 = b * ROWS_PER_TASK;
        int i1 = Math.min(n, i0 + ROWS_PER_TASK);
        for (int jt = i0; jt < n; jt += TILE) {
          int jEnd = Math.min(n, jt + TILE);
          for (int g0 = i0; g0 < i1; ) {
            if (g0 >= k0 && g0 < k1) {
              g0 = k1;
              continue;
            }
            // A group lies wholly before or wholly after the panel (k0 is a multiple of GROUP).
            int g1 = Math.min(g0 + GROUP, Math.min(i1, g0 < k0 ? k0 : n));
            int size = g1 - g0;
            for (int q = 0; q < size; q++) {
              rows[q] = a[g0 + q];
              for (int r = 0; r < m; r++) coef[q][r] = raw[r][g0 + q];
            }
            // The group's own triangle (columns g0..g1-1), one row at a time.
            for (int q = 0; q < size; q++) {
              int from = Math.max(g0 + q, jt);
              int to = Math.min(g1, jEnd);
              if (g0 < k0) to = Math.min(to, k0);
              update(rows[q], coef[q], x, m, from, to);
            }
            int from = Math.max(g1, jt);
            if (from < jEnd) {
              if (g0 < k0) {
                updateGroup(rows, coef, size, x, m, from, Math.min(jEnd, k0));
                updateGroup(rows, coef, size, x, m, Math.max(from, k1), jEnd);
              } else {
                updateGroup(rows, coef, size, x, m, from, jEnd);
              }
            }
            g0 = g1;
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

  /** {@link #update} for each of the group's rows; four rows share each load of the panel rows. */
  private static void updateGroup(double[][] rows, double[][] coef, int size, double[][] x, int m, int from,
      int to) {
    if (from >= to) return;
    if (size == GROUP) {
      update4(rows[0], rows[1], rows[2], rows[3], coef[0], coef[1], coef[2], coef[3], x, m, from, to);
    } else {
      for (int q = 0; q < size; q++) update(rows[q], coef[q], x, m, from, to);
    }
  }

  /**
   * The register-blocked kernel: four rows times four panel rows per pass, so each loaded element of
   * x serves four rows and each row element is loaded and stored once per four panel rows.
   */
  private static void update4(double[] a0, double[] a1, double[] a2, double[] a3, double[] c0, double[] c1,
      double[] c2, double[] c3, double[][] x, int m, int from, int to) {
    int r = 0;
    for (; r + 3 < m; r += 4) {
      double[] x0 = x[r];
      double[] x1 = x[r + 1];
      double[] x2 = x[r + 2];
      double[] x3 = x[r + 3];
      double c00 = c0[r], c01 = c0[r + 1], c02 = c0[r + 2], c03 = c0[r + 3];
      double c10 = c1[r], c11 = c1[r + 1], c12 = c1[r + 2], c13 = c1[r + 3];
      double c20 = c2[r], c21 = c2[r + 1], c22 = c2[r + 2], c23 = c2[r + 3];
      double c30 = c3[r], c31 = c3[r + 1], c32 = c3[r + 2], c33 = c3[r + 3];
      for (int j = from; j < to; j++) {
        double v0 = x0[j];
        double v1 = x1[j];
        double v2 = x2[j];
        double v3 = x3[j];
        a0[j] -= c00 * v0 + c01 * v1 + c02 * v2 + c03 * v3;
        a1[j] -= c10 * v0 + c11 * v1 + c12 * v2 + c13 * v3;
        a2[j] -= c20 * v0 + c21 * v1 + c22 * v2 + c23 * v3;
        a3[j] -= c30 * v0 + c31 * v1 + c32 * v2 + c33 * v3;
      }
    }
    for (; r < m; r++) {
      double[] x0 = x[r];
      double d0 = c0[r], d1 = c1[r], d2 = c2[r], d3 = c3[r];
      for (int j = from; j < to; j++) {
        double v = x0[j];
        a0[j] -= d0 * v;
        a1[j] -= d1 * v;
        a2[j] -= d2 * v;
        a3[j] -= d3 * v;
      }
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
