package larder.jobs.config;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.ConfigException;

/**
 * Checks on a batch as a whole before it is published ({@code checks:} under any job). They catch what row-by-row
 * validation cannot: a truncated nightly extract or export that would otherwise replace a good batch with a
 * small one. A failed check publishes nothing, exits 3 and leaves the previous batch serving.
 *
 * <p>Two things are counted: <em>input rows</em>, the rows read and kept from the source, and <em>keys</em>, what
 * the batch covers: users (recommendations, list imports), customers (segments) or entities (score imports). A
 * time-sorted extract cut short loses rows long before it loses users, so both are checked. One check is on
 * without any {@code checks:}: a batch that lost {@code max_shrink} (half) or more of the serving batch's input
 * rows or keys is refused.
 *
 * @param keys what the job's keys are, which names the key checks ({@code min_users}, {@code max_user_change})
 * @param minRows fewest input rows to publish; 1 by default
 * @param minKeys fewest keys to publish; 1 by default
 * @param scoreMin lowest allowed score (imports only), or null
 * @param scoreMax highest allowed score (imports only), or null
 * @param maxRowChange largest allowed relative change in input rows against the serving batch (0.5: between half
 *     and one and a half times as many), or null for no limit
 * @param maxKeyChange the same for keys, or null for no limit
 * @param maxShrink the share of the serving batch's input rows or keys whose loss refuses a batch (0.5 by
 *     default: half or more lost), or null when turned off ({@code max_shrink: none})
 */
public record BatchChecks(Keys keys, long minRows, long minKeys, Double scoreMin, Double scoreMax,
    Double maxRowChange, Double maxKeyChange, Double maxShrink) {

  /** The default {@code max_shrink}: a batch with half the input rows or keys of the serving one, or fewer. */
  public static final double DEFAULT_MAX_SHRINK = 0.5;

  /** What a job's batches cover, one key each; names the key checks and their messages. */
  public enum Keys {
    USERS("users", "user"), CUSTOMERS("customers", "customer"), ENTITIES("entities", "entity");

    private final String plural;
    private final String singular;

    Keys(String plural, String singular) {
      this.plural = plural;
      this.singular = singular;
    }

    /** "users": in messages, and in {@code min_users}. */
    public String plural() { return plural; }

    /** {@code min_users}, {@code min_customers}, {@code min_entities}. */
    public String minKey() { return "min_" + plural; }

    /** {@code max_user_change}, {@code max_customer_change}, {@code max_entity_change}. */
    public String changeKey() { return "max_" + singular + "_change"; }
  }

  public BatchChecks {
    if (keys == null) throw new IllegalArgumentException("keys is null");
    if (minRows < 1) throw new ConfigException("checks.min_rows", minRows, "must be >= 1");
    if (minKeys < 1) throw new ConfigException("checks." + keys.minKey(), minKeys, "must be >= 1");
    if (scoreMin != null && scoreMax != null && scoreMin > scoreMax) {
      throw new ConfigException("checks.score_min", scoreMin, "is above checks.score_max = " + scoreMax);
    }
    checkChange("max_row_change", maxRowChange);
    checkChange(keys.changeKey(), maxKeyChange);
    if (maxShrink != null && !(maxShrink > 0 && maxShrink < 1)) {
      throw new ConfigException("checks.max_shrink", maxShrink, "must be above 0 and below 1, or none",
          "0.5 refuses a batch that lost half or more of the serving batch's input rows or "
              + keys.plural() + "; none turns the check off");
    }
  }

  private static void checkChange(String key, Double change) {
    if (change != null && !(change > 0)) {
      throw new ConfigException("checks." + key, change, "must be > 0", "0.5 allows half to 1.5 times as many");
    }
  }

  /** The checks of a job without {@code checks:}: at least one row and one key, and {@code max_shrink: 0.5}. */
  public static BatchChecks defaults(Keys keys) {
    return new BatchChecks(keys, 1, 1, null, null, null, null, DEFAULT_MAX_SHRINK);
  }

  /**
   * Reads {@code checks:} of a job; score bounds only where the job's predictions are imported scores or lists,
   * key checks named after the job's keys (a {@code min_customers} on a recommendations job is an unknown key).
   */
  static BatchChecks parse(ConfigNode job, Keys keys, boolean scoresAllowed) {
    ConfigNode c = job.childOrNull("checks");
    if (c == null) return defaults(keys);
    Double min = scoresAllowed ? c.numberOrNull("score_min") : null;
    Double max = scoresAllowed ? c.numberOrNull("score_max") : null;
    BatchChecks checks = new BatchChecks(keys, c.longValue("min_rows", 1), c.longValue(keys.minKey(), 1), min, max,
        c.numberOrNull("max_row_change"), c.numberOrNull(keys.changeKey()), maxShrink(c));
    c.finish(); // score_min/max on another kind of job, min_users on a segments job: an unknown key here
    return checks;
  }

  private static Double maxShrink(ConfigNode c) {
    String text = c.string("max_shrink", null);
    if (text == null) return DEFAULT_MAX_SHRINK;
    if (text.strip().equalsIgnoreCase("none")) return null;
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(c.key("max_shrink"), text, "must be a number above 0 and below 1, or none",
          "0.5 refuses a batch that lost half or more of the serving batch's input rows or keys");
    }
  }

  /** The checks as stored with a batch's params, with the config's key names; limits that are off are left out. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min_rows", minRows);
    m.put(keys.minKey(), minKeys);
    if (scoreMin != null) m.put("score_min", scoreMin);
    if (scoreMax != null) m.put("score_max", scoreMax);
    if (maxRowChange != null) m.put("max_row_change", maxRowChange);
    if (maxKeyChange != null) m.put(keys.changeKey(), maxKeyChange);
    m.put("max_shrink", maxShrink == null ? "none" : maxShrink);
    return m;
  }
}
