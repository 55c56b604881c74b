package larder.store;

import java.util.List;

/**
 * The bulk-loaded row tables of a batch (see {@link BatchLoad}): what each holds, in which column
 * order it is loaded, its primary key and the indexes built beside it. Two shapes:
 * <ul>
 *   <li>{@link Shape#RANKED}: (batch_id, [key,] rank, item, score), ranks from 1; the fallback list has
 *       no key, the segment fallback lists are keyed by segment id;
 *   <li>{@link Shape#SEGMENT}: one row per customer, (batch_id, customer_id, segment_id, distance,
 *       recency_days, frequency, monetary, rfm_score), the last four null for feature-table segments;
 *   <li>{@link Shape#SCORE}: one row per entity, (batch_id, entity_id, score, label), label nullable.
 * </ul>
 * On PostgreSQL each is partitioned by batch id and every batch gets a partition of its own with these
 * indexes; on SQLite each is one {@code WITHOUT ROWID} table clustered on the primary key. The small
 * per-batch tables written in a plain transaction are in {@link Schema#SMALL_ROW_TABLES}.
 */
public enum RowTable {
  RECOMMENDATIONS("larder_rec_rows", Shape.RANKED, "user_id", "item_id"),
  SIMILAR("larder_similar_rows", Shape.RANKED, "item_id", "similar_item_id"),
  FALLBACK("larder_fallback_rows", Shape.RANKED, null, "item_id"),
  /** Per-segment popular lists of a recommendations batch; key = the segment id as decimal text. */
  SEGMENT_FALLBACK("larder_segment_fallback_rows", Shape.RANKED, "segment_id", "item_id"),
  /** Each customer's segment in a segments batch. */
  SEGMENTS("larder_segment_rows", Shape.SEGMENT, "customer_id", null,
      new Index("segment", "batch_id, segment_id, customer_id")),
  /**
   * Each entity's score in a scores batch. The index serves "top N by score" in order: under a millisecond
   * where a scan and sort of a million entities takes 70-100 ms. PostgreSQL builds it once after COPY
   * (+0.7 s a million rows); SQLite maintains it row by row in score order, which is random (a million
   * rows load in ~5 s instead of ~2 s).
   */
  SCORES("larder_score_rows", Shape.SCORE, "entity_id", null,
      new Index("score", "batch_id, score DESC, entity_id"));

  /** How a table's rows are laid out. */
  public enum Shape { RANKED, SEGMENT, SCORE }

  /**
   * An index built with each batch's rows besides the primary key; named {@code <table>_<suffix>} on
   * the table (the parent, on PostgreSQL) and {@code <partition>_<suffix>} on a partition.
   */
  public record Index(String suffix, String columns) {}

  private final String table;
  private final Shape shape;
  private final String keyColumn;
  private final String itemColumn;
  private final List<Index> indexes;

  RowTable(String table, Shape shape, String keyColumn, String itemColumn, Index... indexes) {
    this.table = table;
    this.shape = shape;
    this.keyColumn = keyColumn;
    this.itemColumn = itemColumn;
    this.indexes = List.of(indexes);
  }

  public String table() { return table; }

  public Shape shape() { return shape; }

  /** True for tables of ranked lists, loaded with {@link BatchLoad#addList}. */
  public boolean ranked() { return shape == Shape.RANKED; }

  /** The key column ("user_id", "item_id", "segment_id", "customer_id", "entity_id"), or null for the fallback list. */
  public String keyColumn() { return keyColumn; }

  /** The item column of a ranked table, or null. */
  public String itemColumn() { return itemColumn; }

  public boolean keyed() { return keyColumn != null; }

  /** True when the key is an integer column (the segment id) loaded from its decimal text. */
  public boolean integerKey() { return this == SEGMENT_FALLBACK; }

  /** Columns in load order. */
  public String columns() {
    if (shape == Shape.SEGMENT) {
      return "batch_id, customer_id, segment_id, distance, recency_days, frequency, monetary, rfm_score";
    }
    if (shape == Shape.SCORE) return "batch_id, entity_id, score, label";
    return "batch_id, " + (keyed() ? keyColumn + ", " : "") + "rank, " + itemColumn + ", score";
  }

  /** Number of columns in {@link #columns()}. */
  public int width() {
    return switch (shape) {
      case SEGMENT -> 8;
      case SCORE -> 4;
      case RANKED -> keyed() ? 5 : 4;
    };
  }

  /** Primary key columns. */
  public String primaryKey() {
    if (shape != Shape.RANKED) return "batch_id, " + keyColumn;
    return keyed() ? "batch_id, " + keyColumn + ", rank" : "batch_id, rank";
  }

  /** Indexes besides the primary key, built with each batch's rows. */
  public List<Index> indexes() { return indexes; }
}
