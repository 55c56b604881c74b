package larder.extract;

import larder.core.ConfigException;
import larder.extract.table.JdbcQuery;

/**
 * A SQL query whose rows are interactions, streamed with a fetch size (on PostgreSQL autocommit is off so
 * the fetch size opens a cursor instead of loading the whole result).
 *
 * @param label short name for messages, e.g. "orders query"
 * @param url JDBC url
 * @param username database user, or null
 * @param password database password, or null
 * @param query the SELECT to run
 * @param fetchSize rows per round trip
 * @param user the user id column, by label or 1-based position
 * @param item the item id column
 * @param weight the weight column, or null for weight 1 per row
 * @param timestamp the time column, or null; SQL timestamps without zone are read as UTC, numbers as
 *     epoch seconds, text as in {@link larder.extract.formats.Timestamps}; NULL means no time
 * @param options bad-row limit, minimum weight, binary
 */
public record JdbcSpec(String label, String url, String username, String password, String query, int fetchSize,
    Column user, Column item, Column weight, Column timestamp, ReadOptions options) {

  public static final int DEFAULT_FETCH_SIZE = JdbcQuery.DEFAULT_FETCH_SIZE;

  public JdbcSpec {
    label = new JdbcQuery(label, url, username, password, query, fetchSize).label();
    if (user == null) throw new ConfigException("user", null, "the user column must be given");
    if (item == null) throw new ConfigException("item", null, "the item column must be given");
    if (options == null) options = ReadOptions.DEFAULT;
  }

  /** The connection, SQL and fetch size: what the rows are read from. */
  public JdbcQuery jdbcQuery() {
    return new JdbcQuery(label, url, username, password, query, fetchSize);
  }

  /** No credentials, the default fetch size, weight 1 per row, no time. Columns as labels or positions ("1"). */
  public static JdbcSpec of(String url, String query, String user, String item) {
    return new JdbcSpec("query", url, null, null, query, DEFAULT_FETCH_SIZE, Column.parse(user), Column.parse(item),
        null, null, ReadOptions.DEFAULT);
  }

  public JdbcSpec withLabel(String v) { return new JdbcSpec(v, url, username, password, query, fetchSize, user, item, weight, timestamp, options); }
  public JdbcSpec withCredentials(String name, String pass) { return new JdbcSpec(label, url, name, pass, query, fetchSize, user, item, weight, timestamp, options); }
  public JdbcSpec withQuery(String v) { return new JdbcSpec(label, url, username, password, v, fetchSize, user, item, weight, timestamp, options); }
  public JdbcSpec withFetchSize(int v) { return new JdbcSpec(label, url, username, password, query, v, user, item, weight, timestamp, options); }
  public JdbcSpec withUser(Column v) { return new JdbcSpec(label, url, username, password, query, fetchSize, v, item, weight, timestamp, options); }
  public JdbcSpec withItem(Column v) { return new JdbcSpec(label, url, username, password, query, fetchSize, user, v, weight, timestamp, options); }
  public JdbcSpec withWeight(Column v) { return new JdbcSpec(label, url, username, password, query, fetchSize, user, item, v, timestamp, options); }
  public JdbcSpec withTimestamp(Column v) { return new JdbcSpec(label, url, username, password, query, fetchSize, user, item, weight, v, options); }
  public JdbcSpec withOptions(ReadOptions v) { return new JdbcSpec(label, url, username, password, query, fetchSize, user, item, weight, timestamp, v); }
  public JdbcSpec withMaxBadRows(long v) { return withOptions(options.withMaxBadRows(v)); }
  public JdbcSpec withMinWeight(float v) { return withOptions(options.withMinWeight(v)); }
  public JdbcSpec withBinary(boolean v) { return withOptions(options.withBinary(v)); }

  /** The url with any password parameter masked, for messages and logs. */
  public String safeUrl() {
    return jdbcQuery().safeUrl();
  }

  @Override public String toString() {
    return "JdbcSpec[label=" + label + ", url=" + safeUrl() + ", username=" + username
        + ", password=" + (password == null ? "null" : "***") + ", query=" + query + ", fetchSize=" + fetchSize
        + ", user=" + user + ", item=" + item + ", weight=" + weight + ", timestamp=" + timestamp
        + ", options=" + options + "]";
  }
}
