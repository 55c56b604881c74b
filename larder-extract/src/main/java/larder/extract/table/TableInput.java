package larder.extract.table;

import larder.extract.Column;

/**
 * Where a source's rows come from: a {@link DelimitedFile} or a {@link JdbcQuery}. Either hands each data row
 * to a {@link RowHandler} as (line, fields), after one {@link RowHandler#start(Header)}.
 */
public sealed interface TableInput permits DelimitedFile, JdbcQuery {
  /** Short name for messages: the file name or the query label. */
  String label();

  /**
   * Streams every data row to {@code handler}; header and empty lines are not handed over. Each data row is
   * counted in {@code rows}; a row the input itself cannot make fields of (an unclosed quote, invalid UTF-8)
   * is recorded there as bad and not handed over.
   *
   * @throws larder.core.InputException when the input cannot be opened or read, or changed while it was read,
   *     or from the handler or {@code rows}
   */
  void read(RowHandler handler, BadRowCollector rows);

  /**
   * Fails when {@code column} could never be found in this input (a name in a file without a header line).
   *
   * @param key the setting that chose the column, for the message
   */
  void requireFindable(String key, Column column);
}
