package larder.train.recommend.ease;

import java.util.concurrent.atomic.AtomicInteger;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.WorkerPool;

/**
 * EASE worked in user space, for data with fewer users m than items n: the Gram matrix {@code G = XᵀX} has
 * rank at most m, and Woodbury's identity turns its n×n inverse into an m×m one,
 * {@code P = (G + λI)⁻¹ = (I − Xᵀ M X)/λ} with {@code M = (K + λI)⁻¹} and {@code K = XXᵀ} (users' overlaps).
 *
 * <p>Two consequences, both exact in arithmetic:
 * <ul>
 *   <li>{@code X P = M X} (push-through), so user u's scores {@code x_u B = x_u − (x_u P)·diag(1/diag P)} are
 *   {@code x_u − (M_u X)·diag(1/diag P)}: one pass over X's non-zeros per user, B never formed.</li>
 *   <li>{@code λ·P_ii = 1 − d_i} with {@code d_i = x_iᵀ M x_i} summed over the pairs of item i's users, and
 *   {@code B_ji = (XᵀMX)_ji / (1 − d_i)} for j ≠ i: row j of B is the sum of the rows {@code (MX)_u} over j's
 *   users, which costs {@code nnz·n} adds for all of B, against {@code n³} for the inverse of G.</li>
 * </ul>
 * X is binary and sparse, so neither product is dense in m: the whole fit is {@code Σ c_i²/2} pair counts for
 * K, an {@code m³} inverse, {@code m·nnz} gathers for MX and {@code n·nnz} adds for B. Every sum runs in a fixed
 * order whatever the thread count, so the result does not depend on it.
 */
final class UserSpace {
  /** The progress phase of B's rows. */
  static final String WEIGHTS = "ease weights";
  private final SparseMatrix x;
  private final SparseMatrix xt;
  /** K = XXᵀ: row-major upper triangle, which is also the column-major lower one LAPACK reads. */
  private final double[] k;

  private UserSpace(SparseMatrix x, SparseMatrix xt, double[] k) {
    this.x = x;
    this.xt = xt;
    this.k = k;
  }

  /** K for the binary histories {@code x} (users by items) and their transpose {@code xt}. */
  static UserSpace of(SparseMatrix x, SparseMatrix xt, Progress progress) {
    int m = x.rows();
    int n = x.columns();
    double[] k = new double[m * m];
    int[] users = xt.cols();
    for (int i = 0; i < n; i++) {
      int start = xt.rowStart(i);
      int end = xt.rowEnd(i);
      for (int p = start; p < end; p++) {
        int base = users[p] * m;
        for (int q = p; q < end; q++) k[base + users[q]] += 1.0;
      }
      if ((i & 1023) == 1023) progress.update("ease gram", i + 1, n, "items");
    }
    progress.update("ease gram", n, n, "items");
    return new UserSpace(x, xt, k);
  }

  int users() { return x.rows(); }

  int items() { return x.columns(); }

  SparseMatrix history() { return x; }

  /**
   * {@code M = (K + λI)⁻¹}, full and symmetric, row-major: by LAPACK's dpotrf + dpotri where a native one
   * loads ({@link LapackInverse}), else by {@link SpdInverse} on {@code threads} threads.
   */
  double[] inverse(double lambda, int threads, Progress progress) {
    int m = users();
    double[] a = k.clone();
    for (int u = 0; u < m; u++) a[u * m + u] += lambda;
    if (LapackInverse.available(m)) {
      // column-major lower = row-major upper: a[v + u m] for v >= u
      LapackInverse.invertLower(a, m, progress);
    } else {
      double[][] rows = new double[m][];
      for (int u = 0; u < m; u++) {
        rows[u] = new double[m];
        System.arraycopy(a, u * m + u, rows[u], u, m - u);
      }
      SpdInverse.invertUpper(rows, threads, progress);
      for (int u = 0; u < m; u++) System.arraycopy(rows[u], u, a, u * m + u, m - u);
    }
    for (int u = 0; u < m; u++) {
      for (int v = u + 1; v < m; v++) a[v * m + u] = a[u * m + v];
    }
    return a;
  }

