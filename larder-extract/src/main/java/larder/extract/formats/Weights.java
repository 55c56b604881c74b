package larder.extract.formats;

/** Reads a weight field: a {@link Decimals decimal} that fits a float. */
public final class Weights {
  private Weights() {}

  /**
   * @throws IllegalArgumentException with a short problem text when the field is not a finite number
   */
  public static float parse(String text) {
    float v = (float) Decimals.parse(text);
    if (!Float.isFinite(v)) throw new IllegalArgumentException("'" + text + "' is too large");
    return v;
  }
}
