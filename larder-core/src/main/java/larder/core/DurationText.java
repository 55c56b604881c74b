package larder.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in options and query parameters: {@code 90s}, {@code 45m}, {@code 26h}, {@code 2d}. */
public final class DurationText {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([smhd])");
  /**
   * The longest duration accepted: a hundred years. Longer ones are typing slips, and past about 292 billion years
   * they no longer fit in a {@link Duration} at all.
   */
  public static final Duration MAX = Duration.ofDays(36_500);

  private DurationText() {}

  /**
   * @param key the option or parameter the text came from, for the message
   * @throws ConfigException naming {@code key} when the text is not a number and a unit, or is longer than
   *     {@link #MAX}
   */
  public static Duration parse(String key, String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(key, text, "is not a duration", "write a number and a unit: 90s, 45m, 26h, 2d");
    }
    long unit = switch (m.group(2)) {
      case "s" -> 1;
      case "m" -> 60;
      case "h" -> 3_600;
      default -> 86_400;
    };
    // Compared as a number of units first: the digits may not even fit in a long.
    java.math.BigInteger n = new java.math.BigInteger(m.group(1));
    if (n.compareTo(java.math.BigInteger.valueOf(MAX.getSeconds() / unit)) > 0) {
      throw new ConfigException(key, text, "is longer than " + format(MAX) + " (100 years)",
          "write a shorter duration, e.g. 26h or 14d");
    }
    return Duration.ofSeconds(n.longValueExact() * unit);
  }

  /** The form {@link #parse} reads, in the largest unit that divides the duration exactly: 14d, 36h, 90m, 7s. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s != 0 && s % 86_400 == 0) return s / 86_400 + "d";
    if (s != 0 && s % 3_600 == 0) return s / 3_600 + "h";
    if (s != 0 && s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }

  /** Ages for people: "42 s", "3 min", "5.2 h", "2.0 d"; "?" when unknown. */
  public static String human(Duration d) {
    if (d == null) return "?";
    long s = d.getSeconds();
    if (s < 120) return s + " s";
    if (s < 7200) return (s / 60) + " min";
    if (s < 172800) return String.format(Locale.ROOT, "%.1f h", s / 3600.0);
    return String.format(Locale.ROOT, "%.1f d", s / 86400.0);
  }
}