  /**
   * {@code 1 − d_i = λ·P_ii} for every item i, {@code d_i} the sum of M over the pairs of i's users: each pair
   * once, in the order of i's user list.
   */
  double[] oneMinusD(double[] mInv) {
    int m = users();
    int n = items();
    int[] users = xt.cols();
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      int start = xt.rowStart(i);
      int end = xt.rowEnd(i);
      double diag = 0;
      double off = 0;
      for (int p = start; p < end; p++) {
        int base = users[p] * m;
        diag += mInv[base + users[p]];
        for (int q = p + 1; q < end; q++) off += mInv[base + users[q]];
      }
      e[i] = 1.0 - (diag + 2 * off);
    }
    return e;
  }

  /** {@code (M X)_u}, row u of M gathered over every item's users, into {@code out[0..n)}. */
  void mxRow(double[] mInv, int u, double[] out) {
    int m = users();
    int n = items();
    int[] users = xt.cols();
    int[] ptr = xt.ptr();
    int base = u * m;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int p = ptr[i], end = ptr[i + 1]; p < end; p++) s += mInv[base + users[p]];
      out[i] = s;
    }
  }

  /**
   * EASE's B for λ as float rows (row j: how item j votes for every item; zero diagonal), the same matrix as
   * {@link Ease}'s inverse gives: {@code B_ji = (Σ_{u ∈ users(j)} (MX)_ui) / (1 − d_i)}. Holds MX (m·n doubles)
   * and B (n² floats) at the peak. Each row of B reads its users' whole rows of MX: tiles of columns that keep a slice
   * of MX in cache were slower on both shared data sets (B's rows are then written a tile at a time).
   */
  float[][] weights(double lambda, int threads, Progress progress) {
    int m = users();
    int n = items();
    double[] mInv = inverse(lambda, threads, progress);
    progress.update(WEIGHTS, 0, n, "items");
    double[] e = oneMinusD(mInv);
    double[][] mx = new double[m][];
    float[][] b = new float[n][n];
    int[] users = xt.cols();
    try (WorkerPool pool = new WorkerPool(threads, "ease-users")) {
      AtomicInteger nextUser = new AtomicInteger();
      pool.runAll(() -> {
        int u;
        while (!pool.stopped() && (u = nextUser.getAndIncrement()) < m) {
          double[] row = new double[n];
          mxRow(mInv, u, row);
          mx[u] = row;
        }
      });
      AtomicInteger nextItems = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      pool.runAll(() -> {
        double[] acc = new double[n];
        int j0;
        while (!pool.stopped() && (j0 = nextItems.getAndAdd(ROWS_PER_TASK)) < n) {
          int j1 = Math.min(n, j0 + ROWS_PER_TASK);
          for (int j = j0; j < j1; j++) {
            sumRows(mx, users, xt.rowStart(j), xt.rowEnd(j), acc);
            float[] out = b[j];
            for (int i = 0; i < n; i++) out[i] = (float) (acc[i] / e[i]);
          }
          progress.update(WEIGHTS, done.addAndGet(j1 - j0), n, "items");
        }
      });
    }
    for (int j = 0; j < n; j++) b[j][j] = 0f;
    progress.update(WEIGHTS, n, n, "items");
    return b;
  }

  /**
   * {@code acc[i] = Σ_p mx[users[p]][i]} over p in [start, end), four rows per pass (a quarter of the loads
   * and stores of acc), in the same order whatever the thread.
   */
  static void sumRows(double[][] mx, int[] users, int start, int end, double[] acc) {
    int w = acc.length;
    java.util.Arrays.fill(acc, 0.0);
    int p = start;
    for (; p + 3 < end; p += 4) {
      double[] r0 = mx[users[p]];
      double[] r1 = mx[users[p + 1]];
      double[] r2 = mx[users[p + 2]];
      double[] r3 = mx[users[p + 3]];
      for (int t = 0; t < w; t++) acc[t] += (r0[t] + r1[t]) + (r2[t] + r3[t]);
    }
    for (; p < end; p++) {
      double[] r = mx[users[p]];
      for (int t = 0; t < w; t++) acc[t] += r[t];
    }
  }

  /** Rows of B one task makes. */
  private static final int ROWS_PER_TASK = 32;

  /**
   * Scores without B for λ, from {@code M} and {@code 1 − d}: user u's score of item i is
   * {@code x_ui − λ (MX)_ui / (1 − d_i)}, equal to {@code Σ_{j ∈ H_u} B_ji}.
   */
  larder.train.recommend.UserScorer scorer(double lambda, double[] mInv, double[] e) {
    int n = items();
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) scale[i] = lambda / e[i];
    int[] cols = x.cols();
    double[] row = new double[n];
    return (block, count, out) -> {
      for (int c = 0; c < count; c++) {
        int u = block[c];
        mxRow(mInv, u, row);
        int base = c * n;
        for (int i = 0; i < n; i++) row[i] = -row[i] * scale[i];
        for (int p = x.rowStart(u), end = x.rowEnd(u); p < end; p++) row[cols[p]] += 1.0;
        for (int i = 0; i < n; i++) out[base + i] = (float) row[i];
      }
    };
  }
}
