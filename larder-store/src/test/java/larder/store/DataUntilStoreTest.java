package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.core.BatchInfo;
import larder.store.postgres.PostgresDialect;
import larder.store.sqlite.SqliteDialect;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 9's data high-water mark on a store upgraded from version 8, on SQLite and PostgreSQL: batches from before
 * it read as unknown and keep comparing events with created_at; once a batch has one, an event between it and
 * created_at is left out (the batch never saw it) in the fresh view and {@link Schema#RECOMMEND_SQL}, and pruning
 * keeps it.
 */
class DataUntilStoreTest {
  private static final Instant CREATED = Instant.parse("2024-05-01T03:00:00Z");
  private static final Instant DATA_UNTIL = Instant.parse("2024-04-01T00:00:00Z");
  /** Between data_until and created_at: recorded before the run began, but after the newest row it read. */
  private static final Instant BETWEEN = Instant.parse("2024-04-15T00:00:00Z");
  private static final Instant BEFORE = Instant.parse("2024-03-01T00:00:00Z");

  @TempDir Path dir;

  @Test void aVersion8SqliteStoreGainsDataUntil() throws Exception {
    String file = dir.resolve("v8.db").toString();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      createVersion8(c, new SqliteDialect(), "'2024-05-01T03:00:00.000000Z'");
    }
    assertDataUntilBoundsExclusion(file);
  }

  @Test void aVersion8PostgresSchemaGainsDataUntil() throws Exception {
    try (PgSchema pg = new PgSchema()) {
      try (Connection c = DriverManager.getConnection(pg.url)) {
        createVersion8(c, new PostgresDialect(), "'2024-05-01T03:00:00Z'");
      }
      assertDataUntilBoundsExclusion(pg.url);
    }
  }

  /** A store as version 8 left it: job 'shop' serving batch 1 (created 2024-05-01), u1's list i1, i2, i3. */
  private static void createVersion8(Connection c, Dialect d, String created) throws SQLException {
    for (int v = 0; v <= 8; v++) Store.execute(c, d.migration(v).toArray(String[]::new));
    for (int v = 1; v <= 8; v++) {
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (" + v + ", " + created + ")");
    }
    if (d.kind() == Dialect.Kind.POSTGRES) {
      Store.execute(c, "CREATE TABLE larder_rec_rows_1 PARTITION OF larder_rec_rows FOR VALUES IN (1)",
          "CREATE TABLE larder_fallback_rows_1 PARTITION OF larder_fallback_rows FOR VALUES IN (1)");
    }
    Store.execute(c, "INSERT INTO larder_batch (job, kind, model, created_at, published_at, status) VALUES"
        + " ('shop', 'recommendations', 'als', " + created + ", " + created + ", 'published')",
        "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('shop', 1, " + created + ")",
        "INSERT INTO larder_rec_rows (batch_id, user_id, rank, item_id, score) VALUES"
            + " (1, 'u1', 1, 'i1', 0.9), (1, 'u1', 2, 'i2', 0.8), (1, 'u1', 3, 'i3', 0.7)",
        "INSERT INTO larder_fallback_rows (batch_id, rank, item_id, score) VALUES (1, 1, 'i1', 0.9), (1, 2, 'i2', 0.8)");
  }

  private static void assertDataUntilBoundsExclusion(String db) throws Exception {
    try (Store s = Store.open(db)) {
      assertThat(Schema.version(s)).isEqualTo(Schema.VERSION);
      BatchInfo old = s.read("read", c -> Batches.byId(c, s.dialect(), 1).orElseThrow());
      assertThat(old.dataUntil()).as("a batch from before version 9 does not know").isNull();
      assertThat(old.createdAt()).isEqualTo(CREATED);
      assertThat(viewColumns(s)).as("appended, the others as they were").endsWith("input_rows", "served_until",
          "data_until", "base_batch_id").startsWith("batch_id", "job", "kind", "model", "params", "metrics", "created_at");

      Events.record(s, List.of(new Events.Event("shop", "u1", "i2", BETWEEN),
          new Events.Event("shop", "u1", "i3", BEFORE), new Events.Event("shop", "u9", "i1", BETWEEN)));
      assertThat(freshItems(s)).as("without data_until, created_at bounds: both events are the batch's")
          .containsExactly("1 i1", "2 i2", "3 i3");
      assertThat(recommend(s, "u9")).as("fallback, unknown high-water mark").containsExactly("1 i1", "2 i2");

      s.write("the batch's high-water mark", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET data_until = ? WHERE batch_id = 1")) {
          s.dialect().setInstant(ps, 1, DATA_UNTIL);
          ps.executeUpdate();
        }
        return null;
      });
      assertThat(s.read("read", c -> Batches.byId(c, s.dialect(), 1).orElseThrow()).dataUntil()).isEqualTo(DATA_UNTIL);
      assertThat(freshItems(s)).as("i2 after data_until is hidden though before created_at; i3 before it stays")
          .containsExactly("1 i1", "3 i3");
      assertThat(recommend(s, "u1")).containsExactly("1 i1", "3 i3");
      assertThat(recommend(s, "u9")).as("the fallback list too").containsExactly("2 i2");

      int pruned = s.write("prune", c -> Events.prune(c, "shop"));
      assertThat(pruned).as("only the event at or before data_until").isEqualTo(1);
      assertThat(freshItems(s)).containsExactly("1 i1", "3 i3");
    }
  }

  private static List<String> viewColumns(Store s) {
    return s.read("read the view's columns", c -> {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM larder_batches")) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) out.add(rs.getMetaData().getColumnName(i));
      }
      return out;
    });
  }

  private static List<String> freshItems(Store s) {
    return s.read("read the fresh view", c -> {
      List<String> out = new ArrayList<>();
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT rank, item_id FROM"
          + " larder_recommendations_fresh WHERE job = 'shop' AND user_id = 'u1' ORDER BY rank")) {
        while (rs.next()) out.add(rs.getInt(1) + " " + rs.getString(2));
      }
      return out;
    });
  }

  private static List<String> recommend(Store s, String user) {
    return s.read("recommend", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(Schema.RECOMMEND_SQL)) {
        Object[] args = {"shop", user, user, "shop", "shop", user, 10};
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getInt("rank") + " " + rs.getString("item_id"));
        }
      }
      return out;
    });
  }
}
