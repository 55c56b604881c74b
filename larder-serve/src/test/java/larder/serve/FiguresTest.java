package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Money and statistics print as people write them: sums of doubles lose their noise, and nothing else changes. */
class FiguresTest {
  @Test
  void plantedSumsPrintToTheCent() {
    double sum = 0;
    for (double v : new double[] {19.99, 5.49, 12.5, 7.3, 100.1, 0.7, 33.33, 250.25, 9.95}) sum += v;
    assertThat(String.valueOf(sum)).as("the noise this removes").isEqualTo("439.60999999999996");
    assertThat(String.valueOf(Figures.money(sum))).isEqualTo("439.61");
    assertThat(String.valueOf(Figures.money(0.1 + 0.2))).isEqualTo("0.3");
    assertThat(Figures.money(2.675)).as("half a cent, as printed, rounds up").isEqualTo(2.68);
    assertThat(Figures.money(-12.345000001)).isEqualTo(-12.35);
    assertThat(Figures.money(null)).isNull();
    assertThat(Figures.stat(Double.NaN)).isNaN();
    assertThat(Figures.stat(3.0)).isEqualTo(3.0);
  }

  @Test
  void aDifferenceHasNoMoreDigitsThanItsNumbers() {
    assertThat(0.31 - 0.3).as("the noise this removes").isNotEqualTo(0.01);
    assertThat(Figures.difference(0.3, 0.31)).isEqualTo(0.01);
    assertThat(Figures.difference(0.25, 0.125)).isEqualTo(-0.125);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      double a = random.nextDouble(), b = random.nextDouble();
      assertThat(Figures.difference(a, b)).as("%s - %s", b, a).isCloseTo(b - a, org.assertj.core.data.Offset.offset(1e-15));
    }
  }

  /** Random amounts: the result is the decimal rounded half up to two places, and its text has at most two. */
  @Test
  void everyAmountRoundsToItsNearestCent() {
    SplittableRandom random = new SplittableRandom(20261205L);
    for (int i = 0; i < 100_000; i++) {
      double v = (random.nextBoolean() ? 1 : -1) * random.nextDouble() * Math.pow(10, random.nextInt(10));
      Double r = Figures.money(v);
      BigDecimal exact = new BigDecimal(v), want = exact.setScale(2, RoundingMode.HALF_UP);
      // within a rounding error of a half cent either neighbour is right: v * 100 itself rounds
      boolean tie = exact.movePointRight(2).remainder(BigDecimal.ONE).abs().subtract(new BigDecimal("0.5")).abs()
          .compareTo(new BigDecimal("1e-6")) < 0;
      if (!tie) {
        assertThat(new BigDecimal(String.valueOf(r)).compareTo(want)).as("%s -> %s, want %s", v, r, want).isZero();
      }
      assertThat(new BigDecimal(String.valueOf(r)).stripTrailingZeros().scale()).as("%s", r).isLessThanOrEqualTo(2);
      assertThat(Math.abs(r - v)).isLessThanOrEqualTo(0.005 + Math.ulp(v) * 4);
    }
  }
}
