package larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void formatsInTheLargestUnitThatDividesExactly() {
    assertThat(DurationText.format(Duration.ofDays(14))).isEqualTo("14d");
    assertThat(DurationText.format(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(DurationText.format(Duration.ofSeconds(61))).isEqualTo("61s");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Property(tries = 200)
  void whatIsFormattedParsesBackToTheSameDuration(@ForAll @LongRange(min = 0, max = 3_153_600_000L) long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    assertThat(DurationText.parse("x", DurationText.format(d))).isEqualTo(d);
  }

  @Property(tries = 200)
  void aDurationLongerThanTheMaximumIsAConfigErrorInEveryUnit(
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long excess, @ForAll("units") String unit, @ForAll boolean longer) {
    long perUnit = switch (unit) { case "s" -> 1; case "m" -> 60; case "h" -> 3_600; default -> 86_400; };
    long maxUnits = DurationText.MAX.getSeconds() / perUnit;
    // Just past the maximum, or far past anything a long (or a Duration) holds.
    String digits = longer ? excess + "000000000000000" : Long.toString(maxUnits + Math.min(excess, 1_000_000));
    assertThatThrownBy(() -> DurationText.parse("max_age", digits + unit))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("max_age"))
        .hasMessageContaining("is longer than 36500d");
    assertThat(DurationText.parse("max_age", maxUnits + unit)).isLessThanOrEqualTo(DurationText.MAX);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> units() {
    return net.jqwik.api.Arbitraries.of("s", "m", "h", "d");
  }

  @Test
  void theIssuesOverflowingDurationIsAConfigError() {
    assertThatThrownBy(() -> DurationText.parse("max_age", "999999999999999d")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_age = 999999999999999d");
    assertThat(DurationText.parse("max_age", "36500d")).isEqualTo(DurationText.MAX);
  }

  @Test
  void parseNamesTheKeyOfATextThatIsNoDuration() {
    assertThat(DurationText.parse("k", " 14D ")).isEqualTo(Duration.ofDays(14));
    assertThatThrownBy(() -> DurationText.parse("jobs.shop.model.half_life", "two weeks"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.shop.model.half_life"))
        .hasMessageContaining("two weeks");
  }
}
