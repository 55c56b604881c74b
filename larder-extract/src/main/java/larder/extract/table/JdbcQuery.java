package larder.extract.table;

import larder.core.ConfigException;
import larder.extract.Column;

/**
 * A SQL query whose rows a source reads, streamed with a fetch size (on PostgreSQL autocommit is off so the
 * fetch size opens a cursor instead of loading the whole result). Read-only: the transaction is rolled back
 * at the end. Columns are found by label or 1-based position.
 *
 * <p>The SQL may name the time its rows must be after, so that one query serves a full run and a refresh:
 * {@code :since} is bound as a timestamp in UTC ({@code setTimestamp} with a UTC calendar: on PostgreSQL it
 * compares with {@code timestamp} and {@code timestamptz} columns alike), {@code :since_epoch} as whole epoch
 * seconds (a {@code BIGINT}, for integer time columns; on SQLite, whose driver binds a timestamp as
 * milliseconds, use this one). A full run binds 1970-01-01T00:00:00Z, a
 * refresh the serving batch's high-water mark: {@code WHERE ts > :since}. The names are found by a simple
 * scan outside quotes and comments ({@link SinceParameter}); a query without them runs as written.
 *
 * @param label short name for messages, e.g. "orders query"; blank means "query"
 * @param url JDBC url
 * @param username database user, or null
 * @param password database password, or null
 * @param sql the SELECT to run
 * @param fetchSize rows per round trip
 */
public record JdbcQuery(String label, String url, String username, String password, String sql, int fetchSize)
    implements TableInput {

  public static final int DEFAULT_FETCH_SIZE = 10_000;

  public JdbcQuery {
    if (label == null || label.isBlank()) label = "query";
    if (url == null || !url.startsWith("jdbc:")) {
      throw new ConfigException("url", url, "must be a JDBC url such as jdbc:postgresql://host:5432/db");
    }
    if (sql == null || sql.isBlank()) throw new ConfigException("query", sql, "must be given");
    if (fetchSize < 1) throw new ConfigException("fetch_size", fetchSize, "must be >= 1");
  }

  /** No credentials, label "query", the default fetch size. */
  public static JdbcQuery of(String url, String sql) {
    return new JdbcQuery("query", url, null, null, sql, DEFAULT_FETCH_SIZE);
  }

  /** Reads every row: {@code :since} is bound to the start of 1970. */
  @Override public void read(RowHandler handler, BadRowCollector rows) {
    read(handler, rows, null);
  }

  /** @param since what {@code :since} and {@code :since_epoch} are bound to; null for the start of 1970 */
  public void read(RowHandler handler, BadRowCollector rows, java.time.Instant since) {
    QueryReader.read(this, handler, rows, since == null ? java.time.Instant.EPOCH : since);
  }

  /** Every label or position may be in the result; the query's metadata decides when it runs. */
  @Override public void requireFindable(String key, Column column) {}

  public JdbcQuery withLabel(String v) { return new JdbcQuery(v, url, username, password, sql, fetchSize); }
  public JdbcQuery withCredentials(String name, String pass) { return new JdbcQuery(label, url, name, pass, sql, fetchSize); }
  public JdbcQuery withSql(String v) { return new JdbcQuery(label, url, username, password, v, fetchSize); }
  public JdbcQuery withFetchSize(int v) { return new JdbcQuery(label, url, username, password, sql, v); }

  /** The url with any password parameter masked, for messages and logs. */
  public String safeUrl() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override public String toString() {
    return "JdbcQuery[label=" + label + ", url=" + safeUrl() + ", username=" + username
        + ", password=" + (password == null ? "null" : "***") + ", sql=" + sql + ", fetchSize=" + fetchSize + "]";
  }
}
