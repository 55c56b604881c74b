package larder.train.recommend.ease;

import java.util.Locale;
import larder.core.SparseMatrix;

/**
 * What fitting EASE will cost, known before anything large is allocated: the memory grows as the square
 * of the catalogue and the inverse's time as its cube, so a run that cannot finish is refused up front
 * and one that can says how long to expect. There are two ways to the same B ({@link Ease}): the n×n inverse
 * of the items' Gram matrix (item space), and, with fewer users than items, an m×m inverse of the users'
 * overlaps and two sparse products ({@link UserSpace}); {@link #of} estimates both and keeps the cheaper.
 *
 * @param items the catalogue size n
 * @param users the number of users m
 * @param userSpace whether this is the cost of the user-space fit rather than of the item-space inverse
 * @param gramPairs pairs the Gram matrix adds up: item pairs over users' histories (item space), or user pairs
 *     over items' users (user space), {@code Σ h(h+1)/2}
 * @param bytes memory at the peak of the fit
 * @param gramSeconds expected time of the Gram matrix
 * @param inverseSeconds expected time of the inverse ({@code n³} flops, or {@code m³} in user space)
 * @param weightsSeconds expected time of B's rows in user space ({@code m·nnz} gathers, {@code n·nnz} adds); 0
 *     in item space, where B is a pass over P
 * @param lapack whether the inverse runs in the machine's LAPACK ({@link LapackInverse}) rather than in Java
 */
