package larder.train.recommend.ease;

import java.util.Locale;
import larder.core.SparseMatrix;

/**
 * What fitting EASE will cost, known before anything large is allocated: the memory grows as the square
 * of the catalogue and the inverse's time as its cube, so a run that cannot finish is refused up front
 * and one that can says how long to expect.
 *
 * @param items the catalogue size n
 * @param gramPairs item pairs the Gram matrix adds up: the sum over users of h(h+1)/2 for a history of h items
 * @param bytes memory at the peak of the fit ({@link #bytesNeeded})
 * @param gramSeconds expected time of the Gram matrix
 * @param inverseSeconds expected time of the inverse ({@code n³} flops)
 * @param lapack whether the inverse runs in the machine's LAPACK ({@link LapackInverse}) rather than in Java
 */
public record EaseCost(int items, long gramPairs, long bytes, double gramSeconds, double inverseSeconds,
    boolean lapack) {
  /**
   * Flops per second and thread of {@link SpdInverse} at thousands of items: 34 GFLOP/s on 2 threads at
   * 5,000 items on a quiet machine of BENCHMARKS.md §15, rounded down so the estimate errs long.
   */
  static final double INVERSE_FLOPS_PER_THREAD = 15e9;
  /**
   * The same for LAPACK's potrf + potri through OpenBLAS: about 140 GFLOP/s on 2 cores at 9,724 items on a
   * quiet machine (the reference's 6.6 s), far less on a busy one; rounded down likewise.
   */
  static final double LAPACK_FLOPS_PER_THREAD = 40e9;
  /** Item pairs per second the single-threaded Gram loop adds (one random-access increment each). */
  static final double GRAM_PAIRS_PER_SECOND = 2e8;

  /** The cost for the binary histories {@code x} (users by items) with {@code threads} threads for the inverse. */
  public static EaseCost of(SparseMatrix x, int threads) {
    return of(x, threads, LapackInverse.available(x.columns()));
  }

  /** {@link #of(SparseMatrix, int)} with the inverse in LAPACK or in Java as {@code lapack} says. */
  public static EaseCost of(SparseMatrix x, int threads, boolean lapack) {
    int n = x.columns();
    long pairs = 0;
    for (int u = 0; u < x.rows(); u++) {
      long h = x.rowLength(u);
      pairs += h * (h + 1) / 2;
    }
    double flops = (double) n * n * n;
    // LAPACK (OpenBLAS) uses every core whatever ease.threads says
    int cores = Runtime.getRuntime().availableProcessors();
    double rate = lapack ? LAPACK_FLOPS_PER_THREAD * cores : INVERSE_FLOPS_PER_THREAD * Math.max(1, Math.min(threads, cores));
    return new EaseCost(n, pairs, bytesNeeded(n), pairs / GRAM_PAIRS_PER_SECOND, flops / rate, lapack);
  }

  /**
   * Bytes the fit needs at its peak for {@code items} items: 8n² for the double matrix and 4n² for the
   * float weights made from it (the Java path frees the doubles row by row and peaks lower, near 10n²).
   */
  public static long bytesNeeded(int items) {
    return 12L * items * items;
  }

  /**
   * The cost in single precision through LAPACK: 4n² for the float matrix and 4n² for the weights, and
   * about half the inverse's time (LAPACK's spotrf + spotri against dpotrf + dpotri, BENCHMARKS.md §15).
   */
  public EaseCost single() {
    return new EaseCost(items, gramPairs, 8L * items * items, gramSeconds, inverseSeconds / 2, lapack);
  }

  /** Seconds the whole fit is expected to take. */
  public double seconds() {
    return gramSeconds + inverseSeconds;
  }

  /** One line for the progress output, e.g. "9,724 items: about 0.9 GB of memory (heap 6.0 GB) and 25 s". */
  public String describe(long heapBytes) {
    return String.format(Locale.ROOT, "%,d items: about %s of memory (of %s the JVM may use) and %s"
        + " (Gram %s, inverse %s in %s)", items, gigabytes(bytes), gigabytes(heapBytes), duration(seconds()),
        duration(gramSeconds), duration(inverseSeconds), lapack ? "native LAPACK" : "Java");
  }

  static String gigabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }

  static String duration(double seconds) {
    if (seconds < 1) return "under 1 s";
    if (seconds < 120) return String.format(Locale.ROOT, "%.0f s", seconds);
    if (seconds < 7200) return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
