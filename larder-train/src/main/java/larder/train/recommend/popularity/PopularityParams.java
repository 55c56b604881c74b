package larder.train.recommend.popularity;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.DurationText;

/**
 * Parameters of {@link Popularity}.
 *
 * @param count what makes an item popular: {@link Count#USERS} distinct users who touched it, or
 *     {@link Count#WEIGHT} the total weight of its interactions
 * @param halfLife with a value, each interaction counts {@code 2^(-age / halfLife)} times as much, its age
 *     measured back from the latest interaction in the data (so it needs timestamps); null counts every
 *     interaction fully whenever it happened
 */
public record PopularityParams(Count count, Duration halfLife) {
  /** How an item's popularity is counted. */
  public enum Count {
    USERS, WEIGHT;

    /** Parses "users" or "weight" (any case) for the key {@code popularity.count}. */
    public static Count parse(String value) {
      if (value != null) {
        for (Count c : values()) {
          if (c.name().equalsIgnoreCase(value.trim())) return c;
        }
      }
      throw new ConfigException("popularity.count", value, "must be 'users' or 'weight'");
    }

    public String label() { return name().toLowerCase(Locale.ROOT); }
  }

  public PopularityParams {
    if (count == null) throw new ConfigException("popularity.count", null, "must be 'users' or 'weight'");
    checkHalfLife("popularity.half_life", halfLife);
  }

  /** Without decay. */
  public PopularityParams(Count count) {
    this(count, null);
  }

  /** Distinct users, no decay. */
  public static PopularityParams defaults() {
    return new PopularityParams(Count.USERS);
  }

  /** The same count with a half-life (null for none). */
  public PopularityParams withHalfLife(Duration halfLife) {
    return new PopularityParams(count, halfLife);
  }

  /**
   * Refuses a half-life shorter than a second: ages are whole seconds, and a zero half-life would make every
   * interaction but the latest count as nothing.
   */
  public static void checkHalfLife(String key, Duration halfLife) {
    if (halfLife != null && halfLife.getSeconds() < 1) {
      throw new ConfigException(key, DurationText.format(halfLife), "must be at least 1s", "e.g. 14d");
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count.label());
    if (halfLife != null) m.put("half_life", DurationText.format(halfLife));
    return m;
  }
}