public record EaseCost(int items, int users, boolean userSpace, long gramPairs, long bytes, double gramSeconds,
    double inverseSeconds, double weightsSeconds, boolean lapack) {
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

  /**
   * User-space B's gathers per second and thread ({@code (MX)_ui}, an m×m matrix read at random): 5.5e8 on
   * ml-latest-small and 1.2e9 on Last.fm 2k on one thread of this machine under load, rounded well down (the whole
   * user-space fit then took 1.2-1.6 s and 4.3-7.8 s on the loaded machine of BENCHMARKS.md §16 against estimates of
   * 1.5 s and 3.2 s).
   */
  static final double GATHERS_PER_SECOND = 1e8;
  /**
   * User-space B's adds per second and thread (rows of MX summed into a row of B, contiguous, four at a time):
   * about 2e9 on ml-latest-small and 1.2e9 on Last.fm 2k (fewer users per item) on one thread, rounded well down.
   */
  static final double ADDS_PER_SECOND = 5e8;

  /**
   * The cost of the fit {@link Ease} runs for the binary histories {@code x} (users by items) with {@code threads}
   * threads: the cheaper of the two ways, each inverse in LAPACK where a native one loads.
   */
  public static EaseCost of(SparseMatrix x, int threads) {
    EaseCost items = itemSpace(x, threads, LapackInverse.available(x.columns()));
    if (!userSpacePossible(x)) return items;
    return cheaper(items, userSpace(x, threads, LapackInverse.available(x.rows())));
  }

  /** {@link #of(SparseMatrix, int)} with both inverses in LAPACK or both in Java as {@code lapack} says. */
  public static EaseCost of(SparseMatrix x, int threads, boolean lapack) {
    EaseCost items = itemSpace(x, threads, lapack);
    return userSpacePossible(x) ? cheaper(items, userSpace(x, threads, lapack)) : items;
  }

  /** {@code b} when it is a user-space cost expected to take less time than {@code a}, else {@code a}. */
  static EaseCost cheaper(EaseCost a, EaseCost b) {
    return b.seconds() < a.seconds() ? b : a;
  }

  /** Fewer users than items, and few enough that their m×m matrix fits one Java array. */
  static boolean userSpacePossible(SparseMatrix x) {
    return x.rows() >= 1 && x.rows() < x.columns() && x.rows() <= LapackInverse.MAX_ITEMS;
  }

  /** The item-space fit: the Gram matrix of the items and its n×n inverse, in LAPACK or in Java. */
  public static EaseCost itemSpace(SparseMatrix x, int threads, boolean lapack) {
    int n = x.columns();
    long pairs = 0;
    for (int u = 0; u < x.rows(); u++) {
      long h = x.rowLength(u);
      pairs += h * (h + 1) / 2;
    }
    double flops = (double) n * n * n;
    return new EaseCost(n, x.rows(), false, pairs, bytesNeeded(n), pairs / GRAM_PAIRS_PER_SECOND,
        flops / inverseRate(threads, lapack), 0, lapack);
  }

  /**
   * The user-space fit ({@link UserSpace}): the users' overlaps K, the m×m inverse of K + λI in LAPACK or in Java,
   * then MX and B's rows on {@code threads} threads.
   */
  public static EaseCost userSpace(SparseMatrix x, int threads, boolean lapack) {
    int n = x.columns();
    int m = x.rows();
    long[] count = new long[n];
    int[] cols = x.cols();
    long nnz = x.nonZeros();
    for (long p = 0; p < nnz; p++) count[cols[(int) p]]++;
    long pairs = 0;
    for (long c : count) pairs += c * (c + 1) / 2;
    double flops = (double) m * m * m;
    int workers = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
    // B's n² floats are allocated (zeroed) and each divided once besides the n·nnz adds
    double weights = ((double) m * nnz / GATHERS_PER_SECOND + ((double) n * nnz + 2.0 * n * n) / ADDS_PER_SECOND)
        / workers;
    return new EaseCost(n, m, true, pairs, userSpaceBytes(m, n), pairs / GRAM_PAIRS_PER_SECOND,
        flops / inverseRate(threads, lapack), weights, lapack);
  }

  /** Flops per second of the inverse: LAPACK (OpenBLAS) uses every core whatever ease.threads says. */
  private static double inverseRate(int threads, boolean lapack) {
    int cores = Runtime.getRuntime().availableProcessors();
    return lapack ? LAPACK_FLOPS_PER_THREAD * cores : INVERSE_FLOPS_PER_THREAD * Math.max(1, Math.min(threads, cores));
  }

  /**
   * Bytes the item-space fit needs at its peak for {@code items} items: 8n² for the double matrix and 4n² for the
   * float weights made from it (the Java path frees the doubles row by row and peaks lower, near 10n²).
   */
  public static long bytesNeeded(int items) {
    return 12L * items * items;
  }

  /**
   * Bytes the user-space fit needs at its peak: 4n² for the float weights, 8mn for MX, and 24m² for K, its
   * inverse and the copy the Java inverse holds for a moment.
   */
  public static long userSpaceBytes(int users, int items) {
    return 4L * items * items + 8L * users * items + 24L * users * users;
  }

  /**
   * The cost in single precision through LAPACK: 4n² for the float matrix and 4n² for the weights, and
   * about half the inverse's time (LAPACK's spotrf + spotri against dpotrf + dpotri, BENCHMARKS.md §15). Only
   * the item-space inverse has a single-precision form; a user-space cost is returned as it is.
   */
  public EaseCost single() {
    if (userSpace) return this;
    return new EaseCost(items, users, false, gramPairs, 8L * items * items, gramSeconds, inverseSeconds / 2, 0,
        lapack);
  }

  /** Seconds the whole fit is expected to take. */
  public double seconds() {
    return gramSeconds + inverseSeconds + weightsSeconds;
  }

  /** One line for the progress output, e.g. "9,724 items: about 0.9 GB of memory (heap 6.0 GB) and 25 s". */
  public String describe(long heapBytes) {
    if (userSpace) {
      return String.format(Locale.ROOT, "%,d items, %,d users, in user space: about %s of memory (of %s the JVM may"
          + " use) and %s (Gram of the users %s, inverse of %,d × %,d %s in %s, weights %s)", items, users,
          gigabytes(bytes), gigabytes(heapBytes), duration(seconds()), duration(gramSeconds), users, users,
          duration(inverseSeconds), lapack ? "native LAPACK" : "Java", duration(weightsSeconds));
    }
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
