package larder.jobs.config;

import larder.core.ConfigException;

/**
 * Checks on a batch as a whole before it is published ({@code checks:} under any job). They catch what row-by-row
 * validation cannot: a truncated nightly extract or export that would otherwise replace a good batch with a
 * small one. A failed check publishes nothing, exits 3 and leaves the previous batch serving.
 *
 * @param minRows fewest keys to publish: users with a list (recommendations), customers segmented (segments),
 *     entities or users (imports); 1 by default
 * @param scoreMin lowest allowed score (imports only), or null
 * @param scoreMax highest allowed score (imports only), or null
 * @param maxRowChange largest allowed relative change in keys against the job's current batch (0.5: between half
 *     and one and a half times as many), or null for no limit
 */
public record BatchChecks(long minRows, Double scoreMin, Double scoreMax, Double maxRowChange) {
  public BatchChecks {
    if (minRows < 1) throw new ConfigException("checks.min_rows", minRows, "must be >= 1");
    if (scoreMin != null && scoreMax != null && scoreMin > scoreMax) {
      throw new ConfigException("checks.score_min", scoreMin, "is above checks.score_max = " + scoreMax);
    }
    if (maxRowChange != null && !(maxRowChange > 0)) {
      throw new ConfigException("checks.max_row_change", maxRowChange, "must be > 0", "0.5 allows half to 1.5 times as many rows");
    }
  }

  public static BatchChecks none() { return new BatchChecks(1, null, null, null); }

  /** Reads {@code checks:} of a job; score bounds only where the job's predictions are imported scores. */
  static BatchChecks parse(ConfigNode job, boolean scoresAllowed) {
    ConfigNode c = job.childOrNull("checks");
    if (c == null) return none();
    Double min = scoresAllowed ? c.numberOrNull("score_min") : null;
    Double max = scoresAllowed ? c.numberOrNull("score_max") : null;
    BatchChecks checks = new BatchChecks(c.longValue("min_rows", 1), min, max, c.numberOrNull("max_row_change"));
    c.finish(); // score_min/max on another kind of job is an unknown key here
    return checks;
  }
}
