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
import java.util.UUID;
import larder.core.InputException;
import larder.core.Interactions;
import larder.core.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcSourceTest {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  static final long T1 = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();

  @TempDir Path dir;
  String table;

  @BeforeEach
  void name() {
    table = "larder_extract_" + UUID.randomUUID().toString().replace("-", "");
  }

  @AfterEach
  void dropPostgresTable() throws SQLException {
    try (Connection c = DriverManager.getConnection(PG, "postgres", null); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  static void exec(String url, String user, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
      for (String s : sql) st.execute(s);
    }
  }

  static float weight(Interactions in, String user, String item) {
    return in.byUser().get(in.users().idOf(user), in.items().idOf(item));
  }

  String sqlite() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("shop.db");
    exec(url, null,
        "CREATE TABLE " + table + " (uid INTEGER, item TEXT, w REAL, ts INTEGER, tstext TEXT)",
        "INSERT INTO " + table + " VALUES (1, 'apple', 2.0, " + T1 + ", '2024-03-01T12:00:00Z')",
        "INSERT INTO " + table + " VALUES (1, 'apple', 1.5, " + (T1 + 60) + ", '2024-03-01 12:01:00')",
        "INSERT INTO " + table + " VALUES (2, 'pear', 4, " + T1 + ", '20240301')",
        "INSERT INTO " + table + " VALUES (NULL, 'pear', 1, " + T1 + ", NULL)",
        "INSERT INTO " + table + " VALUES (3, 'pear', 'lots', " + T1 + ", NULL)",
        "INSERT INTO " + table + " VALUES (4, 'fig', 1, NULL, 'soon')");
    return url;
  }

  @Test
  void sqliteByLabelsWithBadRows() throws SQLException {
    String url = sqlite();
    JdbcSpec spec = JdbcSpec.of(url, "SELECT uid, item, w, ts FROM " + table + " ORDER BY rowid", "uid", "item")
        .withLabel("orders").withWeight(Column.named("w")).withTimestamp(Column.named("ts")).withMaxBadRows(2);
    ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
    Interactions in = r.interactions();
    assertThat(r.rowsRead()).isEqualTo(6);
    assertThat(r.badRows()).isEqualTo(2);
    assertThat(r.rowsKept()).isEqualTo(4);
    assertThat(r.duplicatesMerged()).isEqualTo(1);
    assertThat(weight(in, "1", "apple")).isEqualTo(3.5f);
    assertThat(weight(in, "2", "pear")).isEqualTo(4f);
    assertThat(in.users().idOf("4")).isNotNegative(); // a NULL time is no time, not a bad row
    assertThat(r.badRowSamples()).containsExactly("orders:4: field 'uid': NULL id",
        "orders:5: field 'w': 'lots' is not a number");
    assertThat(r.lastSeen()).contains(T1 + 60, T1, InteractionsBuilder.NO_TIME);

    assertThatThrownBy(() -> new JdbcSource(spec.withMaxBadRows(1)).read(Progress.NONE))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).startsWith("orders:4: field 'uid': NULL id")
              .contains("2 bad rows seen, more than max_bad_rows = 1");
          assertThat(e.hint()).contains("nothing was published");
        });
  }

  @Test
  void sqliteByPositionsWithTextTimes() throws SQLException {
    String url = sqlite();
    JdbcSpec spec = JdbcSpec.of(url, "SELECT uid, item, tstext FROM " + table + " WHERE uid IN (1, 2, 4)", "1", "2")
        .withTimestamp(Column.at(3)).withMaxBadRows(1);
    ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
    assertThat(r.rowsKept()).isEqualTo(3);
    assertThat(weight(r.interactions(), "1", "apple")).isEqualTo(2f);
    assertThat(r.lastSeen()).contains(T1 + 60, Instant.parse("2024-03-01T00:00:00Z").getEpochSecond());
    assertThat(r.badRowSamples()).singleElement().asString().contains("field 'tstext': 'soon' is not a date or time");
  }

  @Test
  void postgresTypesAndColumns() throws SQLException {
    exec(PG, "postgres",
        "CREATE TABLE " + table + " (customer bigint, sku text, qty numeric(10,2), at_tz timestamptz,"
            + " at_local timestamp, on_day date)",
        "INSERT INTO " + table + " VALUES (10, 'A-1', 2.50, '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', '2024-03-01'),"
            + " (10, 'A-1', 1, '2024-03-01T13:00:00+01:00', '2024-03-01 12:00:00', '2024-03-01'),"
            + " (11, 'B-2', 3, NULL, NULL, NULL), (12, NULL, 1, NULL, NULL, NULL)");
    java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
    // A JVM far from UTC: timestamps without zone must still read as UTC wall-clock time.
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
    try {
      readPostgresTimes();
    } finally {
      java.util.TimeZone.setDefault(jvmZone);
    }
    JdbcSpec days = JdbcSpec.of(PG, "SELECT customer, sku, on_day FROM " + table + " WHERE sku IS NOT NULL",
        "customer", "sku").withCredentials("postgres", null).withTimestamp(Column.named("on_day"));
    assertThat(new JdbcSource(days).read(Progress.NONE).lastSeen())
        .contains(Instant.parse("2024-03-01T00:00:00Z").getEpochSecond());
  }

  @Test
  void typedPostgresTimesPassTheTimeWindowLikeText() throws SQLException {
    exec(PG, "postgres",
        "CREATE TABLE " + table + " (u text, i text, at_tz timestamptz, at_local timestamp, on_day date)",
        "INSERT INTO " + table + " VALUES ('a', 'x', '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', '2024-03-01'),"
            + " ('b', 'y', '9999-12-31T23:59:59+00:00', '9999-12-31 23:59:59', '9999-12-31'),"
            + " ('c', 'z', '1969-07-20T20:17:00Z', '1969-07-20 20:17:00', '1969-07-20')");
    for (String col : List.of("at_tz", "at_local", "on_day")) {
      JdbcSpec spec = JdbcSpec.of(PG, "SELECT u, i, " + col + " FROM " + table + " ORDER BY u", "u", "i")
          .withCredentials("postgres", null).withTimestamp(Column.named(col)).withMaxBadRows(2);
      ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
      assertThat(r.rowsKept()).as(col).isEqualTo(1);
      assertThat(r.badRowSamples()).as(col).satisfiesExactly(
          m -> assertThat(m).startsWith("query:2: field '" + col + "': '9999-12-31").contains("' is after "),
          m -> assertThat(m).startsWith("query:3: field '" + col + "': '1969-07-20")
              .contains("' is before 1970-01-01T00:00:00Z"));
    }
  }

  private void readPostgresTimes() {
    for (String col : List.of("at_tz", "at_local")) {
      JdbcSpec spec = new JdbcSpec("pg " + col, PG, "postgres", null,
          "SELECT customer AS \"User\", sku, qty, " + col + " FROM " + table, 2, Column.named("user"),
          Column.named("sku"), Column.at(3), Column.named(col), new ReadOptions(1, Float.NEGATIVE_INFINITY, false));
      ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
      assertThat(r.rowsRead()).isEqualTo(4);
      assertThat(r.rowsKept()).isEqualTo(3);
      assertThat(weight(r.interactions(), "10", "A-1")).isEqualTo(3.5f);
      assertThat(r.lastSeen()).as(col).contains(T1, InteractionsBuilder.NO_TIME);
      assertThat(r.badRowSamples()).containsExactly("pg " + col + ":4: field 'sku': NULL id");
    }
  }

  @Test
  void postgresStreamsWithACursorAndReportsProgress() {
    JdbcSpec spec = JdbcSpec.of(PG, "SELECT g % 1000 AS u, g % 97 AS i FROM generate_series(1, 250000) g", "u", "i")
        .withCredentials("postgres", null).withFetchSize(5_000);
    List<Long> seen = new ArrayList<>();
    ExtractResult r = new JdbcSource(spec).read((phase, done, total, unit) -> seen.add(done));
    assertThat(r.rowsRead()).isEqualTo(250_000);
    assertThat(seen).startsWith(100_000L, 200_000L).endsWith(250_000L);
    assertThat(r.interactions().userCount()).isEqualTo(1000);
    double total = 0;
    for (float v : r.interactions().byUser().vals()) total += v;
    assertThat(total).isEqualTo(250_000.0);
  }

  @Test
  void connectionAndSqlErrorsNameTheQuery() throws SQLException {
    String url = sqlite();
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of(url, "SELECT * FROM no_such_table", "1", "2")
        .withLabel("nightly")).read(Progress.NONE))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).startsWith("nightly: query failed").contains("no_such_table");
          assertThat(e.getCause()).isInstanceOf(SQLException.class);
        });
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of(PG, "SELECT 1 FROM " + table, "1", "1")
        .withCredentials("postgres", null).withLabel("pg")).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("pg: query failed").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of("jdbc:postgresql://127.0.0.1:1/test?password=sekret",
        "SELECT 1", "1", "1").withLabel("remote")).read(Progress.NONE))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).startsWith("remote: cannot connect to").contains("password=***")
              .doesNotContain("sekret");
          assertThat(e.hint()).contains("url");
        });
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of("jdbc:nosuchdb:x", "SELECT 1", "1", "1")).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("cannot connect");
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of(url, "SELECT uid, item FROM " + table, "user_id", "item"))
        .read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("unknown column 'user_id'")
        .hasMessageContaining("uid, item");
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of(url, "SELECT uid, item FROM " + table, "1", "3"))
        .read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("beyond the query's 2 columns");
    assertThatThrownBy(() -> new JdbcSource(JdbcSpec.of(url, "SELECT uid, item FROM " + table + " WHERE 0", "1", "2"))
        .read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("no interactions");
  }

  @Test
  void specHidesThePassword() {
    JdbcSpec s = JdbcSpec.of(PG, "SELECT 1", "1", "1").withCredentials("postgres", "hunter2");
    assertThat(s.toString()).doesNotContain("hunter2");
    assertThatThrownBy(() -> JdbcSpec.of("postgres://x", "SELECT 1", "1", "1"))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> JdbcSpec.of(PG, "SELECT 1", "1", "1").withFetchSize(0))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("fetch_size");
  }
}
