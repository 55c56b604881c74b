package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import larder.core.FeatureTable;
import larder.core.InputException;
import larder.core.Progress;
import larder.core.Transactions;
import larder.extract.formats.Timestamps;
import larder.extract.table.JdbcQuery;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions and feature tables from queries, on real SQLite files and PostgreSQL. */
class SegmentationJdbcTest {
  static final long T1 = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();
  static final long DAY = Instant.parse("2024-03-01T00:00:00Z").getEpochSecond();
  static PgSchema pg;

  @TempDir Path dir;

  @BeforeAll
  static void schema() throws SQLException {
    pg = new PgSchema();
    exec(pg.url,
        "CREATE TABLE orders (customer text, order_no bigint, at_tz timestamptz, at_local timestamp, on_day date,"
            + " total numeric(10,2))",
        "INSERT INTO orders VALUES"
            + " ('00001', 1, '2024-03-01T13:00:00+01:00', '2024-03-01 12:00:00', '2024-03-01', 11.77),"
            + " ('00001', 1, '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', '2024-03-01', 3.00),"
            + " ('00002', 2, '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', '2024-03-01', -3.50),"
            + " ('00003', NULL, '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', '2024-03-01', NULL),"
            + " ('00004', 4, NULL, NULL, NULL, 1)",
        "CREATE TABLE features (customer_id bigint, recency integer, frequency double precision, monetary numeric)",
        "INSERT INTO features VALUES (7, 10, 3, 120.50), (8, 200, 1, 15), (7, 1, 1, 1), (9, NULL, 2, 2), (10, 5, 12, 1000)");
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  static void exec(String url, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      for (String s : sql) st.execute(s);
    }
  }

  static String customer(Transactions t, int row) {
    return t.customers().name(t.customer(row));
  }

