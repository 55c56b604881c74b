package larder.train.segment.rfm;

import java.util.Locale;
import larder.core.ConfigException;

/** What the M of RFM measures. */
public enum Monetary {
  /** Net spend up to the as-of instant: purchases minus refunds, floored at 0. */
  TOTAL,
  /** Net spend divided by the number of orders counted in F: the average order value. */
  AVERAGE;

  /** "total" or "average" (any case), as written in a job's configuration under {@code key}. */
  public static Monetary parse(String key, String value) {
    if (value != null) {
      switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "total": return TOTAL;
        case "average": case "avg": case "mean": return AVERAGE;
        default: break;
      }
    }
    throw new ConfigException(key, value, "is not a monetary measure", "use total (net spend) or average (per order)");
  }
}
