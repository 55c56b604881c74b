package larder.train.recommend.als;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import larder.train.kernel.VectorSupport;

/**
 * The conjugate-gradient row solve's dot products and axpys on the Vector API, in double precision as the
 * plain versions in {@link ConjugateGradient}: float factors are widened lane by lane (8 floats to 8 doubles
 * with AVX-512). C2 does not vectorise the plain dot products at all (a floating-point sum may not be
 * reordered), so each ran as four scalar chains. Sums are taken lane-wise, then across lanes, then over the
 * tail: a fixed order for a given CPU, so results do not depend on the thread count.
 *
 * <p>Only loaded when {@link VectorSupport#enabled()}.
 */
final class VectorRowOps {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> F =
      VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
  private static final int L = D.length();

  private static final AtomicBoolean WARM = new AtomicBoolean();

  private VectorRowOps() {}

  /**
   * Once per JVM, runs the operations on small rows until C2 has compiled them (a batch of calls gets 200x
   * faster than the first) or for at most half a second. Until then the Vector API runs interpreted, boxing
   * every vector, and a fit's first iteration took twice as long as the next (0.9 s more at 100k users, rank
   * 64); small rows make that phase cheap. Returns at once after the first call.
   */
  static void warmUp() {
    if (!WARM.compareAndSet(false, true)) return;
    int f = L + 1; // a whole vector and a tail: small, so that each interpreted call is cheap
    float[] y = new float[4 * f];
    double[] s = new double[4 * f];
    double[] g = new double[f * f];
    for (int i = 0; i < y.length; i++) y[i] = (float) Math.sin(i);
    for (int i = 0; i < g.length; i++) g[i] = Math.cos(i);
    long deadline = System.nanoTime() + 500_000_000L;
    long first = -1;
    double sink = 0;
    while (System.nanoTime() < deadline) {
      long t = System.nanoTime();
      for (int r = 0; r < 200; r++) {
        sink += dot(y, 0, s, f, f) + dot(y, f, y, 2 * f, f);
        axpy(1e-9, y, 3 * f, s, 0, f);
        symv(g, s, 0, s, 2 * f, f, 1e-9);
      }
      long batch = System.nanoTime() - t;
      if (first < 0) first = batch;
      // Interpreted, then C1 (still boxing vectors, about 20x faster), then C2 (far faster again).
      else if (batch * 200 < first) break;
    }
    if (sink == 42) System.out.print(""); // keeps the work from being optimised away
  }

  private static DoubleVector widen(float[] a, int at) {
    return (DoubleVector) FloatVector.fromArray(F, a, at).convertShape(VectorOperators.F2D, D, 0);
  }

  /** Σ a[ao+k]·b[bo+k] over k < f. */
  static double dot(float[] a, int ao, double[] b, int bo, int f) {
    DoubleVector acc = DoubleVector.zero(D);
    int k = 0;
    for (; k <= f - L; k += L) acc = widen(a, ao + k).fma(DoubleVector.fromArray(D, b, bo + k), acc);
    double s = acc.reduceLanes(VectorOperators.ADD);
    for (; k < f; k++) s += a[ao + k] * b[bo + k];
    return s;
  }

  /** Σ a[ao+k]·b[bo+k] over k < f, in double. */
  static double dot(float[] a, int ao, float[] b, int bo, int f) {
    DoubleVector acc = DoubleVector.zero(D);
    int k = 0;
    for (; k <= f - L; k += L) acc = widen(a, ao + k).fma(widen(b, bo + k), acc);
    double s = acc.reduceLanes(VectorOperators.ADD);
    for (; k < f; k++) s += (double) a[ao + k] * b[bo + k];
    return s;
  }

  /**
   * {@code out[oo .. oo+f) = sign · G v} for the symmetric f×f {@code g} (row-major) and {@code v = s[vo .. vo+f)},
   * as a sum of G's rows scaled by v's entries: no reduction across lanes, which a dot product per row needs.
   */
  static void symv(double[] g, double[] s, int vo, double[] out, int oo, int f, double sign) {
    Arrays.fill(out, oo, oo + f, 0);
    int whole = f - f % L;
    for (int b = 0; b < f; b++) {
      double vb = sign * s[vo + b];
      DoubleVector vv = DoubleVector.broadcast(D, vb);
      int row = b * f;
      int k = 0;
      for (; k < whole; k += L) {
        DoubleVector.fromArray(D, g, row + k).fma(vv, DoubleVector.fromArray(D, out, oo + k)).intoArray(out, oo + k);
      }
      for (; k < f; k++) out[oo + k] += g[row + k] * vb;
    }
  }

  /** s[so+k] += c·y[yo+k] over k < f. */
  static void axpy(double c, float[] y, int yo, double[] s, int so, int f) {
    DoubleVector cv = DoubleVector.broadcast(D, c);
    int k = 0;
    for (; k <= f - L; k += L) widen(y, yo + k).fma(cv, DoubleVector.fromArray(D, s, so + k)).intoArray(s, so + k);
    for (; k < f; k++) s[so + k] += c * y[yo + k];
  }
}
