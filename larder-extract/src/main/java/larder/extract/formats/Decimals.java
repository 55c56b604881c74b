package larder.extract.formats;

/** Reads a decimal field, such as an amount or a feature value: a finite number, optionally with an exponent. */
public final class Decimals {
  private Decimals() {}

  /**
   * @param text the field; surrounding spaces are ignored
   * @throws IllegalArgumentException with a short problem text when the field is empty or not a finite number
   */
  public static double parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) throw new IllegalArgumentException("empty, expected a number");
    // Double.parseDouble also takes "NaN", "Infinity", hex and a trailing 'f' or 'd': none is an amount.
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        throw notANumber(text);
      }
    }
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw notANumber(text);
    }
    if (!Double.isFinite(v)) throw new IllegalArgumentException("'" + text + "' is too large");
    return v;
  }

  /** Exact powers of ten as doubles: up to 10^22 every one is. */
  private static final double[] POW10 = new double[16];

  static {
    double p = 1;
    for (int k = 0; k < POW10.length; k++, p *= 10) POW10[k] = p;
  }

  /**
   * The commonest shape read straight from ASCII bytes, without making a string: an optional sign, digits and
   * at most one point, 15 digits at most and at least one. Gives exactly what {@link #parse} gives: a whole
   * number below 2^53 divided by an exact power of ten is one correctly rounded division.
   *
   * @return the number, or NaN for anything else, valid or not, which {@link #parse} then reads
   */
  public static double parseAscii(byte[] b, int from, int to) {
    int k = from;
    boolean negative = false;
    if (k < to && (b[k] == '-' || b[k] == '+')) negative = b[k++] == '-';
    long m = 0;
    int digits = 0;
    int fraction = -1;
    for (; k < to; k++) {
      int c = b[k];
      if (c == '.' && fraction < 0) {
        fraction = 0;
        continue;
      }
      int d = c - '0';
      if (d < 0 || d > 9 || ++digits > 15) return Double.NaN;
      m = m * 10 + d;
      if (fraction >= 0) fraction++;
    }
    if (digits == 0) return Double.NaN;
    double v = fraction > 0 ? m / POW10[fraction] : m;
    return negative ? -v : v;
  }

  private static IllegalArgumentException notANumber(String text) {
    return new IllegalArgumentException("'" + text + "' is not a number");
  }
}
