package larder.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import larder.store.BatchLoad;
import larder.store.Dialect;
import larder.store.PartWriter;
import larder.store.PartitionedLoad;
import larder.store.RecDelta;
import larder.store.UserHistories;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;

/**
 * SQLite: row tables clustered on their primary key ({@code WITHOUT ROWID}), timestamps as fixed-width
 * ISO-8601 text (so they sort as text), transactions begun by hand so that writers take the write lock
 * up front ({@code BEGIN IMMEDIATE}) and wait {@code busy_timeout} for it instead of failing on upgrade.
 */
public final class SqliteDialect implements Dialect {
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Override public Kind kind() { return Kind.SQLITE; }

  @Override public List<String> migration(int version) {
    switch (version) {
      case 0:
        return List.of("CREATE TABLE IF NOT EXISTS larder_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      case 1:
        return List.of(
            "CREATE TABLE larder_batch (batch_id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL,"
                + " kind TEXT NOT NULL, model TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}',"
                + " metrics TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL, published_at TEXT,"
                + " status TEXT NOT NULL CHECK (status IN ('staging','published','superseded','failed','retired')),"
                + " rec_rows INTEGER NOT NULL DEFAULT 0, similar_rows INTEGER NOT NULL DEFAULT 0,"
                + " users INTEGER NOT NULL DEFAULT 0, message TEXT)",
            "CREATE INDEX larder_batch_job ON larder_batch (job, batch_id)",
            "CREATE TABLE larder_current (job TEXT PRIMARY KEY,"
                + " batch_id INTEGER NOT NULL REFERENCES larder_batch (batch_id), switched_at TEXT NOT NULL)",
            "CREATE TABLE larder_rec_rows (batch_id INTEGER NOT NULL, user_id TEXT NOT NULL, rank INTEGER NOT NULL,"
                + " item_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (batch_id, user_id, rank)) WITHOUT ROWID",
            "CREATE TABLE larder_similar_rows (batch_id INTEGER NOT NULL, item_id TEXT NOT NULL, rank INTEGER NOT NULL,"
                + " similar_item_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (batch_id, item_id, rank)) WITHOUT ROWID",
            "CREATE TABLE larder_fallback_rows (batch_id INTEGER NOT NULL, rank INTEGER NOT NULL,"
                + " item_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (batch_id, rank)) WITHOUT ROWID",
            "CREATE TABLE larder_job_lock (job TEXT PRIMARY KEY, owner TEXT NOT NULL, acquired_at TEXT NOT NULL)",
            "CREATE VIEW larder_recommendations AS SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id"
                + " FROM larder_current c JOIN larder_rec_rows r ON r.batch_id = c.batch_id",
            "CREATE VIEW larder_similar_items AS SELECT c.job, s.item_id, s.rank, s.similar_item_id, s.score, s.batch_id"
                + " FROM larder_current c JOIN larder_similar_rows s ON s.batch_id = c.batch_id",
            "CREATE VIEW larder_fallback AS SELECT c.job, f.rank, f.item_id, f.score, f.batch_id"
                + " FROM larder_current c JOIN larder_fallback_rows f ON f.batch_id = c.batch_id",
            "CREATE VIEW larder_batches AS SELECT b.batch_id, b.job, b.kind, b.model, b.params, b.metrics,"
                + " b.created_at, b.published_at, b.status, b.rec_rows, b.similar_rows, b.users,"
                + " (c.batch_id IS NOT NULL) AS is_current, b.message"
                + " FROM larder_batch b LEFT JOIN larder_current c ON c.job = b.job AND c.batch_id = b.batch_id");
      case 2:
        return Schema.withViews(List.of(
            "ALTER TABLE larder_batch ADD COLUMN segments INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE larder_batch ADD COLUMN segment_job TEXT",
            "CREATE TABLE larder_segment_rows (batch_id INTEGER NOT NULL, customer_id TEXT NOT NULL,"
                + " segment_id INTEGER NOT NULL, distance REAL NOT NULL, recency_days REAL, frequency REAL,"
                + " monetary REAL, rfm_score TEXT, PRIMARY KEY (batch_id, customer_id)) WITHOUT ROWID",
            "CREATE INDEX larder_segment_rows_segment ON larder_segment_rows (batch_id, segment_id, customer_id)",
            // Without statistics SQLite reads a segment's members through the view by the primary key range
            // (batch_id, customer_id > ?) and filters on segment_id, touching k times the rows of a page. The
            // shape of these rows is known (a million customers a batch, ~10 segments), so seed sqlite_stat1
            // with it (sqlite.org/optoverview.html#manual_control_of_query_plans_using_sqlite_stat_tables);
            // a later ANALYZE replaces it with measured numbers, which lead to the same plans.
            "ANALYZE sqlite_master",
            "DELETE FROM sqlite_stat1 WHERE tbl = 'larder_segment_rows'",
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES"
                + " ('larder_segment_rows', 'larder_segment_rows', '1000000 1000000 1'),"
                + " ('larder_segment_rows', 'larder_segment_rows_segment', '1000000 1000000 100000 1')",
            "ANALYZE sqlite_master",
            "CREATE TABLE larder_segment_profile_rows (batch_id INTEGER NOT NULL, segment_id INTEGER NOT NULL,"
                + " label TEXT NOT NULL, size INTEGER NOT NULL, share REAL NOT NULL, recency_mean REAL,"
                + " recency_median REAL, frequency_mean REAL, frequency_median REAL, monetary_mean REAL,"
                + " monetary_median REAL, centroid TEXT NOT NULL DEFAULT '{}',"
                + " PRIMARY KEY (batch_id, segment_id)) WITHOUT ROWID",
            "CREATE TABLE larder_segment_transition_rows (batch_id INTEGER NOT NULL, from_segment INTEGER,"
                + " to_segment INTEGER, customers INTEGER NOT NULL)",
            "CREATE INDEX larder_segment_transition_rows_batch ON larder_segment_transition_rows"
                + " (batch_id, from_segment, to_segment)",
            "CREATE TABLE larder_segment_fallback_rows (batch_id INTEGER NOT NULL, segment_id INTEGER NOT NULL,"
                + " rank INTEGER NOT NULL, item_id TEXT NOT NULL, score REAL NOT NULL,"
                + " PRIMARY KEY (batch_id, segment_id, rank)) WITHOUT ROWID"), Schema.v2Views(this));
      case 3:
        // REAL is an 8-byte IEEE double in SQLite: scores are kept exactly
        return Schema.withViews(List.of(
            "CREATE TABLE larder_score_rows (batch_id INTEGER NOT NULL, entity_id TEXT NOT NULL, score REAL NOT NULL,"
                + " label TEXT, PRIMARY KEY (batch_id, entity_id)) WITHOUT ROWID",
            "CREATE INDEX larder_score_rows_score ON larder_score_rows (batch_id, score DESC, entity_id)"),
            Schema.V3_VIEWS);
      case 4:
        return Schema.withViews(List.of(Schema.V4_INPUT_ROWS,
            "ALTER TABLE larder_job_lock ADD COLUMN process TEXT",
            "ALTER TABLE larder_job_lock ADD COLUMN expires_at TEXT",
            "ALTER TABLE larder_batch ADD COLUMN served_until TEXT"), Schema.V4_VIEWS);
      case 5:
        return List.of("CREATE TABLE larder_batch_parts (batch_id INTEGER NOT NULL, row_table TEXT NOT NULL,"
            + " part INTEGER NOT NULL, attempt TEXT NOT NULL, rows INTEGER NOT NULL DEFAULT 0,"
            + " keys INTEGER NOT NULL DEFAULT 0, committed_at TEXT NOT NULL,"
            + " PRIMARY KEY (batch_id, row_table, part)) WITHOUT ROWID");
      case 6:
        return List.of("CREATE TABLE " + Schema.ROLLBACK_LOG + " (rollback_id INTEGER PRIMARY KEY AUTOINCREMENT,"
                + " job TEXT NOT NULL, from_batch INTEGER NOT NULL, to_batch INTEGER NOT NULL,"
                + " rolled_by TEXT NOT NULL, rolled_at TEXT NOT NULL)",
            Schema.V6_ROLLBACK_LOG_INDEX, "ALTER TABLE larder_batch ADD COLUMN finished_at TEXT");
      case 7:
        return larder.store.Events.V7_SQLITE;
      case 8:
        return List.of("CREATE TABLE " + Schema.ARTIFACTS + " (batch_id INTEGER NOT NULL, name TEXT NOT NULL,"
            + " chunk INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (batch_id, name, chunk)) WITHOUT ROWID");
      case 9:
        return Schema.v9("TEXT");
      case 10:
        return Schema.withViews(List.of(
            "ALTER TABLE larder_batch ADD COLUMN base_batch_id INTEGER REFERENCES larder_batch (batch_id)",
            "ALTER TABLE larder_current ADD COLUMN refresh_id INTEGER REFERENCES larder_batch (batch_id)",
            Schema.V10_BATCH_BASE_INDEX,
            "CREATE TABLE " + RecDelta.TABLE + " (base_batch_id INTEGER NOT NULL, user_id TEXT NOT NULL,"
                + " rank INTEGER NOT NULL, item_id TEXT NOT NULL, score REAL NOT NULL, refresh_id INTEGER NOT NULL,"
                + " PRIMARY KEY (base_batch_id, user_id, rank)) WITHOUT ROWID",
            // a rowid table: histories run to kilobytes, which WITHOUT ROWID stores poorly
            "CREATE TABLE " + UserHistories.TABLE + " (batch_id INTEGER NOT NULL, user_id TEXT NOT NULL,"
                + " history BLOB NOT NULL, PRIMARY KEY (batch_id, user_id))"),
            RecDelta.v10Views(this));
      default:
        throw new IllegalArgumentException("no schema version " + version);
    }
  }

  @Override public void lockSchema(Connection c) {
    // BEGIN IMMEDIATE already holds the database's write lock
  }

  @Override public void begin(Connection c, boolean write) throws SQLException {
    Store.execute(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
  }

  @Override public void commit(Connection c) throws SQLException {
    Store.execute(c, "COMMIT");
  }

  @Override public void rollback(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
    } else if (!c.isClosed()) {
      Store.execute(c, "ROLLBACK");
    }
  }

  @Override public String forUpdate() { return ""; }

  @Override public void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) ps.setNull(index, java.sql.Types.VARCHAR);
    else ps.setString(index, ISO.format(t));
  }

  @Override public Instant getInstant(ResultSet rs, String column) throws SQLException {
    String s = rs.getString(column);
    return s == null ? null : Instant.parse(s);
  }

  @Override public BatchLoad startLoad(Store store, long batchId) {
    return new SqliteLoad(store, batchId);
  }

  @Override public void dropRows(Store store, long batchId) {
    store.write("remove the rows of batch " + batchId, c -> {
      for (RowTable t : RowTable.values()) delete(c, t.table(), batchId);
      for (String t : Schema.SMALL_ROW_TABLES) delete(c, t, batchId);
      delete(c, Schema.LEDGER, batchId);
      delete(c, Schema.ARTIFACTS, batchId);
      delete(c, UserHistories.TABLE, batchId);
      RecDelta.deleteBase(c, batchId);
      return null;
    });
  }

  /** Refused: other processes cannot share the file with its writer (see {@link PartitionedLoad}). */
  @Override public PartitionedLoad prepareParts(Store store, long batchId, RowTable table, int parts) {
    throw PartWriter.sqlite(store.location());
  }

  private static void delete(Connection c, String table, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE batch_id = ?")) {
      ps.setLong(1, batchId);
      ps.executeUpdate();
    }
  }
}
