package larder.train.recommend.als;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
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

  private static final AtomicReference<CompletableFuture<Void>> WARM = new AtomicReference<>();

  private VectorRowOps() {}

  /**
   * Once per JVM, starts compiling the row solve on a thread of its own: {@link ConjugateGradient#solve} and
   * {@link ConjugateGradient#rowLoss} on a tiny row, over and over, until C2 has compiled them with these
   * operations inlined (a batch of calls gets 200x faster than the first) or for at most half a second.
   * Interpreted, the Vector API boxes every vector: a fit's first iteration took 0.9 s more than the next at
   * 100k users, rank 64. Warming the operations alone still left the solve itself to be compiled while the first
   * half-iteration ran (0.2-0.3 s more than the next); warming the whole solve overlaps that with the fit's own
   * set-up (initial factors, transposed matrix, confidences). Later calls return the same future.
   */
  static CompletableFuture<Void> warmUp() {
    CompletableFuture<Void> w = WARM.get();
    if (w != null) return w;
    CompletableFuture<Void> mine = new CompletableFuture<>();
    if (!WARM.compareAndSet(null, mine)) return WARM.get();
    Thread t = new Thread(() -> {
      try {
        warmRowSolve();
      } catch (RuntimeException e) {
        // a failed warm-up only costs speed; the fit itself reports real errors
      } finally {
        mine.complete(null);
      }
    }, "als-warm-up");
    t.setDaemon(true);
    t.start();
    return mine;
  }

  private static final int WARM_CALLS = 12_000;

  private static void warmRowSolve() {
    int f = L + 1; // a whole vector and a tail: small, so that each interpreted call is cheap
    int n = 4;
    float[] y = new float[n * f];
    float[] x = new float[f];
    double[] gram = new double[f * f];
    for (int i = 0; i < y.length; i++) y[i] = (float) Math.sin(i);
    for (int a = 0; a < f; a++) gram[a * f + a] = 2;
    int[] cols = {0, 1, 2, 3};
    float[] vals = {1, 2, 0, 1};
    float[] cm1 = {0.5f, 1, 0.25f, 0.5f};
    double[] scratch = new double[4 * f];
    long deadline = System.nanoTime() + 500_000_000L;
    long first = -1;
    double sink = 0;
    for (int calls = 0; System.nanoTime() < deadline; calls += 200) {
      long t = System.nanoTime();
      for (int r = 0; r < 200; r++) {
        Arrays.fill(x, 0.01f);
        ConjugateGradient.solve(x, 0, y, f, gram, 0.5, cols, vals, cm1, 0, n, 3, scratch, true);
        sink += ConjugateGradient.rowLoss(x, 0, y, f, gram, cols, vals, cm1, 0, n, true);
      }
      long batch = System.nanoTime() - t;
      if (first < 0) first = batch;
      // Interpreted, then C1 (still boxing vectors, about 20x faster), then C2 (far faster again). The loops
      // inside the solve get C2 early through on-stack replacement, which is not the compiled method a worker
      // calls: that comes after some thousands of calls (HotSpot's Tier4InvocationThreshold is 5,000).
      else if (batch * 200 < first && calls >= WARM_CALLS) break;
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
