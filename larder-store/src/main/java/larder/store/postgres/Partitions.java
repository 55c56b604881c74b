package larder.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
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
   * The builds run with the server's own {@code maintenance_work_mem}, as an operator's bulk load would: it also
   * sets how many parallel workers a build gets, and raising it here to 256 MB gave a 10M-row key two workers
   * beside the leader and made it slower on 2 cores (4.23-4.36 s against 3.63-3.64 s at the default 64 MB, one
   * worker; none: 5.1-5.2 s; BENCHMARKS.md, publishing against psql \copy).
   */
  static void index(Connection c, RowTable table, long batchId) throws SQLException {
    String name = name(table, batchId);
    Store.execute(c,
        "ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY (" + table.primaryKey() + ")");
    // built here, beside the rows, so ATTACH finds an equivalent index and adopts it instead of building one
    for (RowTable.Index ix : table.indexes()) {
      createIndex(c, name, ix);
    }
    Store.execute(c, "ANALYZE " + name);
  }

  private static void createIndex(Connection c, String partition, RowTable.Index ix) throws SQLException {
    Store.execute(c, "CREATE INDEX " + partition + "_" + ix.suffix() + " ON " + partition + " (" + ix.columns() + ")");
  }

  /**
   * {@link #index(Connection, RowTable, long)} for a partition whose rows are committed (not attached, so no reader
   * sees it), with each of its table's other {@linkplain RowTable#indexes() indexes} built at the same time as the
   * primary key's, on a connection of its own from {@code store}: CREATE INDEX takes a SHARE lock, which another
   * CREATE INDEX shares, so the builds overlap (a million segment rows: the key's 0.6 s and the segment index's
   * 1.0 s, one after the other before), each with the server's {@code maintenance_work_mem} (see {@link #index}).
   * The key's index then becomes the primary key ({@code USING INDEX}, no
   * second build), so ATTACH adopts both. In the caller's transaction on {@code c}, committed by the caller; each
   * other index commits on its own connection before this returns. A duplicate key fails the key's index.
   */
  static void indexInParallel(Store store, Connection c, RowTable table, long batchId) throws SQLException {
    String name = name(table, batchId);
    List<Thread> others = new ArrayList<>();
    SQLException[] failed = new SQLException[table.indexes().size()];
    for (int i = 0; i < table.indexes().size(); i++) {
      RowTable.Index ix = table.indexes().get(i);
      int at = i;
      Thread t = new Thread(() -> {
        try (Connection other = store.connection()) {
          other.setAutoCommit(false);
          try {
            createIndex(other, name, ix);
            other.commit();
          } finally {
            other.rollback(); // after a failure; nothing after a commit
            other.setAutoCommit(true);
          }
        } catch (SQLException e) {
          failed[at] = e;
        }
      }, "larder-index-" + name + "_" + ix.suffix());
      t.setDaemon(true);
      t.start();
      others.add(t);
    }
    SQLException first = null;
    try {
      Store.execute(c, "CREATE UNIQUE INDEX " + name + "_pkey ON " + name + " (" + table.primaryKey() + ")");
    } catch (SQLException e) {
      first = e;
    } finally {
      for (Thread t : others) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          if (first == null) first = new SQLException("interrupted while " + name + " was indexed", e);
        }
      }
    }
    for (SQLException e : failed) {
      if (e == null) continue;
      if (first == null) first = e;
      else first.addSuppressed(e);
    }
    if (first != null) throw first;
    Store.execute(c, "ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY USING INDEX " + name
        + "_pkey", "ANALYZE " + name);
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

  /**
   * {@link #attach(Connection, RowTable, long)} for any table partitioned by batch id. In auto-commit, also
   * waits for the statements that may have planned without the partition ({@link #waitForEarlierReaders}).
   */
  public static void attach(Connection c, String table, long batchId) throws SQLException {
    Store.execute(c, "ALTER TABLE " + table + " ATTACH PARTITION " + name(table, batchId)
        + " FOR VALUES IN (" + batchId + ")");
    if (c.getAutoCommit()) waitForEarlierReaders(c, table, EARLIER_READERS_WAIT_MILLIS);
  }

  /** How long an attach waits at most for the readers that began before it. */
  static final long EARLIER_READERS_WAIT_MILLIS = 10_000;

  /**
   * Waits until no other session whose transaction began before now still holds a lock on {@code table}, or
   * for {@code maxMillis} at most; returns whether none is left. ATTACH takes only SHARE UPDATE EXCLUSIVE, so a
   * reader can plan a statement with the partitions before the attach and take its snapshot after the batch
   * switch that follows it: it would then see the new batch as current and find none of its rows, an answer of
   * nothing. Once the readers that began before the attach are done, every statement that can see the switch
   * also sees the partition. Statements of point reads last microseconds, so the wait is short; a session whose
   * start this role may not see (another role, without pg_read_all_stats) is not waited for.
   */
  static boolean waitForEarlierReaders(Connection c, String table, long maxMillis) throws SQLException {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    OffsetDateTime since; // the server's clock, as pg_stat_activity's
    try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      since = rs.getObject(1, OffsetDateTime.class);
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
        + " ON a.pid = l.pid WHERE l.locktype = 'relation' AND l.relation = to_regclass(?) AND l.granted"
        + " AND l.pid <> pg_backend_pid() AND a.xact_start < ?")) {
      ps.setString(1, table);
      ps.setObject(2, since);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) return true;
        }
        if (System.nanoTime() > deadline) return false;
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
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
