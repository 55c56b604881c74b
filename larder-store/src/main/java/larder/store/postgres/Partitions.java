package larder.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import larder.store.RowTable;
import larder.store.Store;

/**
 * The DDL of a batch's own partition of a row table, {@code <table>_<batch_id>}: created bare (no indexes,
 * so COPY appends without maintaining any), indexed once its rows are in, then attached. Shared by the
 * single-process load and the load in parts, so both publish the same tables, and by the users' histories
 * ({@link larder.store.UserHistories}), partitioned the same way.
 */
public final class Partitions {
  private Partitions() {}

  static String name(RowTable table, long batchId) {
    return name(table.table(), batchId);
  }

  /** The partition of {@code table} (any table {@code PARTITION BY LIST (batch_id)}) holding {@code batchId}. */
  public static String name(String table, long batchId) {
    return table + "_" + batchId;
  }

  /** Creates the partition; its {@code CHECK (batch_id = id)} later proves the bound, so ATTACH does not scan. */
  static void create(Connection c, RowTable table, long batchId) throws SQLException {
    create(c, table.table(), batchId);
  }

  /** {@link #create(Connection, RowTable, long)} for any table partitioned by batch id. */
  public static void create(Connection c, String table, long batchId) throws SQLException {
    String name = name(table, batchId);
    Store.execute(c, "CREATE TABLE " + name + " (LIKE " + table + " INCLUDING DEFAULTS,"
        + " CONSTRAINT " + name + "_batch CHECK (batch_id = " + batchId + "))");
  }

  /** Gives the partition of {@code table} its primary key {@code (primaryKey)} and statistics. */
  public static void index(Connection c, String table, String primaryKey, long batchId) throws SQLException {
    String name = name(table, batchId);
    Store.execute(c, "SET LOCAL maintenance_work_mem = '256MB'",
        "ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY (" + primaryKey + ")",
        "ANALYZE " + name);
  }

  /** True when the partition of {@code table} holding {@code batchId} exists, attached or not. */
  public static boolean exists(Connection c, String table, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, name(table, batchId));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * Gives the partition its primary key and its table's other indexes (one sorted build beats maintaining
   * them row by row), and statistics; in the caller's transaction. A duplicate key fails the primary key.
   */
  static void index(Connection c, RowTable table, long batchId) throws SQLException {
    String name = name(table, batchId);
    Store.execute(c,
        "SET LOCAL maintenance_work_mem = '256MB'",
        "ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY (" + table.primaryKey() + ")");
    // built here, beside the rows, so ATTACH finds an equivalent index and adopts it instead of building one
    for (RowTable.Index ix : table.indexes()) {
      Store.execute(c, "CREATE INDEX " + name + "_" + ix.suffix() + " ON " + name + " (" + ix.columns() + ")");
    }
    Store.execute(c, "ANALYZE " + name);
  }

  /** True once {@link #index} has committed: the partition has its primary key, and takes no more rows. */
  static boolean sealed(Connection c, RowTable table, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, name(table, batchId) + "_pkey");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Attaches the partition; takes SHARE UPDATE EXCLUSIVE on the parent, so readers of the views go on. */
  static void attach(Connection c, RowTable table, long batchId) throws SQLException {
    attach(c, table.table(), batchId);
  }

  /** {@link #attach(Connection, RowTable, long)} for any table partitioned by batch id. */
  public static void attach(Connection c, String table, long batchId) throws SQLException {
    Store.execute(c, "ALTER TABLE " + table + " ATTACH PARTITION " + name(table, batchId)
        + " FOR VALUES IN (" + batchId + ")");
  }

  /**
   * Detaches (concurrently: readers of other partitions are not blocked) and drops the batch's partition of
   * {@code table}, attached or not; nothing when there is none. Auto-commit: DETACH CONCURRENTLY runs alone.
   */
  static void drop(Connection c, RowTable table, long batchId) throws SQLException {
    drop(c, table.table(), batchId);
  }

  /** {@link #drop(Connection, RowTable, long)} for any table partitioned by batch id. */
  public static void drop(Connection c, String table, long batchId) throws SQLException {
    String part = name(table, batchId);
    List<Boolean> pending = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT i.inhdetachpending FROM pg_inherits i WHERE i.inhrelid = to_regclass(?)")) {
      ps.setString(1, part);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) pending.add(rs.getBoolean(1));
      }
    }
    if (!pending.isEmpty()) {
      Store.execute(c, "ALTER TABLE " + table + " DETACH PARTITION " + part
          + (pending.get(0) ? " FINALIZE" : " CONCURRENTLY"));
    }
    Store.execute(c, "DROP TABLE IF EXISTS " + part);
  }
}
