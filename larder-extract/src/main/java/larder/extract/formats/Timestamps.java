package larder.extract.formats;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a timestamp field as epoch seconds (UTC). Accepted: epoch seconds (a fraction is dropped),
 * ISO-8601 instants and date-times with or without offset (without one means UTC; a space may stand for
 * the 'T'), {@code yyyy-MM-dd} and {@code yyyyMMdd} dates (UTC midnight). Eight digits that form a
 * date from 1800 to 2199 are read as {@code yyyyMMdd}, not as seconds in 1970-73. The common shapes are
 * parsed by hand; java.time is the fallback for the rest. Whether a time is plausible is not decided here
 * but by the source's {@link TimeWindow}, the same for every format.
 */
public final class Timestamps {
  private Timestamps() {}

  /** What a timestamp field may look like, for messages. */
  public static final String ACCEPTED = "epoch seconds, ISO-8601 date-time, yyyy-MM-dd or yyyyMMdd";

  /**
   * @return epoch seconds
   * @throws IllegalArgumentException with a short problem text when the field is not a timestamp
   */
  public static long parse(String text) {
    String s = text.strip();
    int len = s.length();
    if (len == 0) throw bad(text);
    if (allDigits(s, 0, len) || (len > 1 && (s.charAt(0) == '-' || s.charAt(0) == '+') && allDigits(s, 1, len))) {
      if (len == 8) {
        long d = date(s, 0, 4, 4, 6, 6, 1800, 2199);
        if (d != Long.MIN_VALUE) return d;
      }
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw bad(text); // beyond a long
      }
    }
    int dot = s.indexOf('.');
    if (dot > 0 && s.indexOf('-', 1) < 0 && s.indexOf(':') < 0) return epochWithFraction(s, text);
    if (len == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
      long d = date(s, 0, 4, 5, 7, 8, 0, 9999);
      if (d != Long.MIN_VALUE) return d;
      throw bad(text);
    }
    if (len == 20 && s.charAt(19) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-'
        && (s.charAt(10) == 'T' || s.charAt(10) == ' ') && s.charAt(13) == ':' && s.charAt(16) == ':') {
      long d = date(s, 0, 4, 5, 7, 8, 0, 9999);
      int hh = two(s, 11);
      int mm = two(s, 14);
      int ss = two(s, 17);
      if (d != Long.MIN_VALUE && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 60) {
        return d + hh * 3600L + mm * 60L + ss;
      }
      throw bad(text);
    }
    String iso = len > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    try {
      var parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime o) return o.toEpochSecond();
      return ((LocalDateTime) parsed).toEpochSecond(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw bad(text);
    }
  }

  /** What {@link #parseAscii} returns for a field it leaves to {@link #parse}. */
  public static final long OTHER = Long.MIN_VALUE;

  /**
   * The commonest shapes read straight from ASCII bytes, without making a string: whole epoch seconds of up to
   * 18 digits (not 8, which may be a date), {@code yyyy-MM-dd} and {@code yyyy-MM-ddTHH:mm:ssZ} (or with a
   * space). Each gives what {@link #parse} gives for the same text.
   *
   * @return epoch seconds, or {@link #OTHER} for anything else, valid or not, which {@link #parse} then reads
   */
  public static long parseAscii(byte[] b, int from, int to) {
    int len = to - from;
    if (len <= 0) return OTHER;
    if (len <= 18 && len != 8) {
      long v = 0;
      for (int k = from; k < to; k++) {
        int d = b[k] - '0';
        if (d < 0 || d > 9) {
          v = -1;
          break;
        }
        v = v * 10 + d;
      }
      if (v >= 0) return v;
    }
    if ((len != 10 && len != 20) || b[from + 4] != '-' || b[from + 7] != '-') return OTHER;
    int year = digits(b, from, 4);
    int month = digits(b, from + 5, 2);
    int day = digits(b, from + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return OTHER;
    long midnight = epochDay(year, month, day) * 86_400L;
    if (len == 10) return midnight;
    if (b[from + 19] != 'Z' || (b[from + 10] != 'T' && b[from + 10] != ' ') || b[from + 13] != ':'
        || b[from + 16] != ':') {
      return OTHER;
    }
    int hh = digits(b, from + 11, 2);
    int mm = digits(b, from + 14, 2);
    int ss = digits(b, from + 17, 2);
    if (hh < 0 || hh >= 24 || mm < 0 || mm >= 60 || ss < 0 || ss >= 60) return OTHER;
    return midnight + hh * 3600L + mm * 60L + ss;
  }

  /** The number written by {@code n} ASCII digits at {@code at}, or -1. */
  private static int digits(byte[] b, int at, int n) {
    int v = 0;
    for (int k = at; k < at + n; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  private static int daysIn(int year, int month) {
    if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /** Days from 1970-01-01 to a proleptic Gregorian date (as {@link java.time.LocalDate#toEpochDay()}). */
  private static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468L;
  }

  private static long epochWithFraction(String s, String text) {
    try {
      double v = Double.parseDouble(s);
      if (!Double.isFinite(v) || Math.abs(v) > 9e15) throw bad(text);
      return (long) Math.floor(v);
    } catch (NumberFormatException e) {
      throw bad(text);
    }
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("'" + text + "' is not a timestamp (" + ACCEPTED + ")");
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') return false;
    }
    return to > from;
  }

  private static int two(String s, int at) {
    char a = s.charAt(at);
    char b = s.charAt(at + 1);
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  }

  /**
   * Epoch seconds of the UTC midnight of y-m-d read at the given offsets, or MIN_VALUE when not a date with a
   * year from {@code minYear} to {@code maxYear}.
   */
  private static long date(String s, int y0, int y1, int m0, int m1, int d0, int minYear, int maxYear) {
    if (!allDigits(s, y0, y1)) return Long.MIN_VALUE;
    int year = Integer.parseInt(s, y0, y1, 10);
    int month = two(s, m0);
    int day = two(s, d0);
    if (year < minYear || year > maxYear || month < 1 || month > 12 || day < 1) return Long.MIN_VALUE;
    try {
      return java.time.LocalDate.of(year, month, day).toEpochDay() * 86_400L;
    } catch (DateTimeException e) {
      return Long.MIN_VALUE; // e.g. February 30th
    }
  }
}
