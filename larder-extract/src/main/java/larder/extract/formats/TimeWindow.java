package larder.extract.formats;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import larder.core.ConfigException;

/**
 * The times a source's rows may plausibly have (a source's {@code time_window:}), whatever their format: one
 * millisecond epoch ({@code 1712345678000}, year 56232) would otherwise set "now" for a whole batch.
 *
 * @param from the earliest time, epoch seconds, inclusive; null means 1970-01-01T00:00:00Z
 * @param to the latest time, epoch seconds, inclusive; null means the end of tomorrow (UTC) at the time of the run
 */
public record TimeWindow(Long from, Long to) {
  /** From 1970 to the end of tomorrow. */
  public static final TimeWindow DEFAULT = new TimeWindow(null, null);

  public TimeWindow {
    if (from != null && to != null && from > to) {
      throw new ConfigException("time_window", Instant.ofEpochSecond(from) + " .. " + Instant.ofEpochSecond(to),
          "'from' is after 'to'");
    }
  }

  /**
   * The window from settings: a date ({@code 2020-01-01}: for {@code from} the day's start, for {@code to}
   * its last second, UTC) or an instant ({@code 2020-01-01T00:00:00Z}, or with an offset).
   *
   * @param from the setting's text, or null for the default
   * @param to the setting's text, or null for the default
   */
  public static TimeWindow parse(String from, String to) {
    return new TimeWindow(from == null ? null : bound("time_window.from", from, false),
        to == null ? null : bound("time_window.to", to, true));
  }

  private static long bound(String key, String text, boolean endOfDay) {
    String s = text.strip();
    try {
      if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
        LocalDate d = LocalDate.parse(s);
        return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - (endOfDay ? 1 : 0);
      }
      if (s.indexOf('T') > 0) return Timestamps.parse(s);
    } catch (RuntimeException e) {
      // refused below
    }
    throw new ConfigException(key, text, "is not a date or an instant",
        "write a date such as 2020-01-31 (UTC) or an instant such as 2020-01-31T12:00:00Z");
  }

  /** The bounds for a run at {@code now}. */
  public Bounds at(Instant now) {
    long hi = to != null ? to
        : now.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(2).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
    return new Bounds(from == null ? 0 : from, hi, from == null && to == null);
  }

  /** A window with its ends settled, in epoch seconds, both inclusive. */
  public record Bounds(long from, long to, boolean byDefault) {
    public boolean contains(long t) {
      return t >= from && t <= to;
    }

    /**
     * Why time {@code t}, read from {@code text}, is implausible; null when it is inside. Names the window
     * and, for a whole number that would fit as milliseconds or microseconds, says so.
     */
    public String problem(long t, String text) {
      if (contains(t)) return null;
      StringBuilder s = new StringBuilder();
      s.append(text == null ? String.valueOf(t) : "'" + text.strip() + "'").append(" is ")
          .append(t < from ? "before " : "after ").append(Instant.ofEpochSecond(t < from ? from : to));
      if (text != null && !text.strip().equals(instant(t))) s.append(" (").append(instant(t)).append(')');
      String unit = t > to && text != null && text.strip().matches("\\d+(\\.\\d*)?") ? unit(t) : null;
      if (unit != null) s.append("; it looks like ").append(unit).append(", but whole numbers are read as seconds");
      s.append(byDefault ? "; times must fall from 1970 to the end of tomorrow (UTC) unless the source's"
          + " time_window says otherwise" : "; outside the source's time_window");
      return s.toString();
    }

    private String unit(long t) {
      if (contains(t / 1000)) return "milliseconds since 1970";
      if (contains(t / 1_000_000)) return "microseconds since 1970";
      if (contains(t / 1_000_000_000)) return "nanoseconds since 1970";
      return null;
    }

    private static String instant(long t) {
      try {
        return Instant.ofEpochSecond(t).toString();
      } catch (RuntimeException e) {
        return t + " s";
      }
    }
  }
}
