package larder.serve;

/**
 * The precision read-side figures are shown at, the same in the API, the CLI and CSV exports. Money and R/F/M
 * statistics are sums and means of doubles, and carry their rounding noise ({@code 1319.7200000000003}); rounded
 * here, where every output reads them, they print as people write them ({@code 1319.72}). Floats (scores,
 * distances) stay floats, whose shortest text has no noise; imported scores are kept bit for bit.
 */
public final class Figures {
  private Figures() {}

  /** An amount of money to the cent (half away from zero); null stays null. */
  public static Double money(Double v) {
    return round(v, 100);
  }

  /** A mean or median of days or order counts to two decimals; null stays null. */
  public static Double stat(Double v) {
    return round(v, 100);
  }

  /**
   * {@code b - a} as the difference of the two numbers as printed (0.31 - 0.3 = 0.01, not 0.010000000000000009):
   * a change between two metrics shows no more digits than they have.
   */
  public static double difference(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b)) return b - a;
    return new java.math.BigDecimal(Double.toString(b)).subtract(new java.math.BigDecimal(Double.toString(a))).doubleValue();
  }

  private static Double round(Double v, double scale) {
    if (v == null || !Double.isFinite(v)) return v;
    double r = Math.round(Math.abs(v) * scale) / scale; // below 2^53 / scale the nearest double of the decimal
    return Math.copySign(r, v);
  }
}
