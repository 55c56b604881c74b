package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ConjugateGradientTest {

  /** One row's problem: Y, the observed columns with values and confidences, a warm start. */
  record Row(int f, int items, float[] y, int[] cols, float[] vals, float[] cm1, float[] x0, double lambda) {
    static Row random(int f, int items, long seed) {
      Random r = new Random(seed);
      float[] y = new float[items * f];
      for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian() * 0.5f;
      int[] cols = r.ints(0, items).distinct().limit(1 + r.nextInt(items)).sorted().toArray();
      float[] vals = new float[cols.length];
      float[] cm1 = new float[cols.length];
      for (int p = 0; p < cols.length; p++) {
        vals[p] = r.nextInt(5) == 0 ? -1 : 1 + r.nextInt(9); // a few negative ("no") values too
        cm1[p] = (float) (r.nextDouble() * 10);
      }
      float[] x0 = new float[f];
      for (int k = 0; k < f; k++) x0[k] = (float) r.nextGaussian();
      return new Row(f, items, y, cols, vals, cm1, x0, 0.01 + r.nextDouble());
    }

    /** The normal equations A x = b written out densely. */
    double[][] system() {
      double[][] ab = new double[f][f + 1];
      for (int i = 0; i < items; i++) {
        int p = java.util.Arrays.binarySearch(cols, i);
        double c = p >= 0 ? 1 + cm1[p] : 1;
        double pref = p >= 0 && vals[p] > 0 ? 1 : 0;
        for (int a = 0; a < f; a++) {
          for (int b = 0; b < f; b++) ab[a][b] += c * y[i * f + a] * y[i * f + b];
          ab[a][f] += c * pref * y[i * f + a];
        }
      }
      for (int a = 0; a < f; a++) ab[a][a] += lambda;
      return ab;
    }

    float[] cg(int steps, boolean vector) {
      float[] x = x0.clone();
      double[] gram = ConjugateGradient.gram(y, items, f, lambda);
      ConjugateGradient.solve(x, 0, y, f, gram, 0, cols, vals, cm1, 0, cols.length, steps, new double[4 * f], vector);
      return x;
    }
  }

  /** Cholesky A = L Lᵀ, then two triangular solves. */
  static double[] cholesky(double[][] ab) {
    int f = ab.length;
    double[][] l = new double[f][f];
    for (int i = 0; i < f; i++) {
      for (int j = 0; j <= i; j++) {
        double s = ab[i][j];
        for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
        l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
      }
    }
    double[] z = new double[f];
    for (int i = 0; i < f; i++) {
      double s = ab[i][f];
      for (int k = 0; k < i; k++) s -= l[i][k] * z[k];
      z[i] = s / l[i][i];
    }
    double[] x = new double[f];
    for (int i = f - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < f; k++) s -= l[k][i] * x[k];
      x[i] = s / l[i][i];
    }
    return x;
  }

  /** ‖x - x*‖ in the A-norm, which CG decreases at every step. */
  static double aNormError(double[][] ab, float[] x, double[] exact) {
    int f = exact.length;
    double s = 0;
    for (int a = 0; a < f; a++) {
      for (int b = 0; b < f; b++) s += (x[a] - exact[a]) * ab[a][b] * (x[b] - exact[b]);
    }
    return Math.sqrt(Math.max(0, s));
  }

  @Property(tries = 60)
  void cgConvergesToTheCholeskySolution(@ForAll @IntRange(min = 1, max = 40) int f,
      @ForAll @IntRange(min = 2, max = 60) int items, @ForAll boolean vector, @ForAll long seed) {
    // Both kernels (Vector API and plain Java); f spans whole vectors and ragged tails.
    Row row = Row.random(f, items, seed);
    double[][] ab = row.system();
    double[] exact = cholesky(ab);
    double start = aNormError(ab, row.x0(), exact);
    double previous = start;
    for (int steps = 1; steps <= f; steps++) {
      double err = aNormError(ab, row.cg(steps, vector), exact);
      assertThat(err).isLessThanOrEqualTo(previous * (1 + 1e-4) + 1e-5);
      previous = err;
    }
    // In exact arithmetic f steps solve an f-dimensional system; allow float storage of x.
    float[] x = row.cg(2 * f, vector);
    double scale = 0;
    for (double v : exact) scale = Math.max(scale, Math.abs(v));
    for (int k = 0; k < f; k++) assertThat((double) x[k]).isCloseTo(exact[k], org.assertj.core.data.Offset.offset(1e-4 * (1 + scale)));
  }

  @Property(tries = 60)
  void aRowsOwnLambdaSolvesTheSameSystemAsALambdaInTheGram(@ForAll @IntRange(min = 1, max = 40) int f,
      @ForAll @IntRange(min = 2, max = 60) int items, @ForAll boolean vector, @ForAll long seed) {
    // Weighted regularization keeps λ out of the shared Gram matrix and adds each row's own on the diagonal.
    Row row = Row.random(f, items, seed);
    double[] exact = cholesky(row.system());
    float[] x = row.x0().clone();
    double[] gram = ConjugateGradient.gram(row.y(), items, f, 0);
    ConjugateGradient.solve(x, 0, row.y(), f, gram, row.lambda(), row.cols(), row.vals(), row.cm1(), 0,
        row.cols().length, 2 * f, new double[4 * f], vector);
    double scale = 0;
    for (double v : exact) scale = Math.max(scale, Math.abs(v));
    for (int k = 0; k < f; k++) {
      assertThat((double) x[k]).isCloseTo(exact[k], org.assertj.core.data.Offset.offset(1e-4 * (1 + scale)));
    }
    float[] inGram = row.cg(2 * f, vector);
    float[] wrong = row.x0().clone();
    ConjugateGradient.solve(wrong, 0, row.y(), f, gram, 0, row.cols(), row.vals(), row.cm1(), 0, row.cols().length,
        2 * f, new double[4 * f], vector);
    // the row's λ counts: without it (λ in neither place) the solution moves
    assertThat(distance(x, inGram)).isLessThan(distance(wrong, inGram) + 1e-6);
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) s += ((double) a[k] - b[k]) * ((double) a[k] - b[k]);
    return Math.sqrt(s);
  }

  @Property(tries = 60)
  void rowLossEqualsTheSumOverAllItems(@ForAll @IntRange(min = 1, max = 40) int f,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll boolean vector, @ForAll long seed) {
    Row row = Row.random(f, items, seed);
    float[] x = row.x0();
    double naive = 0;
    for (int i = 0; i < items; i++) {
      int p = java.util.Arrays.binarySearch(row.cols(), i);
      double c = p >= 0 ? 1 + row.cm1()[p] : 1;
      double pref = p >= 0 && row.vals()[p] > 0 ? 1 : 0;
      double s = 0;
      for (int k = 0; k < f; k++) s += (double) x[k] * row.y()[i * f + k];
      naive += c * (pref - s) * (pref - s);
    }
    double fast = ConjugateGradient.rowLoss(x, 0, row.y(), f, ConjugateGradient.gram(row.y(), items, f, 0),
        row.cols(), row.vals(), row.cm1(), 0, row.cols().length, vector);
    assertThat(fast).isCloseTo(naive, org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(naive))));
  }
}
