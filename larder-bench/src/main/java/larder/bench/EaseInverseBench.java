package larder.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseCost;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.ease.SpdInverse;

/**
 * EASE's inverse for {@code bench/ease-inverse.sh}: the same Gram matrix {@code XᵀX + λI} as
 * {@code ../shared/bench/spd-inverse-reference} builds (binary X from a user,item file, or random X with
 * 4n users and 1% density), inverted by {@link SpdInverse} on {@code threads} threads; then, for a file,
 * the whole {@link Ease#fit} (its inverse in the machine's LAPACK when there is one) with its estimate beside
 * the time it took; {@code --netlib 1} adds dev.ludovic.netlib's dpotrf + dpotri alone.
 * <pre>
 *   EaseInverseBench &lt;preset&gt; --path file [--threads n] [--lambda 250] [--java 1] [--netlib 0] [--fit 1]
 *   EaseInverseBench random --items n [--threads n] [--java 1] [--netlib 0]
 * </pre>
 * Prints {@code EASE_INV items=… seconds=… gflops=… residual=… heap_peak_mib=…} and, with a file,
 * {@code EASE_FIT …}.
 */
public final class EaseInverseBench {
  private EaseInverseBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    double lambda = Double.parseDouble(a.text("lambda", "250"));
    SparseMatrix x;
    Interactions in = null;
    if (a.command.equals("random")) {
      x = random(a.integer("items", 5000), 1);
    } else {
      Path path = Path.of(a.text("path", ""));
      in = new CsvSource(CsvSpec.preset(a.command, path)).read(Progress.NONE).interactions();
      x = in.byUser().mapValues(v -> 1f);
    }
    int n = x.columns();
    if (a.integer("java", 1) == 1) javaInverse(x, lambda, threads);
    if (a.integer("netlib", 0) == 1) netlib(x, lambda);
    if (in != null && a.integer("fit", 1) == 1) {
      HeapSampler.live();
      try (HeapSampler heap = new HeapSampler()) {
        long t = System.nanoTime();
        new Ease(EaseParams.defaults().withLambda(lambda).withThreads(threads)).fit(in, Progress.NONE);
        double fit = (System.nanoTime() - t) / 1e9;
        EaseCost used = EaseCost.of(x, threads);
        System.out.printf(Locale.ROOT, "EASE_FIT items=%d threads=%d inverse=%s seconds=%.2f estimate_seconds=%.1f "
            + "estimate_mib=%d heap_peak_mib=%s%n", n, threads, used.lapack() ? "lapack" : "java", fit, used.seconds(),
            used.bytes() >> 20, HeapSampler.mib(heap.peak()));
      }
    }
  }

  /** {@link SpdInverse} on the Gram matrix, with the time, the residual on a few columns and the heap. */
  static void javaInverse(SparseMatrix x, double lambda, int threads) {
    int n = x.columns();
    long t = System.nanoTime();
    double[][] g = gram(x, lambda);
    double gramSeconds = (System.nanoTime() - t) / 1e9;
    int[] probe = new Random(3).ints(8, 0, n).toArray();
    double[][] columns = new double[probe.length][];
    for (int c = 0; c < probe.length; c++) columns[c] = column(g, probe[c]);
    long live = HeapSampler.live();
    double seconds;
    long peak;
    try (HeapSampler heap = new HeapSampler()) {
      t = System.nanoTime();
      SpdInverse.invertUpper(g, threads);
      seconds = (System.nanoTime() - t) / 1e9;
      peak = heap.peak();
    }
    double residual = residual(g, columns, probe);
    EaseCost cost = EaseCost.of(x, threads, false);
    System.out.printf(Locale.ROOT, "EASE_INV items=%d threads=%d dtype=float64 impl=java seconds=%.3f gflops=%.1f "
            + "estimate_seconds=%.1f gram_seconds=%.3f residual=%.2e heap_live_before_mib=%s heap_peak_mib=%s%n",
        n, threads, seconds, (double) n * n * n / seconds / 1e9, cost.inverseSeconds(), gramSeconds, residual,
        HeapSampler.mib(live), HeapSampler.mib(peak));
  }

  /**
   * The same inverse by dev.ludovic.netlib's LAPACK (dpotrf + dpotri on a column-major copy): native when the
   * system has a liblapack.so.3, else its Java translation; the line names which one ran.
   */
  static void netlib(SparseMatrix x, double lambda) {
    double[][] g = gram(x, lambda);
    int n = g.length;
    double[] cm = new double[n * n];
    for (int i = 0; i < n; i++) for (int j = i; j < n; j++) cm[i + j * n] = g[i][j];
    g = null;
    dev.ludovic.netlib.lapack.LAPACK lapack = dev.ludovic.netlib.lapack.LAPACK.getInstance();
    org.netlib.util.intW info = new org.netlib.util.intW(0);
    long t = System.nanoTime();
    lapack.dpotrf("U", n, cm, n, info);
    int first = info.val;
    lapack.dpotri("U", n, cm, n, info);
    double seconds = (System.nanoTime() - t) / 1e9;
    cm = null;
    System.out.printf(Locale.ROOT, "NETLIB_INV items=%d impl=%s seconds=%.3f info=%d,%d%n", n,
        lapack.getClass().getSimpleName(), seconds, first, info.val);
  }

  /** Binary X with {@code 4n} users and each entry 1 with probability 0.01, as the reference draws it. */
  static SparseMatrix random(int n, long seed) {
    Random rnd = new Random(seed);
    int users = 4 * n;
    int[] ptr = new int[users + 1];
    int[] cols = new int[users * Math.max(1, n / 50)];
    int at = 0;
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < n; i++) {
        if (rnd.nextDouble() < 0.01) {
          if (at == cols.length) cols = java.util.Arrays.copyOf(cols, cols.length * 2);
          cols[at++] = i;
        }
      }
      ptr[u + 1] = at;
    }
    float[] vals = new float[at];
    java.util.Arrays.fill(vals, 1f);
    return new SparseMatrix(users, n, ptr, java.util.Arrays.copyOf(cols, at), vals);
  }

  /** Upper triangle of XᵀX + λI (rows of X sorted by column). */
  static double[][] gram(SparseMatrix x, double lambda) {
    int n = x.columns();
    double[][] g = new double[n][n];
    int[] cols = x.cols();
    for (int u = 0; u < x.rows(); u++) {
      for (int p = x.rowStart(u), end = x.rowStart(u) + x.rowLength(u); p < end; p++) {
        double[] row = g[cols[p]];
        for (int q = p; q < end; q++) row[cols[q]] += 1.0;
      }
    }
    for (int i = 0; i < n; i++) g[i][i] += lambda;
    return g;
  }

  /** Column c of the symmetric matrix whose upper triangle {@code g} holds. */
  static double[] column(double[][] g, int c) {
    double[] col = new double[g.length];
    for (int i = 0; i < g.length; i++) col[i] = i <= c ? g[i][c] : g[c][i];
    return col;
  }

  /** max |(P G)_ij - δ_ij| over the probed columns j of G, reading only P's upper triangle row by row. */
  static double residual(double[][] p, double[][] gColumns, int[] probe) {
    int n = p.length;
    double worst = 0;
    for (int c = 0; c < probe.length; c++) {
      double[] gc = gColumns[c];
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        double[] row = p[i];
        double s = row[i] * gc[i];
        double gi = gc[i];
        for (int t = i + 1; t < n; t++) {
          s += row[t] * gc[t];
          out[t] += row[t] * gi;
        }
        out[i] += s;
      }
      for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[i] - (i == probe[c] ? 1 : 0)));
    }
    return worst;
  }
}
