package larder.extract.table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import larder.extract.formats.Decimals;
import larder.extract.formats.Timestamps;
import larder.extract.formats.Utf8;

/**
 * Splits one line of a byte buffer into fields, strictly: RFC 4180 quotes, except that a field may not span
 * lines. A quote that opens a field must close it on its line (a doubled quote stands for one), the closing
 * quote must end the field, and a field that does not open with a quote holds none; anything else makes the
 * line bad, and only that line, as the next one starts afresh. Bytes must be UTF-8. In whitespace mode fields are runs of other than spaces and tabs, and quotes are text.
 *
 * <p>One pass over the bytes finds the fields and the end of the line; text is decoded only for the fields a
 * source asks for, and lines of ASCII (the usual case) skip the UTF-8 check.
 */
final class LineSplitter implements Fields {
  /** {@link #split} ran out of buffered bytes before the end of the line. */
  static final int MORE = -2;

  private final byte delimiter;
  private final boolean whitespace;
  private byte[] buf;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  /** Bit k set: field k holds doubled quotes, to be undone when read. */
  private long[] escaped = new long[1];
  private int count;
  private boolean ascii;
  private String problem;
  private int problemField;

  LineSplitter(char delimiter) {
    this.whitespace = delimiter == DelimitedFile.WHITESPACE;
    this.delimiter = (byte) delimiter;
    if (!whitespace && delimiter > 0x7f) {
      throw new IllegalArgumentException("delimiter must be ASCII");
    }
  }

  /**
   * Splits the line starting at {@code from} in {@code b}, whose bytes up to {@code limit} are read.
   *
   * @param eof true when no bytes follow {@code limit}, so the line ends there at the latest
   * @return the offset just past the line's newline (or {@code limit} at the end of the input), or
   *     {@link #MORE} when the line needs more bytes than {@code limit}
   */
  int split(byte[] b, int from, int limit, boolean eof) {
    buf = b;
    count = 0;
    problem = null;
    Arrays.fill(escaped, 0);
    return whitespace ? splitWhitespace(b, from, limit, eof) : splitQuoted(b, from, limit, eof);
  }

  private int splitQuoted(byte[] b, int from, int limit, boolean eof) {
    final byte d = delimiter;
    int ors = 0;
    int k = from;
    while (true) {
      if (k < limit && b[k] == '"') {
        int start = ++k;
        boolean esc = false;
        while (true) {
          if (k >= limit) {
            if (!eof) return MORE;
            add(start, k, esc);
            return fail(count - 1, "the quote that opens it is not closed (a line ends inside quotes)", limit, limit,
                eof);
          }
          byte c = b[k];
          if (c == '"') {
            if (k + 1 >= limit && !eof) return MORE;
            if (k + 1 < limit && b[k + 1] == '"') {
              esc = true;
              k += 2;
              continue;
            }
            break;
          }
          if (c == '\n') {
            add(start, k, esc);
            return fail(count - 1, "the quote that opens it is not closed on its line (fields may not span lines)",
                k, limit, eof);
          }
          ors |= c;
          k++;
        }
        add(start, k, esc);
        k++; // past the closing quote
        if (k >= limit) {
          if (!eof) return MORE;
          break;
        }
        byte c = b[k];
        if (c == d) {
          k++;
          continue;
        }
        if (c == '\n') return finish(k + 1, ors);
        if (c == '\r') {
          if (k + 1 >= limit && !eof) return MORE;
          if (k + 1 >= limit) return finish(limit, ors);
          if (b[k + 1] == '\n') return finish(k + 2, ors);
        }
        return fail(count - 1, "text after the closing quote (a quote inside a quoted field is written twice)", k,
            limit, eof);
      }
      int start = k;
      while (k < limit) {
        byte c = b[k];
        if (c == d || c == '\n' || c == '"') break;
        ors |= c;
        k++;
      }
      if (k >= limit && !eof) return MORE;
      if (k < limit && b[k] == '"') {
        add(start, k, false);
        return fail(count - 1, "a quote inside a field that does not start with one (quote the whole field and"
            + " write the quote twice)", k, limit, eof);
      }
      if (k >= limit || b[k] == '\n') {
        int end = k > start && b[k - 1] == '\r' ? k - 1 : k;
        add(start, end, false);
        return finish(k >= limit ? limit : k + 1, ors);
      }
      add(start, k, false);
      k++; // past the delimiter
    }
    return finish(limit, ors);
  }

