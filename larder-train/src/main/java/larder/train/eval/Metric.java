package larder.train.eval;

import java.util.Locale;
import java.util.StringJoiner;

/** One of the figures in {@link Metrics}, by the name it has in {@link Metrics#toMap()} and in configs. */
public enum Metric {
  PRECISION("precision"),
  RECALL("recall"),
  NDCG("ndcg"),
  MAP("map"),
  HIT_RATE("hit_rate"),
  COVERAGE("coverage");

  private final String key;

  Metric(String key) {
    this.key = key;
  }

  /** The name used in {@link Metrics#toMap()} and in configs ({@code hit_rate}). */
  public String key() {
    return key;
  }

  public double of(Metrics m) {
    return switch (this) {
      case PRECISION -> m.precision();
      case RECALL -> m.recall();
      case NDCG -> m.ndcg();
      case MAP -> m.map();
      case HIT_RATE -> m.hitRate();
      case COVERAGE -> m.coverage();
    };
  }

  /** The metric a name means (case-insensitive, '-' and '_' alike), or null when it names none. */
  public static Metric byKey(String name) {
    if (name == null) return null;
    String k = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (Metric m : values()) if (m.key.equals(k)) return m;
    return null;
  }

  /** Every name, for messages: "precision, recall, ...". */
  public static String names() {
    StringJoiner j = new StringJoiner(", ");
    for (Metric m : values()) j.add(m.key);
    return j.toString();
  }

  @Override public String toString() {
    return key;
  }
}
