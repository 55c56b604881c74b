package larder.train.recommend.ease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SpdInverseTest {
  /** A random SPD matrix M Mᵀ + shift·I, full (both triangles). */
  static double[][] randomSpd(int n, double shift, long seed) {
    Random rnd = new Random(seed);
    double[][] m = new double[n][n];
    for (double[] row : m) for (int j = 0; j < n; j++) row[j] = rnd.nextGaussian();
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < n; t++) s += m[i][t] * m[j][t];
        g[i][j] = s + (i == j ? shift : 0);
      }
    }
    return g;
  }

  static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }

  /** The full symmetric inverse from the upper triangle {@link SpdInverse} leaves. */
  static double[][] invert(double[][] g, int threads) {
    double[][] a = copy(g);
    // Poison the lower triangle: it must be neither read nor relied upon.
    for (int i = 0; i < a.length; i++) for (int j = 0; j < i; j++) a[i][j] = Double.NaN;
    SpdInverse.invertUpper(a, threads);
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < i; j++) {
        assertThat(a[i][j]).isNaN();
        a[i][j] = a[j][i];
      }
    }
    return a;
  }

  /** Crosses panel boundaries (64) and uses poorly and well conditioned matrices. */
  @Property(tries = 25)
  void inverseTimesMatrixIsIdentity(@ForAll @IntRange(min = 1, max = 200) int n,
      @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll boolean tight, @ForAll long seed) {
    double[][] g = randomSpd(n, tight ? 0.01 : n, seed);
    double[][] p = invert(g, threads);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < n; t++) s += g[i][t] * p[t][j];
        worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
      }
    }
    assertThat(worst).isLessThan(1e-6);
  }

  /**
   * Past the kernel's column tile (512) and row groups (4), with every remainder: the residual of a
   * backward-stable inverse, |A X - I| <= c·n·eps·κ₁(A), κ₁ = ‖A‖₁‖A⁻¹‖₁ taken from the result.
   */
  @Property(tries = 6)
  void largeInversesAreAsExactAsTheirConditionAllows(@ForAll @IntRange(min = 500, max = 650) int n,
      @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll boolean tight, @ForAll long seed) {
    double[][] g = randomSpd(n, tight ? 0.05 : n, seed);
    double[][] p = invert(g, threads);
    double worst = 0;
    double[] row = new double[n];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(row, 0);
      double[] gi = g[i];
      for (int t = 0; t < n; t++) {
        double c = gi[t];
        double[] pt = p[t];
        for (int j = 0; j < n; j++) row[j] += c * pt[j];
      }
      for (int j = 0; j < n; j++) worst = Math.max(worst, Math.abs(row[j] - (i == j ? 1 : 0)));
    }
    double cond = norm1(g) * norm1(p);
    assertThat(worst).isLessThan(16 * n * Math.ulp(1.0) * cond);
  }

  /** Largest column sum of absolute values. */
  static double norm1(double[][] a) {
    double best = 0;
    for (int j = 0; j < a.length; j++) {
      double s = 0;
      for (double[] row : a) s += Math.abs(row[j]);
      best = Math.max(best, s);
    }
    return best;
  }

  @Property(tries = 10)
  void threadsGiveTheSameInverse(@ForAll @IntRange(min = 60, max = 600) int n, @ForAll long seed) {
    double[][] g = randomSpd(n, 1, seed);
    assertThat(invert(g, 2)).isDeepEqualTo(invert(g, 1));
  }

  @Test
  void reportsEveryPanelUpToAllColumns() {
    java.util.List<Long> done = new java.util.concurrent.CopyOnWriteArrayList<>();
    SpdInverse.invertUpper(copy(randomSpd(150, 150, 1)), 2, (phase, d, total, unit) -> {
      assertThat(phase).isEqualTo(SpdInverse.PHASE);
      assertThat(total).isEqualTo(150);
      assertThat(unit).isEqualTo("columns");
      done.add(d);
    });
    assertThat(done).containsExactly(64L, 128L, 150L);
  }

  @Test
  void refusesMatricesThatAreNotPositiveDefinite() {
    double[][] a = {{1, 2}, {2, 1}};
    assertThatThrownBy(() -> SpdInverse.invertUpper(a, 1))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("not positive definite");
  }
}
