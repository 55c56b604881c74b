package larder.extract;

import java.nio.file.Path;
import larder.core.ConfigException;
import larder.extract.formats.TimeWindow;
import larder.extract.formats.TransactionLayout;
import larder.extract.table.TableInput;

/**
 * Where transactions are and which columns hold them. Each kept row is one purchase (or, with a negative
 * amount, a refund).
 *
 * @param input a {@link larder.extract.table.DelimitedFile} or a {@link larder.extract.table.JdbcQuery}
 * @param customer the customer id column; ids are kept as written (stripped), so "00001" stays "00001"
 * @param timestamp when it happened (formats: {@link larder.extract.formats.Timestamps}; SQL dates and
 *     times by type, without zone read as UTC); an empty or NULL time is a bad row
 * @param amount the amount, a finite decimal number such as {@code 11.77}, {@code -3.5} or {@code 1e3}
 * @param order the order id column, or null when every row is its own order; an empty or NULL order id
 *     also makes the row its own order
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 * @param timeWindow the plausible times; a time outside makes the row bad
 */
public record TransactionSpec(TableInput input, Column customer, Column timestamp, Column amount, Column order,
    long maxBadRows, TimeWindow timeWindow) {

  public TransactionSpec {
    if (input == null) throw new ConfigException("source", null, "a file or a query must be given");
    if (customer == null) throw new ConfigException("customer", null, "the customer column must be given");
    if (timestamp == null) throw new ConfigException("timestamp", null, "the timestamp column must be given");
    if (amount == null) throw new ConfigException("amount", null, "the amount column must be given");
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    if (timeWindow == null) timeWindow = TimeWindow.DEFAULT;
    input.requireFindable("customer", customer);
    input.requireFindable("timestamp", timestamp);
    input.requireFindable("amount", amount);
    input.requireFindable("order", order);
  }

  /** The default time window. */
  public TransactionSpec(TableInput input, Column customer, Column timestamp, Column amount, Column order,
      long maxBadRows) {
    this(input, customer, timestamp, amount, order, maxBadRows, TimeWindow.DEFAULT);
  }

  /** No order ids, no bad rows allowed. Columns as names or 1-based positions ("3"). */
  public static TransactionSpec of(TableInput input, String customer, String timestamp, String amount) {
    return new TransactionSpec(input, Column.parse(customer), Column.parse(timestamp), Column.parse(amount), null, 0);
  }

  /** A known layout by name: "cdnow". */
  public static TransactionSpec preset(String name, Path path) {
    return TransactionLayout.of(name).spec(path);
  }

  public TransactionSpec withInput(TableInput v) { return new TransactionSpec(v, customer, timestamp, amount, order, maxBadRows, timeWindow); }
  public TransactionSpec withCustomer(Column v) { return new TransactionSpec(input, v, timestamp, amount, order, maxBadRows, timeWindow); }
  public TransactionSpec withTimestamp(Column v) { return new TransactionSpec(input, customer, v, amount, order, maxBadRows, timeWindow); }
  public TransactionSpec withAmount(Column v) { return new TransactionSpec(input, customer, timestamp, v, order, maxBadRows, timeWindow); }
  public TransactionSpec withOrder(Column v) { return new TransactionSpec(input, customer, timestamp, amount, v, maxBadRows, timeWindow); }
  public TransactionSpec withMaxBadRows(long v) { return new TransactionSpec(input, customer, timestamp, amount, order, v, timeWindow); }
  public TransactionSpec withTimeWindow(TimeWindow v) { return new TransactionSpec(input, customer, timestamp, amount, order, maxBadRows, v); }
}
