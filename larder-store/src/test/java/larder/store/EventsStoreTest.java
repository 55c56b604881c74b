package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.store.postgres.PostgresDialect;
import larder.store.sqlite.SqliteDialect;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events table and the fresh view on a store upgraded from version 6, written with the INSERT the schema
 * documents for applications, on SQLite and PostgreSQL.
 */
class EventsStoreTest {
  @TempDir Path dir;

  @Test void aVersion6SqliteStoreGainsEventsAndTheFreshView() throws Exception {
    String file = dir.resolve("v6.db").toString();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      createVersion6(c, new SqliteDialect(), "'2024-05-01T03:00:00.000000Z'");
    }
    assertEventsHideRows(file, "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'",
        "ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = MAX(larder_events.at, excluded.at)",
        "'2024-04-01T00:00:00.000000Z'");
  }

  @Test void aVersion6PostgresSchemaGainsEventsAndTheFreshView() throws Exception {
    try (PgSchema pg = new PgSchema()) {
      try (Connection c = DriverManager.getConnection(pg.url)) {
        createVersion6(c, new PostgresDialect(), "'2024-05-01T03:00:00Z'");
      }
      assertEventsHideRows(pg.url, "now()",
          "ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = GREATEST(larder_events.at, EXCLUDED.at)",
          "'2024-04-01T00:00:00Z'");
    }
  }

  /** A store as version 6 left it: job 'shop' serving batch 1 (created 2024-05-01), u1's list i1, i2, i3. */
  private static void createVersion6(Connection c, Dialect d, String created) throws SQLException {
    for (int v = 0; v <= 6; v++) Store.execute(c, d.migration(v).toArray(String[]::new));
    for (int v = 1; v <= 6; v++) {
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (" + v + ", " + created + ")");
    }
    if (d.kind() == Dialect.Kind.POSTGRES) {
      Store.execute(c, "CREATE TABLE larder_rec_rows_1 PARTITION OF larder_rec_rows FOR VALUES IN (1)");
    }
    Store.execute(c, "INSERT INTO larder_batch (job, kind, model, created_at, published_at, status) VALUES"
        + " ('shop', 'recommendations', 'als', " + created + ", " + created + ", 'published')",
        "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('shop', 1, " + created + ")",
        "INSERT INTO larder_rec_rows (batch_id, user_id, rank, item_id, score) VALUES"
            + " (1, 'u1', 1, 'i1', 0.9), (1, 'u1', 2, 'i2', 0.8), (1, 'u1', 3, 'i3', 0.7), (1, 'u2', 1, 'i1', 0.9)");
  }

  private static void assertEventsHideRows(String db, String now, String upsert, String beforeBatch) throws Exception {
    try (Store s = Store.open(db)) {
      assertThat(Schema.version(s)).isEqualTo(Schema.VERSION);
      assertThat(freshItems(s, "u1")).containsExactly("1 i1", "2 i2", "3 i3");
      s.write("insert as an application would", c -> {
        Store.execute(c,
            "INSERT INTO larder_events (job, user_id, item_id, at) VALUES ('shop', 'u1', 'i2', " + now + ") " + upsert,
            // an older time for the same item keeps the later one
            "INSERT INTO larder_events (job, user_id, item_id, at) VALUES ('shop', 'u1', 'i2', " + beforeBatch + ") "
                + upsert,
            "INSERT INTO larder_events (job, user_id, item_id, at) VALUES ('shop', 'u1', 'i3', " + beforeBatch + ") "
                + upsert,
            "INSERT INTO larder_events (job, user_id, item_id, at) VALUES ('other', 'u1', 'i1', " + now + ") " + upsert);
        return null;
      });
      assertThat(freshItems(s, "u1")).as("i2 after the batch is hidden, ranks kept; i3 before it stays")
          .containsExactly("1 i1", "3 i3");
      assertThat(freshItems(s, "u2")).as("another user's events change nothing").containsExactly("1 i1");
      int pruned = s.write("prune", c -> Events.prune(c, "shop"));
      assertThat(pruned).as("only the event before the kept batch").isEqualTo(1);
      assertThat(freshItems(s, "u1")).containsExactly("1 i1", "3 i3");
    }
  }

  private static List<String> freshItems(Store s, String user) {
    return s.read("read the fresh view", c -> {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rank, item_id FROM"
          + " larder_recommendations_fresh WHERE job = 'shop' AND user_id = '" + user + "' ORDER BY rank")) {
        while (rs.next()) out.add(rs.getInt(1) + " " + rs.getString(2));
      }
      return out;
    });
  }

  @Test void recordKeepsTheLatestTimeInOneTransaction() {
    try (Store s = Store.open(dir.resolve("r.db").toString())) {
      Instant t1 = Instant.parse("2026-01-01T00:00:00.000001Z"), t2 = Instant.parse("2026-01-02T00:00:00Z");
      Events.record(s, List.of(new Events.Event("shop", "u", "i", t2), new Events.Event("shop", "u", "i", t1)));
      Instant kept = s.read("read", c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT at FROM larder_events")) {
          rs.next();
          return s.dialect().getInstant(rs, "at");
        }
      });
      assertThat(kept).isEqualTo(t2);
    }
  }
}
