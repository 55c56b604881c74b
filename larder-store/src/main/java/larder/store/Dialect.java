package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** What differs between SQLite, PostgreSQL and MySQL/MariaDB: DDL, transactions, timestamps, bulk loads and SQL. */
public interface Dialect {
  /** The kinds of store. */
  enum Kind { SQLITE, POSTGRES, MYSQL }

  Kind kind();

  /** DDL statements that take the schema from {@code version - 1} to {@code version}. */
  List<String> migration(int version);

  /** Serialises schema migration between processes; called first inside the migration transaction. */
  void lockSchema(Connection c) throws SQLException;

  /** Releases what {@link #lockSchema} took beyond the transaction, if anything; called last by the migration. */
  default void unlockSchema(Connection c) throws SQLException {}

  /**
   * Starts a transaction on an auto-commit connection: a read snapshot (SQLite deferred, PostgreSQL
   * repeatable read, read only) or a write (SQLite {@code BEGIN IMMEDIATE}, PostgreSQL read committed).
   */
  void begin(Connection c, boolean write) throws SQLException;

  /** Commits what {@link #begin} started and returns the connection to auto-commit (JDBC's own, on a server). */
  default void commit(Connection c) throws SQLException {
    c.commit();
    c.setAutoCommit(true);
  }

  /** Rolls back what {@link #begin} started, if the connection is still open, and returns it to auto-commit. */
  default void rollback(Connection c) throws SQLException {
    if (c.isClosed()) return;
    c.rollback();
    c.setAutoCommit(true);
  }

  /** Row-lock suffix for a SELECT in a write transaction ("" on SQLite, whose writers are serial). */
  default String forUpdate() {
    return " FOR UPDATE";
  }

  void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException;

  /** The instant in {@code column}, or null. */
  Instant getInstant(ResultSet rs, String column) throws SQLException;

  BatchLoad startLoad(Store store, long batchId);

  /**
   * Removes every row of {@code batchId} from the row tables (and its partitions on PostgreSQL), then its
   * ledger rows ({@link Schema#LEDGER}), its artifacts ({@link Schema#ARTIFACTS}), its users' histories
   * ({@link UserHistories}) and, as a base, its refreshed lists ({@link RecDelta}).
   */
  void dropRows(Store store, long batchId);

  /**
   * Removes the rows of {@code job}'s batches that ended ('failed' or 'retired') but still hold rows, because a
   * process died while removing them: where rows share tables across batches (MySQL), each run's start removes them
   * again. Nothing to do where a batch's rows go at once (a dropped partition) or in the same transaction as its
   * status.
   */
  default void dropLeftovers(Store store, String job) {}

  /** See {@link PartitionedLoad#prepare}. */
  PartitionedLoad prepareParts(Store store, long batchId, RowTable table, int parts);

  // ---- SQL that not every database accepts as written ----

  /**
   * Prepares {@code insert}, a one-row INSERT into a table whose {@code keyColumn} the database generates, so that
   * {@link #insertedKey} runs it and returns that key: {@code RETURNING} on SQLite and PostgreSQL, the driver's
   * generated keys where {@code RETURNING} is not in the syntax (MySQL).
   */
  default PreparedStatement prepareReturningKey(Connection c, String insert, String keyColumn) throws SQLException {
    return c.prepareStatement(insert + " RETURNING " + keyColumn);
  }

  /** Runs a statement of {@link #prepareReturningKey} and returns the key of the row it inserted. */
  default long insertedKey(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * {@code insert} (one row) made to do nothing when a row with the same {@code key} exists; run it with
   * {@link #executeIfAbsent}.
   */
  default String insertIfAbsent(String insert, String key) {
    return insert + " ON CONFLICT (" + key + ") DO NOTHING";
  }

  /** Runs a statement of {@link #insertIfAbsent}: 1 when it inserted its row, 0 when the key was taken. */
  default int executeIfAbsent(PreparedStatement ps) throws SQLException {
    return ps.executeUpdate();
  }

  /**
   * {@code insert} made to overwrite {@code columns} of the row with the same {@code key} when there is one
   * ({@code INSERT ... ON CONFLICT (key) DO UPDATE SET c = excluded.c}).
   */
  default String upsert(String insert, String key, String... columns) {
    StringBuilder sql = new StringBuilder(insert).append(" ON CONFLICT (").append(key).append(") DO UPDATE SET ");
    for (int i = 0; i < columns.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(columns[i]).append(" = excluded.").append(columns[i]);
    }
    return sql.toString();
  }

  /**
   * The {@code rank} column as an identifier in this database's SQL: bare where {@code rank} is no reserved word,
   * quoted where it is (MySQL 8 made it one for its window function).
   */
  default String rank() {
    return "rank";
  }

  /** The type a CAST to a 64-bit float names ({@code DOUBLE PRECISION}; MySQL takes {@code DOUBLE}). */
  default String doubleType() {
    return "DOUBLE PRECISION";
  }

  /** A NULL typed as a 32-bit integer column, for one branch of a UNION. */
  default String nullInteger() {
    return "CAST(NULL AS INTEGER)";
  }
}
