package larder.train.segment.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.InputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TransformTest {

  private static final List<String> ABC = List.of("a", "b", "c");

  private static double[] skewed(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = Math.floor(Math.exp(3 * r.nextDouble() * (1 + i % d)));
    return x;
  }

  @Property(tries = 50)
  void invertUndoesApply(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll @IntRange(min = 0, max = 3) int which,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    Transform spec = List.of(Transform.none(), Transform.log1pStandardise(), Transform.of(new Transform.Standardise()),
        Transform.of(new Transform.Log1p(List.of("b")), new Transform.Standardise())).get(which);
    double[] x = skewed(n, 3, seed);
    Transform.Fitted f = spec.fit(x, n, ABC);
    assertThat(f.transform().apply(x, n)).containsExactly(f.points(), within(0.0));
    double[] row = new double[3];
    for (int i = 0; i < n; i++) {
      System.arraycopy(f.points(), i * 3, row, 0, 3);
      f.transform().invertRow(row);
      for (int t = 0; t < 3; t++) assertThat(row[t]).isCloseTo(x[i * 3 + t], within(1e-9 * (1 + Math.abs(x[i * 3 + t]))));
      f.transform().applyRow(row);
      for (int t = 0; t < 3; t++) assertThat(row[t]).isCloseTo(f.points()[i * 3 + t], within(1e-9));
    }
  }

  @Property(tries = 30)
  void standardisedFeaturesHaveMeanZeroAndUnitVariance(@ForAll @IntRange(min = 2, max = 300) int n,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    double[] x = skewed(n, 3, seed);
    Transform.Fitted f = Transform.log1pStandardise().fit(x, n, ABC);
    for (int t = 0; t < 3; t++) {
      double mean = 0;
      double ss = 0;
      for (int i = 0; i < n; i++) mean += f.points()[i * 3 + t];
      mean /= n;
      for (int i = 0; i < n; i++) ss += Math.pow(f.points()[i * 3 + t] - mean, 2);
      assertThat(mean).isCloseTo(0, within(1e-9));
      boolean constant = f.transform().scale(t) == 1 && ss == 0;
      if (!constant) assertThat(ss / n).isCloseTo(1, within(1e-9));
      assertThat(f.transform().logged(t)).isTrue();
    }
    assertThat(f.transform().toString()).isEqualTo("log1p(a, b, c), standardise");
  }

  @Test
  void aConstantFeatureIsCentredNotDividedByZero() {
    double[] x = {0.1, 1, 0.1, 2, 0.1, 3}; // a is constant (its mean is not exactly 0.1 in floating point)
    Transform.Fitted f = Transform.of(new Transform.Standardise()).fit(x, 3, List.of("a", "b"));
    assertThat(f.transform().scale(0)).isEqualTo(1);
    assertThat(f.transform().mean(0)).isEqualTo(0.1);
    assertThat(new double[] {f.points()[0], f.points()[2], f.points()[4]}).containsOnly(0.0);
    assertThat(f.transform().scale(1)).isCloseTo(Math.sqrt(2.0 / 3), within(1e-12));
    double[] row = {0.1, 2};
    f.transform().applyRow(row);
    assertThat(row).containsExactly(0.0, 0.0);
  }

  @Test
  void mapsAnotherBatchsPointsIntoThisSpace() {
    double[] x = {0, 10, 1, 20, 3, 30};
    Transform.Fitted f = Transform.log1pStandardise().fit(x, 3, List.of("a", "b"));
    double[] row = {1, 20}; // the middle point of this batch
    f.transform().applyRow(row);
    assertThat(row).containsExactly(new double[] {f.points()[2], f.points()[3]}, within(1e-12));
    double[] outside = {1000, 5};
    f.transform().applyRow(outside);
    assertThat(outside[0]).isGreaterThan(f.points()[4]);
    assertThat(outside[1]).isLessThan(f.points()[1]);
  }

  @Test
  void userErrorsAreTyped() {
    assertThatThrownBy(() -> Transform.log1pStandardise().fit(new double[] {1, -2}, 1, List.of("a", "b")))
        .isInstanceOf(InputException.class).hasMessageContaining("'b'").hasMessageContaining("-2.0")
        .hasMessageContaining("log1p");
    assertThatThrownBy(() -> Transform.none().fit(new double[] {1, Double.NaN}, 1, List.of("a", "b")))
        .isInstanceOf(InputException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Transform.of(new Transform.Log1p(List.of("z"))).fit(new double[] {1}, 1, List.of("a")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("z").hasMessageContaining("not a feature");
    // log1p only where asked: a negative value elsewhere is fine.
    Transform.Fitted f = Transform.of(new Transform.Log1p(List.of("a"))).fit(new double[] {1, -2}, 1, List.of("a", "b"));
    assertThat(f.points()).containsExactly(Math.log(2), -2);
    assertThat(f.transform().logged(1)).isFalse();
  }

  @Test
  void parsesConfigurationValues() {
    assertThat(Transform.parse("k", "log1p, standardise")).isEqualTo(Transform.log1pStandardise());
    assertThat(Transform.parse("k", "LOG1P+standardize")).isEqualTo(Transform.log1pStandardise());
    assertThat(Transform.parse("k", "none").steps()).isEmpty();
    assertThat(Transform.parse("k", null).steps()).isEmpty();
    assertThat(Transform.parse("k", "zscore").steps()).containsExactly(new Transform.Standardise());
    assertThat(Transform.log1pStandardise().toString()).isEqualTo("log1p, standardise");
    assertThatThrownBy(() -> Transform.parse("segment.transform", "log2"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("segment.transform").hasMessageContaining("log2");
  }
}
