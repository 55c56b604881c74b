package larder.extract.table;

/** Turns rows into a source's values; the {@link TableInput} calls it, the source owns it. */
public interface RowHandler {
  /** Called once, before the first data row, with the column names; resolve columns here. */
  void start(Header header);

  /**
   * One data row.
   *
   * @param line 1-based line of a file (where the row starts) or row number of a query
   * @param fields the row's fields, valid only during this call
   */
  void row(long line, Fields fields);
}
