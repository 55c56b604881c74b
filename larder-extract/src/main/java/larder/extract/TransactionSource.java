package larder.extract;

import larder.core.Progress;

/** Where purchases and refunds come from: a file, a query. One call reads everything, streamed. */
public interface TransactionSource {
  /**
   * Reads the whole source. Reports {@code update("read", rows, -1, "rows")} about every 100,000 rows.
   *
   * @throws larder.core.InputException when the source cannot be read, has no transactions, or has more bad
   *     rows than allowed
   */
  TransactionsResult read(Progress p);

  /** Short name for messages: the file name or the query label. */
  String label();
}
