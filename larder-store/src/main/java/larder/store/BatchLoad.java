package larder.store;

import larder.core.IdMap;
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

  /** Rows added to {@code table} so far. */
  long rows(RowTable table);

  /** Makes every row durable, indexed and part of the row tables. The load is over afterwards. */
  void finish();

  /** Discards everything this load wrote; safe after a failure and after {@link #finish()}. */
  void abort();

  /** Aborts unless finished. */
  @Override void close();
}