  @Test
  void postgresTransactionsByTypedTimeColumns() {
    TimeZone jvmZone = TimeZone.getDefault();
    // A JVM far from UTC: timestamps without zone must still read as UTC wall-clock time.
    TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
    try {
      for (String col : List.of("at_tz", "at_local", "on_day")) {
        JdbcQuery q = new JdbcQuery("orders " + col, pg.url, null, null,
            "SELECT customer, order_no, " + col + ", total FROM orders ORDER BY customer, total", 2);
        TransactionsResult r = new TableTransactionSource(TransactionSpec.of(q, "customer", col, "total")
            .withOrder(Column.named("ORDER_NO")).withMaxBadRows(2)).read(Progress.NONE);
        Transactions t = r.transactions();
        long expected = col.equals("on_day") ? DAY : T1;
        assertThat(r.rowsRead()).isEqualTo(5);
        assertThat(r.rowsKept()).as(col).isEqualTo(3);
        assertThat(List.of(customer(t, 0), customer(t, 1), customer(t, 2))).containsExactly("00001", "00001", "00002");
        assertThat(new long[] {t.epochSecond(0), t.epochSecond(1), t.epochSecond(2)}).as(col)
            .containsOnly(expected);
        assertThat(new double[] {t.amount(0), t.amount(1), t.amount(2)}).containsExactly(3.00, 11.77, -3.5);
        assertThat(t.orderKey(0)).isEqualTo(t.orderKey(1)).isNotEqualTo(t.orderKey(2));
        assertThat(r.badRowSamples()).containsExactly(
            "orders " + col + ":4: field 'total': NULL, expected a number",
            "orders " + col + ":5: field '" + col + "': NULL, expected a date or time");
      }
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  @Test
  void postgresStreamsTransactionsThroughACursor() {
    // 120,000 rows in batches of 5,000: progress arrives while rows stream.
    JdbcQuery q = new JdbcQuery("series", pg.url, null, null,
        "SELECT 'c' || (g % 1000) AS customer, 1700000000 + g AS at, (g % 7) - 1 AS amount"
            + " FROM generate_series(1, 120000) g", 5_000);
    List<Long> seen = new ArrayList<>();
    TransactionsResult r = new TableTransactionSource(TransactionSpec.of(q, "customer", "at", "amount"))
        .read((phase, done, total, unit) -> seen.add(done));
    assertThat(seen).containsExactly(100_000L, 120_000L);
    Transactions t = r.transactions();
    assertThat(t.size()).isEqualTo(120_000);
    assertThat(t.customerCount()).isEqualTo(1000);
    double sum = 0;
    long expectedSum = 0;
    for (int k = 0; k < t.size(); k++) sum += t.amount(k);
    for (int g = 1; g <= 120_000; g++) expectedSum += (g % 7) - 1;
    assertThat(sum).isEqualTo((double) expectedSum);
    assertThat(t.epochSecond(119_999)).isEqualTo(1_700_120_000L);

    // A row that fails on the server fails its batch only: with a cursor the rows before it were already read.
    JdbcQuery failing = q.withSql("SELECT 'c' || g AS customer, g AS at, 1.0 / (5000 - g) AS amount"
        + " FROM generate_series(1, 6000) g").withFetchSize(100);
    assertThatThrownBy(() -> new TableTransactionSource(TransactionSpec.of(failing, "1", "2", "3")).read(Progress.NONE))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).startsWith("series:4900: query failed after 4900 rows").contains("division by zero");
          assertThat(e.getCause()).isInstanceOf(SQLException.class);
        });
  }

  @Test
  void postgresFeatureTable() {
    JdbcQuery q = new JdbcQuery("features", pg.url, null, null, "SELECT * FROM features", 2);
    FeatureResult r = new TableFeatureSource(FeatureSpec.of(q, "customer_id", "monetary", "2", "frequency")
        .withMaxBadRows(2)).read(Progress.NONE);
    FeatureTable t = r.table();
    assertThat(t.names()).containsExactly("monetary", "recency", "frequency");
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.customers().name(2)).isEqualTo("10");
    assertThat(t.values()).containsExactly(120.5, 10, 3, 15, 200, 1, 1000, 5, 12);
    assertThat(r.badRowSamples()).containsExactly(
        "features:3: field 'customer_id': '7' already appeared on row 1",
        "features:4: field 'recency': NULL, expected a number");
  }

  String sqlite() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("shop.db");
    exec(url,
        "CREATE TABLE tx (cust TEXT, ord TEXT, ts INTEGER, day TEXT, amt REAL)",
        "INSERT INTO tx VALUES ('00001', 'A', " + T1 + ", '2024-03-01', 11.77)",
        "INSERT INTO tx VALUES ('00001', 'A', " + T1 + ", '20240301', 1e3)",
        "INSERT INTO tx VALUES ('00002', NULL, " + (T1 + 60) + ", '2024-03-01 12:01:00', -2)",
        "INSERT INTO tx VALUES ('   ', 'B', " + T1 + ", '2024-03-01', 5)",
        "INSERT INTO tx VALUES ('00003', 'C', " + T1 + ", '1997-13-45', 5)",
        "INSERT INTO tx VALUES ('00004', 'D', " + T1 + ", '2024-03-01', 'abc')",
        "CREATE TABLE feats (cust INTEGER, a REAL, b TEXT)",
        "INSERT INTO feats VALUES (1, 0.5, '2'), (2, 1.5, 'x'), (3, 2.5, '-1e2'), (1, 9, '9')");
    return url;
  }

  @Test
  void sqliteTransactionsByLabelsAndPositions() throws SQLException {
    String url = sqlite();
    JdbcQuery q = JdbcQuery.of(url, "SELECT cust, ord, ts, day, amt FROM tx ORDER BY rowid").withLabel("tx");
    TransactionsResult byTs = new TableTransactionSource(TransactionSpec.of(q, "cust", "ts", "amt")
        .withOrder(Column.named("ord")).withMaxBadRows(3)).read(Progress.NONE);
    Transactions t = byTs.transactions();
    assertThat(t.size()).isEqualTo(4);
    assertThat(new double[] {t.amount(0), t.amount(1), t.amount(2), t.amount(3)}).containsExactly(11.77, 1000, -2, 5);
    assertThat(t.orderKey(0)).isEqualTo(t.orderKey(1));
    assertThat(t.epochSecond(2)).isEqualTo(T1 + 60);
    assertThat(byTs.badRowSamples()).containsExactly("tx:4: field 'cust': empty id",
        "tx:6: field 'amt': 'abc' is not a number");

    TransactionsResult byDay = new TableTransactionSource(TransactionSpec.of(q, "1", "4", "5").withMaxBadRows(3))
        .read(Progress.NONE);
    assertThat(byDay.rowsKept()).isEqualTo(3);
    assertThat(byDay.transactions().epochSecond(1)).isEqualTo(DAY);
    assertThat(byDay.transactions().epochSecond(2)).isEqualTo(T1 + 60);
    assertThat(byDay.badRowSamples()).contains(
        "tx:5: field 'day': '1997-13-45' is not a date or time; accepted: " + Timestamps.ACCEPTED);

    assertThatThrownBy(() -> new TableTransactionSource(TransactionSpec.of(q, "cust", "ts", "amount"))
        .read(Progress.NONE)).isInstanceOf(InputException.class)
        .hasMessage("tx: unknown column 'amount'; the query returns: cust, ord, ts, day, amt");
    assertThatThrownBy(() -> new TableTransactionSource(TransactionSpec.of(q.withSql("SELECT * FROM tx WHERE 0"),
        "cust", "ts", "amt")).read(Progress.NONE)).isInstanceOf(InputException.class)
        .hasMessage("tx: no transactions: no data rows");
  }

  @Test
  void sqliteFeatureTable() throws SQLException {
    String url = sqlite();
    JdbcQuery q = JdbcQuery.of(url, "SELECT cust, a, b FROM feats ORDER BY rowid").withLabel("feats");
    FeatureResult r = new TableFeatureSource(FeatureSpec.of(q, "cust", "b", "a").withMaxBadRows(2))
        .read(Progress.NONE);
    assertThat(r.table().names()).containsExactly("b", "a");
    assertThat(r.table().values()).containsExactly(2, 0.5, -100, 2.5);
    assertThat(r.badRowSamples()).containsExactly("feats:2: field 'b': 'x' is not a number",
        "feats:4: field 'cust': '1' already appeared on row 1");
    assertThatThrownBy(() -> new TableFeatureSource(FeatureSpec.of(q, "cust", "b", "a")).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageStartingWith("feats:2: field 'b': 'x' is not a number (1 bad row");
  }
}
