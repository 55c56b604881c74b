package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import larder.store.postgres.PostgresDialect;
import larder.store.sqlite.SqliteDialect;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 10 on SQLite and PostgreSQL: a version 9 store upgraded in place keeps serving the same rows and
 * views; users' histories round-trip in bulk and by upsert; the delta's rows replace a user's base list in the
 * views; {@link Store#dropRows} removes a base's histories and delta.
 */
class RefreshStoreTest {
  @TempDir Path dir;

  @Test void aVersion9SqliteStoreKeepsServingAndRefreshes() throws Exception {
    String file = dir.resolve("v9.db").toString();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      createVersion9(c, new SqliteDialect(), "'2024-05-01T03:00:00.000000Z'");
    }
    assertUpgradedAndRefreshable(file, "jdbc:sqlite:" + file);
  }

  @Test void aVersion9PostgresSchemaKeepsServingAndRefreshes() throws Exception {
    try (PgSchema pg = new PgSchema()) {
      try (Connection c = DriverManager.getConnection(pg.url)) {
        createVersion9(c, new PostgresDialect(), "'2024-05-01T03:00:00Z'");
      }
      assertUpgradedAndRefreshable(pg.url, pg.url);
    }
  }

  @Test void sqliteHistoriesRoundTrip() throws Exception {
    try (Store s = Store.open(dir.resolve("h.db").toString())) {
      assertHistoriesRoundTrip(s);
    }
  }

  @Test void postgresHistoriesRoundTrip() throws Exception {
    try (PgSchema pg = new PgSchema(); Store s = Store.open(pg.url)) {
      assertHistoriesRoundTrip(s);
    }
  }

  /** Job 'shop' serving batch 1 at version 9: u1 i1 i2 i3, u2 i4 i5 (ids with a tab and a backslash). */
  private static void createVersion9(Connection c, Dialect d, String created) throws SQLException {
    for (int v = 0; v <= 9; v++) Store.execute(c, d.migration(v).toArray(String[]::new));
    for (int v = 1; v <= 9; v++) {
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (" + v + ", " + created + ")");
    }
    if (d.kind() == Dialect.Kind.POSTGRES) {
      Store.execute(c, "CREATE TABLE larder_rec_rows_1 PARTITION OF larder_rec_rows FOR VALUES IN (1)");
    }
    Store.execute(c, "INSERT INTO larder_batch (job, kind, model, created_at, published_at, status, users, rec_rows)"
            + " VALUES ('shop', 'recommendations', 'als', " + created + ", " + created + ", 'published', 2, 5)",
        "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('shop', 1, " + created + ")",
        "INSERT INTO larder_rec_rows (batch_id, user_id, rank, item_id, score) VALUES"
            + " (1, 'u1', 1, 'i1', 0.9), (1, 'u1', 2, 'i2', 0.8), (1, 'u1', 3, 'i3', 0.7),"
            + " (1, 'u2', 1, 'i4', 0.5), (1, 'u2', 2, 'i5', 0.25)");
  }

  private static void assertUpgradedAndRefreshable(String db, String url) throws Exception {
    List<String> before;
    List<String> batchesBefore;
    try (Connection c = DriverManager.getConnection(url)) {
      before = rows(c, "larder_recommendations");
      batchesBefore = batches(c);
    }
    try (Store s = Store.open(db)) {
      assertThat(Schema.version(s)).isEqualTo(Schema.VERSION).isEqualTo(10);
      try (Connection c = s.connection()) {
        assertThat(rows(c, "larder_recommendations")).isEqualTo(before).hasSize(5);
        assertThat(rows(c, "larder_recommendations_fresh")).isEqualTo(before);
        List<String> batches = batches(c);
        assertThat(batches.subList(0, batches.size() - 1)).as("every column as it was, in order")
            .isEqualTo(batchesBefore);
        assertThat(columns(c)).endsWith("data_until", "base_batch_id");
        assertThat(batches.get(batches.size() - 1)).isEqualTo("base_batch_id=null");
      }
      // a refresh against batch 1, written by hand as RefreshLoader does: batch 2 re-scores u2 and a new user
      // whose id needs escaping in COPY
      String odd = "new\tuser\\x";
      s.write("refresh", c -> {
        Store.execute(c, "INSERT INTO larder_batch (job, kind, model, created_at, status, base_batch_id) VALUES"
            + " ('shop', 'recommendations', 'als', '2024-05-02T00:00:00Z', 'published', 1)",
            "UPDATE larder_current SET refresh_id = 2");
        assertThat(RecDelta.delete(c, s.dialect(), 1, List.of("u2", odd))).isZero();
        RecDelta.insert(c, s.dialect(), 1, 2, List.of(
            new RecDelta.UserList("u2", List.of("i9"), new float[] {0.125f}),
            new RecDelta.UserList(odd, List.of("i\\7", "i8"), new float[] {2f, 1f})));
        return null;
      });
      try (Connection c = s.connection()) {
        assertThat(rows(c, "larder_recommendations")).containsExactly(odd + " 1 i\\7 2.0 2", odd + " 2 i8 1.0 2",
            "u1 1 i1 0.9 1", "u1 2 i2 0.8 1", "u1 3 i3 0.7 1", "u2 1 i9 0.125 2");
        assertThat(batches(c, "SELECT batch_id FROM larder_batches WHERE is_current ORDER BY batch_id"))
            .containsExactly("batch_id=1", "batch_id=2");
      }
      s.write("refresh again", c -> {
        assertThat(RecDelta.delete(c, s.dialect(), 1, List.of("u2"))).as("the list and its marker").isEqualTo(2);
        RecDelta.insert(c, s.dialect(), 1, 2, List.of(new RecDelta.UserList("u2", List.of(), new float[0])));
        return null;
      });
      try (Connection c = s.connection()) {
        assertThat(rows(c, "larder_recommendations")).as("u2's emptied list hides the base's")
            .noneMatch(r -> r.startsWith("u2 ")).hasSize(5);
      }
      s.dropRows(1);
      assertThat(count(s, "SELECT count(*) FROM larder_rec_delta")).isZero();
    }
  }

  private static void assertHistoriesRoundTrip(Store s) {
    int n = 10_000;
    Random rnd = new Random(11);
    byte[][] h = new byte[n][];
    for (int u = 0; u < n; u++) {
      h[u] = new byte[rnd.nextInt(64)];
      rnd.nextBytes(h[u]);
    }
    UserHistories histories = new UserHistories(s);
    histories.write(7, n, u -> "user-" + u, u -> u == 3 ? null : h[u]);
    histories.write(8, 2, u -> "user-" + u, u -> new byte[] {(byte) u});

    List<String> wanted = new ArrayList<>();
    for (int k = 0; k < 1_200; k++) wanted.add("user-" + rnd.nextInt(n));
    wanted.add("user-3");
    wanted.add("nobody");
    Map<String, byte[]> got = histories.read(7, wanted);
    for (String u : wanted) {
      int i = u.startsWith("user-") ? Integer.parseInt(u.substring(5)) : -1;
      if (i < 0 || i == 3) assertThat(got).doesNotContainKey(u);
      else assertThat(got.get(u)).as(u).isEqualTo(h[i]);
    }
    assertThat(histories.read(8, List.of("user-0", "user-1", "user-2")))
        .containsOnlyKeys("user-0", "user-1");

    Map<String, byte[]> changed = new HashMap<>();
    changed.put("user-5", "five".getBytes(StandardCharsets.UTF_8));
    changed.put("user-new", new byte[0]);
    s.write("upsert", c -> {
      UserHistories.upsert(c, s.dialect(), 7, changed);
      UserHistories.upsert(c, s.dialect(), 9, Map.of("user-x", new byte[] {1})); // a base without histories yet
      return null;
    });
    Map<String, byte[]> again = histories.read(7, List.of("user-5", "user-new", "user-6"));
    assertThat(new String(again.get("user-5"), StandardCharsets.UTF_8)).isEqualTo("five");
    assertThat(again.get("user-new")).isEmpty();
    assertThat(again.get("user-6")).isEqualTo(h[6]);
    assertThat(histories.read(9, List.of("user-x"))).containsOnlyKeys("user-x");

    s.dropRows(7);
    assertThat(histories.read(7, List.of("user-5", "user-6"))).isEmpty();
    assertThat(histories.read(8, List.of("user-0"))).containsOnlyKeys("user-0");
    assertThat(count(s, "SELECT count(*) FROM larder_user_history")).isEqualTo(3);
  }

  private static long count(Store s, String sql) {
    return s.read("count", c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static List<String> rows(Connection c, String view) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT user_id, rank, item_id, score,"
        + " batch_id FROM " + view + " WHERE job = 'shop' ORDER BY user_id, rank")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3) + " " + rs.getFloat(4) + " "
            + rs.getLong(5));
      }
    }
    return out;
  }

  private static List<String> batches(Connection c) throws SQLException {
    return batches(c, "SELECT * FROM larder_batches");
  }

  /** Every column of every row of {@code sql}, "name=value", values as text. */
  private static List<String> batches(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object v = rs.getObject(i);
          String text = v instanceof Boolean b ? (b ? "1" : "0") : String.valueOf(v);
          out.add(rs.getMetaData().getColumnName(i) + "=" + text);
        }
      }
    }
    return out;
  }

  private static List<String> columns(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM larder_batches")) {
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.add(rs.getMetaData().getColumnName(i));
      return Arrays.asList(out.toArray(String[]::new));
    }
  }
}
