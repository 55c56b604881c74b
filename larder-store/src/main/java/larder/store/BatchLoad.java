package larder.store;

import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;

/**
 * A bulk load of one batch's rows, used by one thread. SQLite inserts with prepared multi-row
 * statements inside one transaction; PostgreSQL streams each table through {@code COPY} into the
 * batch's own partition, which is indexed and attached by {@link #finish()}. Until the batch is made
 * current nothing here is visible through the views.
 */
public interface BatchLoad extends AutoCloseable {
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

  /** Makes every row durable, indexed and part of the row tables. The load is over afterwards. */
  void finish();

  /** Discards everything this load wrote; safe after a failure and after {@link #finish()}. */
  void abort();

  /** Aborts unless finished. */
  @Override void close();

  /**
   * The score of entity {@code e} as stored: -0.0 becomes 0.0.
   *
   * @throws IllegalArgumentException when it cannot be stored (see {@link #addScores(Scores, int[], int, int)})
   */
  static double storedScore(Scores s, int e) {
    double v = s.score()[e];
    if (!Double.isFinite(v)) throw badScore(s, e, "score " + v + " is not a finite number");
    if (s.entities().name(e).indexOf('\0') >= 0) throw badScore(s, e, "the entity id holds a NUL character");
    String label = s.label() == null ? null : s.label()[e];
    if (label != null && label.indexOf('\0') >= 0) throw badScore(s, e, "its label holds a NUL character");
    return v == 0 ? 0.0 : v;
  }

  private static IllegalArgumentException badScore(Scores s, int e, String problem) {
    return new IllegalArgumentException("entity '" + s.entities().name(e).replace("\0", "\\0") + "': " + problem);
  }
}
