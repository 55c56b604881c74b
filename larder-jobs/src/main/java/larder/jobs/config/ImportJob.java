package larder.jobs.config;

import larder.core.ConfigException;
import larder.extract.ListSource;
import larder.extract.ScoreSource;

/**
 * One import job ({@code type: import}): predictions another model produced, validated and published like any
 * batch. Either per-entity scores ({@code kind: scores}, source columns entity, score, label) or per-user
 * recommendation lists ({@code kind: recommendations}, columns user, item, score and/or rank), served by the
 * same views as Larder's own recommendations.
 *
 * @param scores the source of per-entity scores, or null when {@code lists} is given
 * @param lists the source of per-user lists, or null when {@code scores} is given
 * @param topN lists are cut to this length (recommendations only)
 * @param checks whole-batch checks made before publishing
 * @param keep batches kept for rollback (the current one included)
 */
public record ImportJob(String name, ScoreSource scores, ListSource lists, int topN, Checks checks, int keep)
    implements JobConfig {

  /**
   * Checks on the batch as a whole, after every row passed: they catch a truncated export or a model gone wrong,
   * which row-by-row validation cannot.
   *
   * @param minRows fewest entities (scores) or users (lists) to publish; 1 by default
   * @param scoreMin lowest allowed score, or null
   * @param scoreMax highest allowed score, or null
   * @param maxRowChange largest allowed relative change in entities or users against the job's current batch
   *     (0.5: between half and one and a half times as many), or null for no limit
   */
  public record Checks(long minRows, Double scoreMin, Double scoreMax, Double maxRowChange) {
    public Checks {
      if (minRows < 1) throw new ConfigException("checks.min_rows", minRows, "must be >= 1");
      if (scoreMin != null && scoreMax != null && scoreMin > scoreMax) {
        throw new ConfigException("checks.score_min", scoreMin, "is above checks.score_max = " + scoreMax);
      }
      if (maxRowChange != null && !(maxRowChange > 0)) {
        throw new ConfigException("checks.max_row_change", maxRowChange, "must be > 0", "0.5 allows half to 1.5 times as many rows");
      }
    }

    public static Checks none() { return new Checks(1, null, null, null); }
  }

  public ImportJob {
    JobConfig.checkName(name);
    String at = "jobs." + name;
    if ((scores == null) == (lists == null)) throw new ConfigException(at + ".source", null, "give either scores or lists");
    if (topN < 1) throw new ConfigException(at + ".top_n", topN, "must be >= 1");
    if (keep < 1) throw new ConfigException(at + ".keep", keep, "must be >= 1 (the current batch counts)");
    if (checks == null) checks = Checks.none();
  }

  /** "scores" or "recommendations": what the batches hold and which views serve them. */
  @Override public String kind() { return scores != null ? "scores" : "recommendations"; }

  @Override public int threads() { return 1; }

  /** Where the predictions are read from, for messages. */
  public String sourceLabel() { return scores != null ? scores.label() : lists.label(); }
}
