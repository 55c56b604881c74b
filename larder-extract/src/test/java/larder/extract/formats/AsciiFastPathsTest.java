package larder.extract.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The byte-level readers of times and decimals against the text readers they stand in for: whenever a fast
 * path gives a value it is the text reader's, bit for bit; the rest is left to the text reader.
 */
class AsciiFastPathsTest {

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The fast reading of {@code s} inside a larger buffer, or OTHER. */
  static long time(String s) {
    byte[] b = ascii("xx" + s + "yy");
    return Timestamps.parseAscii(b, 2, 2 + s.length());
  }

  static double decimal(String s) {
    byte[] b = ascii("9" + s + "9");
    return Decimals.parseAscii(b, 1, 1 + s.length());
  }

  /** Same value as the text reader, or left to it; never a different value and never an accepted invalid one. */
  static void sameTime(String s) {
    long fast = time(s);
    if (fast == Timestamps.OTHER) return;
    assertThat(fast).as(s).isEqualTo(Timestamps.parse(s));
  }

  static void sameDecimal(String s) {
    double fast = decimal(s);
    if (Double.isNaN(fast)) return;
    assertThat(Double.doubleToRawLongBits(fast)).as(s).isEqualTo(Double.doubleToRawLongBits(Decimals.parse(s)));
  }

  @Property(tries = 1000)
  void instantsAndDatesReadAsTheTextReaderReadsThem(
      @ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long sec) {
    String iso = Instant.ofEpochSecond(sec).toString(); // yyyy-MM-ddTHH:mm:ssZ for years 0 to 9999
    assertThat(time(iso)).as(iso).isEqualTo(Timestamps.parse(iso)).isEqualTo(sec);
    assertThat(time(iso.replace('T', ' '))).isEqualTo(sec);
    String date = iso.substring(0, 10);
    assertThat(time(date)).as(date).isEqualTo(Timestamps.parse(date));
    if (sec >= 0) {
      String digits = Long.toString(sec);
      sameTime(digits);
      if (digits.length() != 8) assertThat(time(digits)).isEqualTo(sec);
    }
  }

  @Property(tries = 2000)
  void anyShortTextIsReadTheSameOrLeftToTheTextReader(@ForAll("timeLike") String s) {
    boolean valid;
    try {
      Timestamps.parse(s);
      valid = true;
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) assertThat(time(s)).as(s).isEqualTo(Timestamps.OTHER);
    else sameTime(s);
  }

  @Provide
  Arbitrary<String> timeLike() {
    Arbitrary<String> mutated = Arbitraries.longs().between(-1_000_000_000L, 300_000_000_000L)
        .map(t -> Instant.ofEpochSecond(Math.floorMod(t, 253_402_300_799L)).toString())
        .flatMap(s -> Arbitraries.integers().between(0, s.length() - 1).flatMap(at ->
            Arbitraries.of('0', '9', '3', '-', ':', 'T', ' ', 'Z', '1', '2').map(c ->
                s.substring(0, at) + c + s.substring(at + 1))));
    return Arbitraries.oneOf(mutated, Arbitraries.strings().withChars("0123456789-:TZ .").ofMaxLength(21));
  }

  @Test
  void impossibleDatesAndTimesAreLeftToTheTextReader() {
    for (String s : new String[] {"2023-02-29", "2024-02-30", "2024-13-01", "2024-04-31T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "2024-01-01X23:59:59Z",
        "20240101", "1234567890123456789", "", " 17", "17 "}) {
      assertThat(time(s)).as(s).isEqualTo(Timestamps.OTHER);
    }
    assertThat(time("2024-02-29")).isEqualTo(Timestamps.parse("2024-02-29"));
    assertThat(time("2000-02-29T12:00:00Z")).isEqualTo(Timestamps.parse("2000-02-29T12:00:00Z"));
    assertThat(time("1900-02-29")).isEqualTo(Timestamps.OTHER);
  }

  @Property(tries = 2000)
  void decimalsOfUpToFifteenDigitsReadBitForBit(@ForAll @LongRange(min = -999_999_999_999_999L,
      max = 999_999_999_999_999L) long m, @ForAll("scales") int scale) {
    String s = new java.math.BigDecimal(java.math.BigInteger.valueOf(m), scale).toPlainString();
    sameDecimal(s);
    long digits = s.chars().filter(Character::isDigit).count();
    assertThat(Double.isNaN(decimal(s))).as(s).isEqualTo(digits > 15);
    sameDecimal("+" + s);
    sameDecimal(s.startsWith("-") ? s : "-" + s);
  }

  @Provide
  Arbitrary<Integer> scales() {
    return Arbitraries.integers().between(0, 15);
  }

  @Property(tries = 2000)
  void anyShortNumberLikeTextIsReadTheSameOrLeftToTheTextReader(@ForAll("numberLike") String s) {
    boolean valid;
    try {
      Decimals.parse(s);
      valid = true;
    } catch (IllegalArgumentException e) {
      valid = false;
    }
    if (!valid) assertThat(decimal(s)).as(s).isNaN();
    else sameDecimal(s);
  }

  @Provide
  Arbitrary<String> numberLike() {
    return Arbitraries.strings().withChars("0123456789.-+eE ").ofMaxLength(20);
  }

  @Test
  void decimalsAsAmountsAreWritten() {
    for (String s : new String[] {"11.77", "-3.5", "+0.5", "0", "-0", "5.", ".5", "-.5", "0.1", "0.3",
        "123456789012345", "0.00000000000001", "999999999999999"}) {
      assertThat(decimal(s)).as(s).isNotNaN();
      sameDecimal(s);
    }
    for (String s : new String[] {"", ".", "-", "+", "1.2.3", "1e3", " 42", "42 ", "1234567890123456", "+-1",
        "0.1234567890123456"}) {
      assertThat(decimal(s)).as(s).isNaN();
    }
    assertThat(String.format(Locale.ROOT, "%s", decimal("0.1"))).isEqualTo("0.1");
  }
}
