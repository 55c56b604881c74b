package larder.train.recommend.ease;

import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import larder.core.Progress;
import org.netlib.util.intW;

/**
 * EASE's inverse by the machine's LAPACK (Cholesky {@code dpotrf} then {@code dpotri}), reached through
 * dev.ludovic.netlib, the bridge Spark uses: about twice as fast as {@link SpdInverse} where an optimised
 * LAPACK such as OpenBLAS is installed (BENCHMARKS.md §15). Used only when the bridge loaded a native
 * library; its pure-Java translation is slower than {@link SpdInverse}, which stays the fallback.
 *
 * <p>The matrix travels as one column-major array of {@code n²} doubles (so {@code n} is at most 46,340),
 * which {@link Ease} fills with the Gram matrix directly: no second copy is held.
 */
final class LapackInverse {
  /** Largest n whose n² fits a Java array. */
  static final int MAX_ITEMS = 46_340;
  private static final LAPACK NATIVE = loadNative();

  private LapackInverse() {}

  /** Whether a native LAPACK is there and takes an n × n matrix. */
  static boolean available(int n) {
    return NATIVE != null && n <= MAX_ITEMS && !"java".equals(System.getProperty("larder.ease.lapack"));
  }

  /** The library behind the bridge, for the estimate's line ("native LAPACK" or "Java"). */
  static String name(int n) {
    return available(n) ? "native LAPACK" : "Java";
  }

  /** {@link #invertLower(double[], int, Progress)} in single precision ({@code spotrf} + {@code spotri}). */
  static void invertLower(float[] cm, int n, Progress progress) {
    intW info = new intW(0);
    long total = Math.max(1, Math.round((double) n * n * n / 1e9));
    progress.update(SpdInverse.PHASE, 0, total, "Gflop");
    NATIVE.spotrf("L", n, cm, n, info);
    if (info.val != 0) {
      throw new ArithmeticException("matrix is not positive definite in float: pivot " + (info.val - 1)
          + " is not > 0");
    }
    progress.update(SpdInverse.PHASE, total / 3, total, "Gflop");
    NATIVE.spotri("L", n, cm, n, info);
    if (info.val != 0) throw new ArithmeticException("matrix is singular: pivot " + (info.val - 1) + " is 0");
    progress.update(SpdInverse.PHASE, total, total, "Gflop");
  }

  private static LAPACK loadNative() {
    try {
      return NativeLAPACK.getInstance();
    } catch (Throwable e) { // no native library, or none for this platform: the Java inverse serves
      return null;
    }
  }

  /**
   * Replaces the SPD matrix held column-major in the lower triangle of {@code cm} ({@code A_ij}, i >= j, at
   * {@code [i + j n]}) by its inverse, in the same triangle; the upper triangle is neither read nor written.
   *
   * @throws ArithmeticException when the matrix is not (numerically) positive definite
   */
  static void invertLower(double[] cm, int n, Progress progress) {
    intW info = new intW(0);
    // Counted in flops, so the time left is right: dpotrf does n³/3 of them, dpotri the other 2n³/3.
    long total = Math.max(1, Math.round((double) n * n * n / 1e9));
    progress.update(SpdInverse.PHASE, 0, total, "Gflop");
    NATIVE.dpotrf("L", n, cm, n, info);
    if (info.val != 0) {
      throw new ArithmeticException("matrix is not positive definite: pivot " + (info.val - 1) + " is not > 0");
    }
    progress.update(SpdInverse.PHASE, total / 3, total, "Gflop");
    NATIVE.dpotri("L", n, cm, n, info);
    if (info.val != 0) throw new ArithmeticException("matrix is singular: pivot " + (info.val - 1) + " is 0");
    progress.update(SpdInverse.PHASE, total, total, "Gflop");
  }
}
