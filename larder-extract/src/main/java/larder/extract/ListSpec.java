package larder.extract;

import larder.core.ConfigException;
import larder.extract.table.TableInput;

/**
 * Where imported recommendation lists are and which columns hold them: one row per (user, item).
 *
 * @param input a {@link larder.extract.table.DelimitedFile} or a {@link larder.extract.table.JdbcQuery}
 * @param user the user id column
 * @param item the item id column
 * @param score the item's score for the user (a finite decimal), or null to derive it from the rank
 * @param rank the item's 1-based position in the user's list, or null to order by score; at least one of
 *     score and rank must be given
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 */
public record ListSpec(TableInput input, Column user, Column item, Column score, Column rank, long maxBadRows) {
  public ListSpec {
    if (input == null) throw new ConfigException("source", null, "a file or a query must be given");
    if (user == null) throw new ConfigException("user", null, "the user id column must be given");
    if (item == null) throw new ConfigException("item", null, "the item id column must be given");
    if (score == null && rank == null) {
      throw new ConfigException("columns", null, "give a score column, a rank column or both",
          "lists are ordered by rank when given, else by score (highest first)");
    }
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    input.requireFindable("user", user);
    input.requireFindable("item", item);
    if (score != null) input.requireFindable("score", score);
    if (rank != null) input.requireFindable("rank", rank);
  }
}
