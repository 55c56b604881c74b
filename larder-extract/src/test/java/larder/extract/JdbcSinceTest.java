package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import larder.core.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries read for a refresh on real SQLite and PostgreSQL: {@code :since} and {@code :since_epoch} bound to the
 * high-water mark (the start of 1970 on a full read), and rows at or before the mark skipped even when the
 * query lets them through.
 */
class JdbcSinceTest {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  static final long T = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();
  static final Instant MARK = Instant.ofEpochSecond(T);

  @TempDir Path dir;
  String table;

  @BeforeEach
  void name() {
    table = "larder_since_" + UUID.randomUUID().toString().replace("-", "");
  }

  @AfterEach
  void dropPostgresTable() throws SQLException {
    exec(PG, "postgres", "DROP TABLE IF EXISTS " + table);
  }

  static void exec(String url, String user, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, null); Statement st = c.createStatement()) {
      for (String s : sql) st.execute(s);
    }
  }

  static ExtractResult read(JdbcSpec spec, Instant after) {
    return new JdbcSource(spec).after(after).read(Progress.NONE);
  }

  String sqlite() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("shop.db");
    exec(url, null, "CREATE TABLE " + table + " (uid TEXT, item TEXT, ts INTEGER)",
        "INSERT INTO " + table + " VALUES ('a', 'x', " + (T - 3600) + "), ('a', 'y', " + T + "),"
            + " ('b', 'x', " + (T + 1) + "), ('c', 'z', " + (T + 7200) + ")");
    return url;
  }

  @Test
  void sqliteSinceEpochSelectsTheNewRowsAndAFullReadGetsAll() throws SQLException {
    String url = sqlite();
    JdbcSpec spec = JdbcSpec.of(url, "SELECT uid, item, ts FROM " + table + " WHERE ts > :since_epoch -- not :since",
        "uid", "item").withTimestamp(Column.named("ts"));
    ExtractResult refresh = read(spec, MARK);
    assertThat(refresh.rowsRead()).as("the query filtered").isEqualTo(2);
    assertThat(refresh.rowsKept()).isEqualTo(2);
    assertThat(refresh.interactions().users().idOf("b")).isNotNegative();
    assertThat(refresh.interactions().users().idOf("a")).isNegative();
    ExtractResult full = read(spec, null);
    assertThat(full.rowsRead()).isEqualTo(4);
    assertThat(full.rowsKept()).isEqualTo(4);
    assertThat(new JdbcSource(spec).read(Progress.NONE).rowsKept()).isEqualTo(4);
  }

  @Test
  void rowsTheQueryLetsThroughAtTheMarkAreSkippedInJava() throws SQLException {
    String url = sqlite();
    JdbcSpec spec = JdbcSpec.of(url, "SELECT uid, item, ts FROM " + table + " WHERE ts >= :since_epoch - 3600",
        "uid", "item").withTimestamp(Column.named("ts"));
    ExtractResult r = read(spec, MARK);
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.rowsBefore()).isEqualTo(2);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.badRows()).isZero();
    assertThat(r.newest()).isEqualTo(Instant.ofEpochSecond(T + 7200));
  }

  @Test
  void aParameterInAStringOrAfterACastIsLeftAlone() throws SQLException {
    String url = sqlite();
    JdbcSpec spec = JdbcSpec.of(url, "SELECT uid, item, ts, ':since' AS note FROM " + table
        + " /* :since */ WHERE ts > :since_epoch AND note = ':since'", "uid", "item").withTimestamp(Column.named("ts"));
    assertThat(read(spec, MARK).rowsKept()).isEqualTo(2);
  }

  @Test
  void postgresSinceComparesWithZonedAndLocalTimestamps() throws SQLException {
    exec(PG, "postgres", "CREATE TABLE " + table + " (u text, i text, at_tz timestamptz, at_local timestamp, at_s bigint)",
        "INSERT INTO " + table + " VALUES"
            + " ('a', 'x', '2024-03-01T11:00:00Z', '2024-03-01 11:00:00', " + (T - 3600) + "),"
            + " ('a', 'y', '2024-03-01T12:00:00Z', '2024-03-01 12:00:00', " + T + "),"
            + " ('b', 'x', '2024-03-01T13:00:01+01:00', '2024-03-01 12:00:01', " + (T + 1) + "),"
            + " ('c', 'z', '2024-03-01T14:00:00Z', '2024-03-01 14:00:00', " + (T + 7200) + ")");
    java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
    // A JVM far from UTC: :since must still mean the same instant.
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
    try {
      for (String where : new String[] {"at_tz > :since", "at_local > :since", "at_s > :since_epoch",
          "at_tz > :SINCE::timestamptz"}) {
        String col = where.substring(0, where.indexOf(' '));
        JdbcSpec spec = JdbcSpec.of(PG, "SELECT u, i, " + col + " FROM " + table + " WHERE " + where, "u", "i")
            .withCredentials("postgres", null).withTimestamp(Column.named(col));
        ExtractResult r = read(spec, MARK);
        assertThat(r.rowsRead()).as(where).isEqualTo(2);
        assertThat(r.rowsKept()).as(where).isEqualTo(2);
        assertThat(r.newest()).as(where).isEqualTo(Instant.ofEpochSecond(T + 7200));
        assertThat(read(spec, null).rowsKept()).as(where + ", full").isEqualTo(4);
      }
    } finally {
      java.util.TimeZone.setDefault(jvmZone);
    }
  }
}
