package larder.extract.formats;

/** Reads a weight field: a finite decimal number, optionally with an exponent. */
public final class Weights {
  private Weights() {}

  /**
   * @throws IllegalArgumentException with a short problem text when the field is not a finite number
   */
  public static float parse(String text) {
    String s = text.strip();
    if (s.isEmpty()) throw new IllegalArgumentException("empty, expected a number");
    // Float.parseFloat also takes "NaN", "Infinity", hex and a trailing 'f' or 'd': none is a weight.
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
        throw notANumber(text);
      }
    }
    float v;
    try {
      v = Float.parseFloat(s);
    } catch (NumberFormatException e) {
      throw notANumber(text);
    }
    if (!Float.isFinite(v)) throw new IllegalArgumentException("'" + text + "' is too large");
    return v;
  }

  private static IllegalArgumentException notANumber(String text) {
    return new IllegalArgumentException("'" + text + "' is not a number");
  }
}
