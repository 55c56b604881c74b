package larder.extract.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Property(tries = 500)
  void everyAcceptedShapeOfAnInstantReadsBack(@ForAll @LongRange(min = -2_000_000_000L, max = 7_000_000_000L) long sec) {
    Instant t = Instant.ofEpochSecond(sec);
    assertThat(Timestamps.parse(Long.toString(sec))).isEqualTo(asDigits(Long.toString(sec)));
    assertThat(Timestamps.parse(t.toString())).isEqualTo(sec);
    String local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
    assertThat(Timestamps.parse(local)).isEqualTo(sec);
    assertThat(Timestamps.parse(t.atOffset(ZoneOffset.ofHours(5)).toString())).isEqualTo(sec);
  }

  /** Seconds, except that eight digits forming a date from 1800 to 2199 are that date (the documented rule). */
  static long asDigits(String digits) {
    if (digits.length() == 8) {
      try {
        LocalDate d = LocalDate.parse(digits, DateTimeFormatter.BASIC_ISO_DATE);
        if (d.getYear() >= 1800 && d.getYear() <= 2199) return d.toEpochDay() * 86_400L;
      } catch (java.time.format.DateTimeParseException notADate) {
        // seconds, then
      }
    }
    return Long.parseLong(digits);
  }

  @Property(tries = 300)
  void datesAreUtcMidnight(@ForAll @LongRange(min = -60_000, max = 80_000) long epochDay) {
    LocalDate d = LocalDate.ofEpochDay(epochDay);
    long expected = epochDay * 86_400L;
    assertThat(Timestamps.parse(d.toString())).isEqualTo(expected);
    assertThat(Timestamps.parse(d.format(DateTimeFormatter.BASIC_ISO_DATE))).isEqualTo(expected);
  }

  @Test
  void knownValues() {
    assertThat(Timestamps.parse("19970101")).isEqualTo(Instant.parse("1997-01-01T00:00:00Z").getEpochSecond());
    assertThat(Timestamps.parse(" 964982703 ")).isEqualTo(964982703L);
    assertThat(Timestamps.parse("964982703.9")).isEqualTo(964982703L);
    assertThat(Timestamps.parse("2024-03-01T12:00:00Z")).isEqualTo(1709294400L);
    assertThat(Timestamps.parse("2024-03-01T12:00:00.250Z")).isEqualTo(1709294400L);
    assertThat(Timestamps.parse("2024-03-01T12:00:00")).isEqualTo(1709294400L);
    // Eight digits that are no date stay seconds.
    assertThat(Timestamps.parse("96498270")).isEqualTo(96498270L);
    // Eight digits that are a date are the date, even where they could be seconds in 1970.
    assertThat(Timestamps.parse("18790101")).isEqualTo(LocalDate.of(1879, 1, 1).toEpochDay() * 86_400L);
  }

  @Test
  void rejectsWhatIsNoTimestamp() {
    for (String s : new String[] {"", "abc", "2024-02-30", "2024-13-01T00:00:00Z", "2024-03-01T25:00:00Z",
        "17e9x", "99999999999999999999", "1.2.3", "2024/03/01"}) {
      assertThatThrownBy(() -> Timestamps.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a timestamp");
    }
  }
}
