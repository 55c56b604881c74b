package larder.extract.formats;

import java.util.Arrays;

/**
 * Splits a line on runs of spaces and tabs, ignoring leading and trailing ones, for fixed-width-ish files
 * such as {@code " 00001 19970101  1   11.77"}. Reuses one field array across lines.
 */
public final class WhitespaceSplitter {
  private String[] fields = new String[8];
  private int count;

  /** Splits {@code line}; returns the number of fields. */
  public int split(String line) {
    count = 0;
    int len = line.length();
    int k = 0;
    while (k < len) {
      while (k < len && isBlank(line.charAt(k))) k++;
      if (k == len) break;
      int start = k;
      while (k < len && !isBlank(line.charAt(k))) k++;
      if (count == fields.length) fields = Arrays.copyOf(fields, count * 2);
      fields[count++] = line.substring(start, k);
    }
    return count;
  }

  public int count() { return count; }

  /** Field {@code index} (0-based) of the last split line. */
  public String field(int index) {
    if (index >= count) throw new IndexOutOfBoundsException(index);
    return fields[index];
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}
