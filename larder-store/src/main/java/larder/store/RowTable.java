package larder.store;

/**
 * The three row tables of a batch. Each row is (batch_id, [key,] rank, item, score); the fallback
 * list has no key. Ranks start at 1.
 */
public enum RowTable {
  RECOMMENDATIONS("larder_rec_rows", "user_id", "item_id"),
  SIMILAR("larder_similar_rows", "item_id", "similar_item_id"),
  FALLBACK("larder_fallback_rows", null, "item_id");

  private final String table;
  private final String keyColumn;
  private final String itemColumn;

  RowTable(String table, String keyColumn, String itemColumn) {
    this.table = table;
    this.keyColumn = keyColumn;
    this.itemColumn = itemColumn;
  }

  public String table() { return table; }

  /** The key column ("user_id", "item_id"), or null for the fallback list. */
  public String keyColumn() { return keyColumn; }

  public String itemColumn() { return itemColumn; }

  public boolean keyed() { return keyColumn != null; }

  /** Columns in load order: batch_id, key (when keyed), rank, item, score. */
  public String columns() {
    return "batch_id, " + (keyed() ? keyColumn + ", " : "") + "rank, " + itemColumn + ", score";
  }

  /** Primary key columns. */
  public String primaryKey() {
    return keyed() ? "batch_id, " + keyColumn + ", rank" : "batch_id, rank";
  }
}
