package larder.store;

import larder.core.IdMap;
import larder.core.Scores;
import larder.core.TopNSink;
import larder.core.segment.SegmentAssignment;

/**
 * Takes a batch's rows as the models produce them: ranked lists, customers' segments, entities' scores.
 * A whole batch's load ({@link BatchLoad}) and one part of a batch loaded by another process
 * ({@link PartWriter}) take rows alike, so the code that turns a model's output into rows is the same for
 * both; each store encodes them once (PostgreSQL: COPY binary; SQLite: bound parameters).
 */
public interface RowSink {
  /**
   * Appends one ranked list as rows (key, rank 1..count, name of items[i], scores[i]).
   *
   * @param table a {@linkplain RowTable#ranked() ranked} table
   * @param key the list's key (user or item id, segment id as decimal text); null for {@link RowTable#FALLBACK}
   * @param itemNames maps the dense ids in {@code items} back to external ids
   */
  void addList(RowTable table, String key, int[] items, float[] scores, int count, IdMap itemNames);

  /**
   * Appends one {@link RowTable#SEGMENTS} row per customer {@code order[from..to)} of {@code a} (dense
   * ids; customers {@code from..to-1} when {@code order} is null). Distances and RFM values must be
   * finite; an RFM score of 0 is stored as null.
   */
  void addSegments(SegmentAssignment a, int[] order, int from, int to);

  /**
   * Appends one {@link RowTable#SCORES} row per entity {@code order[from..to)} of {@code s} (dense ids;
   * entities {@code from..to-1} when {@code order} is null). SQLite inserts fastest in entity id order
   * (its rows are clustered on it); PostgreSQL does not care. Scores are stored as 64-bit doubles, exactly,
   * except that -0.0 is stored as 0.0 (SQLite keeps no sign on zero; both stores do the same).
   *
   * @throws IllegalArgumentException when a score is not finite, or an entity id or label holds a NUL
   *     character (which PostgreSQL text cannot hold; refused on both stores alike)
   */
  void addScores(Scores s, int[] order, int from, int to);

  /** {@link #addScores(Scores, int[], int, int)} for entities {@code from..to-1} in dense id order. */
  default void addScores(Scores s, int from, int to) {
    addScores(s, null, from, to);
  }

  /** Rows added to {@code table} so far. */
  long rows(RowTable table);

  /**
   * The ranked lists a scorer hands a {@link TopNSink}, as rows of {@code table}: key = dense id in
   * {@code keys}, items dense ids in {@code items}. Not thread-safe (as this sink is not): for one scoring
   * thread, such as the task loading one part.
   */
  default TopNSink lists(RowTable table, IdMap keys, IdMap items) {
    return (key, it, sc, count) -> addList(table, keys.name(key), it, sc, count, items);
  }
}
