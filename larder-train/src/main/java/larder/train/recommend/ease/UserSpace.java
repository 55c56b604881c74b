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
   * and B (n² floats) at the peak.
   */
  float[][] weights(double lambda, int threads, Progress progress) {
    int m = users();
    int n = items();
    double[] mInv = inverse(lambda, threads, progress);
    double[] e = oneMinusD(mInv);
    double[][] mx = new double[m][];
    AtomicInteger nextUser = new AtomicInteger();
    AtomicInteger nextItem = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    float[][] b = new float[n][];
    int[] users = xt.cols();
    try (WorkerPool pool = new WorkerPool(Math.max(1, Math.min(threads, Math.max(m, 1))), "ease-users")) {
      pool.runAll(() -> {
        int u;
        while (!pool.stopped() && (u = nextUser.getAndIncrement()) < m) {
          double[] row = new double[n];
          mxRow(mInv, u, row);
          mx[u] = row;
        }
      });
      pool.runAll(() -> {
        double[] acc = new double[n];
        int j;
        while (!pool.stopped() && (j = nextItem.getAndIncrement()) < n) {
          java.util.Arrays.fill(acc, 0.0);
          for (int p = xt.rowStart(j), end = xt.rowEnd(j); p < end; p++) {
            double[] r = mx[users[p]];
            for (int i = 0; i < n; i++) acc[i] += r[i];
          }
          float[] out = new float[n];
          for (int i = 0; i < n; i++) out[i] = (float) (acc[i] / e[i]);
          out[j] = 0f;
          b[j] = out;
          int d = done.incrementAndGet();
          if ((d & 255) == 0) progress.update(WEIGHTS, d, n, "items");
        }
      });
    }
    progress.update(WEIGHTS, n, n, "items");
    return b;
  }

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
