package larder.store.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import larder.store.BatchLoad;
import larder.store.Dialect;
import larder.store.PartWriter;
import larder.store.PartitionedLoad;
import larder.store.RecDelta;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.store.UserHistories;

/**
 * MySQL 8 and MariaDB (10.6 and later) through MariaDB Connector/J. The views join the pointer table
 * {@code larder_current} like on the other stores, so switching a job is one InnoDB transaction of DML and readers
 * never queue behind DDL. Each kind of row is one shared InnoDB table clustered on {@code (batch_id, key, rank)}:
 * a batch is bulk-loaded into it with {@code LOAD DATA LOCAL INFILE} fed from memory ({@link MysqlLoad}), invisible
 * until switched to, and retired with a chunked {@code DELETE}. Ids compare byte by byte without padding
 * ({@code utf8mb4_nopad_bin} on MariaDB, {@code utf8mb4_0900_bin} on MySQL), like {@code COLLATE "C"}; timestamps are
 * {@code DATETIME(6)} in UTC. Scores and distances (32-bit floats) are kept in {@code DOUBLE} columns, which hold
 * every float exactly and come back exactly: the text protocol sends a {@code FLOAT} with six digits. Reads run in read-only repeatable-read transactions (one snapshot), writes in read
 * committed ones, as on PostgreSQL.
 *
 * <p>There is no older MySQL schema to upgrade: version 1 creates the whole current schema, idempotently (DDL commits
 * as it goes in MySQL), and versions 2 to {@value Schema#VERSION} add nothing.
 */
public final class MysqlDialect implements Dialect {
  /** Which server: the SQL differs in a few places (the id collation, {@code rank}). */
  public enum Flavour { MARIADB, MYSQL }

  /** Longest id a row table keeps (its key must fit InnoDB's 3,072 bytes with utf8mb4). */
  public static final int ID_CHARS = 512;
  /** Longest user or item id of {@code larder_events}, whose key holds the job and both ids. */
  public static final int EVENT_ID_CHARS = 255;
  /** Rows deleted per statement when a batch is removed: short transactions, readers unaffected. */
  static final int DELETE_CHUNK = 10_000;

  private final Flavour flavour;
  private final String database;

  public MysqlDialect(Flavour flavour, String database) {
    this.flavour = flavour;
    this.database = database;
  }

