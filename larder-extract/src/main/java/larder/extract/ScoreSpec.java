package larder.extract;

import larder.core.ConfigException;
import larder.extract.table.TableInput;

/**
 * Where imported per-entity predictions are and which columns hold them: one row per entity.
 *
 * @param input a {@link larder.extract.table.DelimitedFile} or a {@link larder.extract.table.JdbcQuery}
 * @param entity the entity id column; an entity on a second row makes that row bad
 * @param score the prediction: a finite decimal number in every row
 * @param label an optional text column (empty or NULL means no label), or null for none
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 */
public record ScoreSpec(TableInput input, Column entity, Column score, Column label, long maxBadRows) {
  public ScoreSpec {
    if (input == null) throw new ConfigException("source", null, "a file or a query must be given");
    if (entity == null) throw new ConfigException("entity", null, "the entity id column must be given");
    if (score == null) throw new ConfigException("score", null, "the score column must be given");
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    input.requireFindable("entity", entity);
    input.requireFindable("score", score);
    if (label != null) input.requireFindable("label", label);
  }
}