  private int splitWhitespace(byte[] b, int from, int limit, boolean eof) {
    int ors = 0;
    int k = from;
    while (true) {
      while (k < limit && (b[k] == ' ' || b[k] == '\t' || b[k] == '\r')) k++;
      if (k >= limit) {
        if (!eof) return MORE;
        return finish(limit, ors);
      }
      if (b[k] == '\n') return finish(k + 1, ors);
      int start = k;
      while (k < limit) {
        byte c = b[k];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
        ors |= c;
        k++;
      }
      if (k >= limit && !eof) return MORE;
      add(start, k, false);
    }
  }

  private void add(int start, int end, boolean esc) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      ends = Arrays.copyOf(ends, count * 2);
      escaped = Arrays.copyOf(escaped, (count * 2 + 63) / 64);
    }
    starts[count] = start;
    ends[count] = end;
    if (esc) escaped[count >> 6] |= 1L << count;
    count++;
  }

  /** Ends a good line: checks UTF-8 when a byte had its high bit set. */
  private int finish(int next, int ors) {
    ascii = (ors & 0x80) == 0;
    if (!ascii) {
      for (int f = 0; f < count; f++) {
        int at = Utf8.invalidAt(buf, starts[f], ends[f]);
        if (at >= 0) {
          problem = "not valid UTF-8: bytes " + Utf8.show(buf, starts[f], ends[f], at)
              + " (save the file as UTF-8)";
          problemField = f;
          break;
        }
      }
    }
    return next;
  }

  /** Ends a bad line: records the problem and skips to the next newline. */
  private int fail(int field, String what, int k, int limit, boolean eof) {
    while (k < limit && buf[k] != '\n') k++;
    if (k >= limit && !eof) return MORE;
    problem = what;
    problemField = field;
    ascii = false;
    return k >= limit ? limit : k + 1;
  }

  /** Why the last line is bad, or null. */
  String problem() {
    return problem;
  }

  /** The 0-based field the problem is in. */
  int problemField() {
    return problemField;
  }

  /**
   * True when the last line holds one field of nothing but spaces and tabs, quoted or not: an empty line (as
   * {@code ""} alone always was).
   */
  boolean blank() {
    if (count == 0) return true;
    if (count > 1 || problem != null) return false;
    for (int k = starts[0]; k < ends[0]; k++) if (buf[k] != ' ' && buf[k] != '\t') return false;
    return true;
  }

  @Override public int count() {
    return count;
  }

  @Override public String text(int index) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    int s = starts[index];
    int e = ends[index];
    if ((escaped[index >> 6] & (1L << index)) != 0) {
      byte[] out = new byte[e - s];
      int n = 0;
      for (int k = s; k < e; k++) {
        out[n++] = buf[k];
        if (buf[k] == '"') k++; // the second of a doubled quote
      }
      return new String(out, 0, n, StandardCharsets.UTF_8);
    }
    // Latin-1 of ASCII bytes is the same text, copied without decoding.
    return new String(buf, s, e - s, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  /** A file's fields are text; an empty one holds no time. */
  @Override public long epochSecond(int index) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    if ((escaped[index >> 6] & (1L << index)) == 0) {
      long t = Timestamps.parseAscii(buf, starts[index], ends[index]); // most times, without a string
      if (t != Timestamps.OTHER) return t;
    }
    String s = text(index);
    return s.isBlank() ? NO_TIME : Timestamps.parse(s);
  }

  /** Compares the bytes, without making a string, on a line of ASCII. */
  @Override public boolean textEquals(int index, String text) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    if (!ascii || (escaped[index >> 6] & (1L << index)) != 0) return Fields.super.textEquals(index, text);
    int s = starts[index];
    int n = ends[index] - s;
    if (text == null || text.length() != n) return false;
    for (int k = 0; k < n; k++) if (buf[s + k] != text.charAt(k)) return false;
    return true;
  }

  @Override public boolean isNull(int index) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    return false;
  }

  @Override public double decimal(int index) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    if ((escaped[index >> 6] & (1L << index)) == 0) {
      double v = Decimals.parseAscii(buf, starts[index], ends[index]); // most numbers, without a string
      if (!Double.isNaN(v)) return v;
    }
    return Decimals.parse(text(index));
  }
}
