package larder.train.recommend.popularity;

import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;

/**
 * Parameters of {@link Popularity}.
 *
 * @param count what makes an item popular: {@link Count#USERS} distinct users who touched it, or
 *     {@link Count#WEIGHT} the total weight of its interactions
 */
public record PopularityParams(Count count) {
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
  }

  /** Distinct users. */
  public static PopularityParams defaults() {
    return new PopularityParams(Count.USERS);
  }

  public Map<String, Object> toMap() {
    return Map.of("count", count.label());
  }
}
