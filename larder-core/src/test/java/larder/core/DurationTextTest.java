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
  void whatIsFormattedParsesBackToTheSameDuration(@ForAll @LongRange(min = 0, max = 10_000_000_000L) long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    assertThat(DurationText.parse("x", DurationText.format(d))).isEqualTo(d);
  }

  @Test
  void parseNamesTheKeyOfATextThatIsNoDuration() {
    assertThat(DurationText.parse("k", " 14D ")).isEqualTo(Duration.ofDays(14));
    assertThatThrownBy(() -> DurationText.parse("jobs.shop.model.half_life", "two weeks"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.shop.model.half_life"))
        .hasMessageContaining("two weeks");
  }
}