  /** The flavour of the server {@code c} talks to, from {@code VERSION()}. */
  public static Flavour flavourOf(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
      rs.next();
      return rs.getString(1).toLowerCase(java.util.Locale.ROOT).contains("mariadb") ? Flavour.MARIADB : Flavour.MYSQL;
    }
  }

  public Flavour flavour() { return flavour; }

  /** The database the store lives in. */
  public String database() { return database; }

  @Override public Kind kind() { return Kind.MYSQL; }

  private String id(int chars) {
    return "VARCHAR(" + chars + ") CHARACTER SET utf8mb4 COLLATE "
        + (flavour == Flavour.MARIADB ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin");
  }

  private static final String JOB = "VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin";
  private static final String TS = "DATETIME(6)";
  /** Every text column compares and sorts byte by byte unless it says otherwise, as on SQLite. */
  private String tableOptions() {
    return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE="
        + (flavour == Flavour.MARIADB ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin");
  }

  @Override public List<String> migration(int version) {
    if (version == 0) {
      return List.of("CREATE TABLE IF NOT EXISTS larder_schema (version INT PRIMARY KEY, applied_at " + TS
          + " NOT NULL)" + tableOptions());
    }
    if (version != 1) {
      if (version < 0 || version > Schema.VERSION) throw new IllegalArgumentException("no schema version " + version);
      return List.of();
    }
    String id = id(ID_CHARS);
    String rank = rank();
    List<String> all = new ArrayList<>();
    all.add(table("larder_batch (batch_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, job " + JOB + " NOT NULL,"
        + " kind VARCHAR(32) NOT NULL, model TEXT NOT NULL, params LONGTEXT NOT NULL DEFAULT ('{}'),"
        + " metrics LONGTEXT NOT NULL DEFAULT ('{}'), created_at " + TS + " NOT NULL, published_at " + TS + " NULL,"
        + " status VARCHAR(16) NOT NULL CHECK (status IN ('staging','published','superseded','failed','retired')),"
        + " rec_rows BIGINT NOT NULL DEFAULT 0, similar_rows BIGINT NOT NULL DEFAULT 0,"
        + " users BIGINT NOT NULL DEFAULT 0, message TEXT, segments BIGINT NOT NULL DEFAULT 0, segment_job " + JOB + ","
        + " input_rows BIGINT, served_until " + TS + " NULL, finished_at " + TS + " NULL, data_until " + TS + " NULL,"
        + " base_batch_id BIGINT, KEY larder_batch_job (job, batch_id), KEY larder_batch_base (base_batch_id),"
        + " CONSTRAINT larder_batch_base_fk FOREIGN KEY (base_batch_id) REFERENCES larder_batch (batch_id))"));
    all.add(table("larder_current (job " + JOB + " NOT NULL PRIMARY KEY, batch_id BIGINT NOT NULL,"
        + " switched_at " + TS + " NOT NULL, refresh_id BIGINT,"
        + " CONSTRAINT larder_current_batch_fk FOREIGN KEY (batch_id) REFERENCES larder_batch (batch_id),"
        + " CONSTRAINT larder_current_refresh_fk FOREIGN KEY (refresh_id) REFERENCES larder_batch (batch_id))"));
    all.add(table("larder_rec_rows (batch_id BIGINT NOT NULL, user_id " + id + " NOT NULL, " + rank + " INT NOT NULL,"
        + " item_id " + id + " NOT NULL, score DOUBLE NOT NULL, PRIMARY KEY (batch_id, user_id, " + rank + "))"));
    all.add(table("larder_similar_rows (batch_id BIGINT NOT NULL, item_id " + id + " NOT NULL, " + rank
        + " INT NOT NULL, similar_item_id " + id + " NOT NULL, score DOUBLE NOT NULL,"
        + " PRIMARY KEY (batch_id, item_id, " + rank + "))"));
    all.add(table("larder_fallback_rows (batch_id BIGINT NOT NULL, " + rank + " INT NOT NULL, item_id " + id
        + " NOT NULL, score DOUBLE NOT NULL, PRIMARY KEY (batch_id, " + rank + "))"));
    all.add(table("larder_segment_fallback_rows (batch_id BIGINT NOT NULL, segment_id INT NOT NULL, " + rank
        + " INT NOT NULL, item_id " + id + " NOT NULL, score DOUBLE NOT NULL,"
        + " PRIMARY KEY (batch_id, segment_id, " + rank + "))"));
    all.add(table("larder_segment_rows (batch_id BIGINT NOT NULL, customer_id " + id + " NOT NULL,"
        + " segment_id INT NOT NULL, distance DOUBLE NOT NULL, recency_days DOUBLE, frequency DOUBLE, monetary DOUBLE,"
        + " rfm_score VARCHAR(16), PRIMARY KEY (batch_id, customer_id),"
        + " KEY larder_segment_rows_segment (batch_id, segment_id, customer_id))"));
    all.add(table("larder_segment_profile_rows (batch_id BIGINT NOT NULL, segment_id INT NOT NULL,"
        + " label TEXT NOT NULL, size BIGINT NOT NULL, share DOUBLE NOT NULL, recency_mean DOUBLE,"
        + " recency_median DOUBLE, frequency_mean DOUBLE, frequency_median DOUBLE, monetary_mean DOUBLE,"
        + " monetary_median DOUBLE, centroid LONGTEXT NOT NULL DEFAULT ('{}'), PRIMARY KEY (batch_id, segment_id))"));
    all.add(table("larder_segment_transition_rows (batch_id BIGINT NOT NULL, from_segment INT, to_segment INT,"
        + " customers BIGINT NOT NULL,"
        + " KEY larder_segment_transition_rows_batch (batch_id, from_segment, to_segment))"));
    all.add(table("larder_score_rows (batch_id BIGINT NOT NULL, entity_id " + id + " NOT NULL, score DOUBLE NOT NULL,"
        + " label TEXT, PRIMARY KEY (batch_id, entity_id),"
        + " KEY larder_score_rows_score (batch_id, score DESC, entity_id))"));
    all.add(table("larder_job_lock (job " + JOB + " NOT NULL PRIMARY KEY, owner TEXT NOT NULL,"
        + " acquired_at " + TS + " NOT NULL, process TEXT, expires_at " + TS + " NULL)"));
    // rows and keys are reserved words here; the ledger serves partitioned loads, which only PostgreSQL runs
    all.add(table(Schema.LEDGER + " (batch_id BIGINT NOT NULL, row_table VARCHAR(64) NOT NULL, part INT NOT NULL,"
        + " attempt TEXT NOT NULL, `rows` BIGINT NOT NULL DEFAULT 0, `keys` BIGINT NOT NULL DEFAULT 0,"
        + " committed_at " + TS + " NOT NULL, PRIMARY KEY (batch_id, row_table, part))"));
    all.add(table(Schema.ROLLBACK_LOG + " (rollback_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, job " + JOB
        + " NOT NULL, from_batch BIGINT NOT NULL, to_batch BIGINT NOT NULL, rolled_by TEXT NOT NULL,"
        + " rolled_at " + TS + " NOT NULL, KEY larder_rollback_log_job (job, rollback_id))"));
    String eventId = id(EVENT_ID_CHARS);
    all.add(table("larder_events (job " + JOB + " NOT NULL, user_id " + eventId + " NOT NULL, item_id " + eventId
        + " NOT NULL, at " + TS + " NOT NULL, PRIMARY KEY (job, user_id, item_id), KEY larder_events_at (job, at))"));
    all.add(table(Schema.ARTIFACTS + " (batch_id BIGINT NOT NULL, name VARCHAR(255) NOT NULL, chunk INT NOT NULL,"
        + " bytes LONGBLOB NOT NULL, PRIMARY KEY (batch_id, name, chunk))"));
    all.add(table(RecDelta.TABLE + " (base_batch_id BIGINT NOT NULL, user_id " + id + " NOT NULL, " + rank
        + " INT NOT NULL, item_id " + id + " NOT NULL, score DOUBLE NOT NULL, refresh_id BIGINT NOT NULL,"
        + " PRIMARY KEY (base_batch_id, user_id, " + rank + "))"));
    all.add(table(UserHistories.TABLE + " (batch_id BIGINT NOT NULL, user_id " + id + " NOT NULL,"
        + " history LONGBLOB NOT NULL, PRIMARY KEY (batch_id, user_id))"));
    // the views: the same names and columns as on the other stores, each as it stands at the current version
    all.add(view("CREATE VIEW larder_similar_items AS SELECT c.job, s.item_id, s." + rank + ", s.similar_item_id,"
        + " s.score, s.batch_id FROM larder_current c JOIN larder_similar_rows s ON s.batch_id = c.batch_id"));
    all.add(view("CREATE VIEW larder_fallback AS SELECT c.job, f." + rank + ", f.item_id, f.score, f.batch_id"
        + " FROM larder_current c JOIN larder_fallback_rows f ON f.batch_id = c.batch_id"));
    for (String s : Schema.v2Views(this)) if (s.startsWith("CREATE VIEW larder_segment")) all.add(view(s));
    for (String s : Schema.V3_VIEWS) all.add(view(s));
    for (String s : RecDelta.v10Views(this)) if (s.startsWith("CREATE")) all.add(view(s));
    return List.copyOf(all);
  }

  private String table(String definition) {
    return "CREATE TABLE IF NOT EXISTS " + definition + tableOptions();
  }

  private static String view(String create) {
    if (!create.startsWith("CREATE VIEW ")) throw new IllegalArgumentException(create);
    return "CREATE OR REPLACE VIEW " + create.substring("CREATE VIEW ".length());
  }

  /** The name of the server-wide lock that serialises migrators of this database. */
  private String schemaLock() {
    return "larder_schema:" + (database.length() > 48 ? database.substring(0, 48) : database);
  }

  @Override public void lockSchema(Connection c) throws SQLException {
    // DDL commits the transaction here, so a session lock (which outlives commits) keeps one migrator at a time
    try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 120)")) {
      ps.setString(1, schemaLock());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getInt(1) != 1) {
          throw new SQLException("another process has been creating or migrating the Larder schema of database '"
              + database + "' for 120 s");
        }
      }
    }
  }

  @Override public void unlockSchema(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      ps.setString(1, schemaLock());
      ps.executeQuery().close();
    }
  }

  @Override public void begin(Connection c, boolean write) throws SQLException {
    c.setAutoCommit(false);
    Store.execute(c, write ? "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
        : "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }

  @Override public void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) ps.setNull(index, java.sql.Types.TIMESTAMP);
    else ps.setObject(index, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }

  @Override public Instant getInstant(ResultSet rs, String column) throws SQLException {
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  @Override public BatchLoad startLoad(Store store, long batchId) {
    return new MysqlLoad(store, batchId);
  }

  /**
   * Deletes the batch's rows from every row table, {@value #DELETE_CHUNK} at a time in key order, each chunk its own
   * transaction (a batch of millions of rows in one would hold its locks and undo for minutes); then its small
   * tables', ledger, artifacts, histories and, as a base, its refreshed lists.
   */
  @Override public void dropRows(Store store, long batchId) {
    store.withConnection("remove the rows of batch " + batchId, c -> {
      for (RowTable t : RowTable.values()) deleteChunked(c, t.table(), "batch_id", t.primaryKey().replace("rank", rank()), batchId);
      for (String t : Schema.SMALL_ROW_TABLES) deleteChunked(c, t, "batch_id", null, batchId);
      deleteChunked(c, Schema.LEDGER, "batch_id", null, batchId);
      deleteChunked(c, Schema.ARTIFACTS, "batch_id", "batch_id, name, chunk", batchId);
      deleteChunked(c, UserHistories.TABLE, "batch_id", "batch_id, user_id", batchId);
      deleteChunked(c, RecDelta.TABLE, "base_batch_id", "base_batch_id, user_id, " + rank(), batchId);
      return null;
    });
  }

  private static void deleteChunked(Connection c, String table, String column, String key, long batchId)
      throws SQLException {
    String sql = "DELETE FROM " + table + " WHERE " + column + " = ?"
        + (key == null ? "" : " ORDER BY " + key + " LIMIT " + DELETE_CHUNK);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, batchId);
      while (ps.executeUpdate() >= (key == null ? Integer.MAX_VALUE : DELETE_CHUNK)) {
        // the next chunk
      }
    }
  }

  @Override public void dropLeftovers(Store store, String job) {
    for (long id : store.read("find leftover rows of job '" + job + "'", c -> leftoverBatches(c, job))) {
      dropRows(store, id);
    }
  }

  /** Batches of {@code job} that ended but still hold rows in one of the shared tables. */
  private static List<Long> leftoverBatches(Connection c, String job) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT b.batch_id FROM larder_batch b WHERE b.job = ?"
        + " AND b.status IN ('failed', 'retired') AND (");
    List<String> tables = new ArrayList<>();
    for (RowTable t : RowTable.values()) tables.add(t.table());
    tables.addAll(Schema.SMALL_ROW_TABLES);
    tables.add(Schema.ARTIFACTS);
    tables.add(UserHistories.TABLE);
    for (int i = 0; i < tables.size(); i++) {
      sql.append(i == 0 ? "" : " OR ").append("EXISTS (SELECT 1 FROM ").append(tables.get(i))
          .append(" x WHERE x.batch_id = b.batch_id)");
    }
    sql.append(" OR EXISTS (SELECT 1 FROM ").append(RecDelta.TABLE).append(" x WHERE x.base_batch_id = b.batch_id))");
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /** Refused: loading a batch in parts from several processes is for PostgreSQL (see {@link PartitionedLoad}). */
  @Override public PartitionedLoad prepareParts(Store store, long batchId, RowTable table, int parts) {
    throw PartWriter.sqlite(store.location());
  }

  // ---- SQL ----

  @Override public PreparedStatement prepareReturningKey(Connection c, String insert, String keyColumn)
      throws SQLException {
    return c.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS);
  }

  @Override public long insertedKey(PreparedStatement ps) throws SQLException {
    ps.executeUpdate();
    try (ResultSet rs = ps.getGeneratedKeys()) {
      if (!rs.next()) throw new SQLException("the insert returned no generated key");
      return rs.getLong(1);
    }
  }

  /** A plain insert whose duplicate-key error (1062) {@link #executeIfAbsent} takes for "the key was taken". */
  @Override public String insertIfAbsent(String insert, String key) {
    return insert;
  }

  @Override public int executeIfAbsent(PreparedStatement ps) throws SQLException {
    try {
      return ps.executeUpdate();
    } catch (SQLException e) {
      if (e.getErrorCode() == 1062) return 0;
      throw e;
    }
  }

  @Override public String upsert(String insert, String key, String... columns) {
    StringBuilder sql = new StringBuilder(insert).append(" ON DUPLICATE KEY UPDATE ");
    for (int i = 0; i < columns.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(columns[i]).append(" = VALUES(").append(columns[i]).append(')');
    }
    return sql.toString();
  }

  /** Quoted on both servers: a reserved word in MySQL 8, and the same SQL then runs on MariaDB. */
  @Override public String rank() { return "`rank`"; }

  @Override public String nullInteger() { return "CAST(NULL AS SIGNED)"; }

  @Override public String doubleType() { return "DOUBLE"; }
}
