package larder.jobs.config;

import larder.core.BatchKind;
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
 * @param checks whole-batch checks made before publishing, score bounds included
 * @param keep batches kept for rollback (the current one included)
 */
public record ImportJob(String name, ScoreSource scores, ListSource lists, int topN, BatchChecks checks, int keep)
    implements JobConfig {

  public ImportJob {
    JobConfig.checkName(name);
    String at = "jobs." + name;
    if ((scores == null) == (lists == null)) throw new ConfigException(at + ".source", null, "give either scores or lists");
    if (topN < 1) throw new ConfigException(at + ".top_n", topN, "must be >= 1");
    if (keep < 1) throw new ConfigException(at + ".keep", keep, "must be >= 1 (the current batch counts)");
    if (checks == null) checks = BatchChecks.defaults(scores != null ? BatchChecks.Keys.ENTITIES : BatchChecks.Keys.USERS);
  }

  /** "scores" or "recommendations": what the batches hold and which views serve them. */
  @Override public BatchKind kind() { return scores != null ? BatchKind.SCORES : BatchKind.RECOMMENDATIONS; }

  @Override public int threads() { return 1; }

  /** Where the predictions are read from, for messages. */
  public String sourceLabel() { return scores != null ? scores.label() : lists.label(); }
}
