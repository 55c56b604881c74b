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

  private static IllegalArgumentException notANumber(String text) {
    return new IllegalArgumentException("'" + text + "' is not a number");
  }
}
