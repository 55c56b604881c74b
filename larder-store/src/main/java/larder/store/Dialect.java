package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** What differs between SQLite and PostgreSQL: DDL, transactions, timestamps and bulk loads. */
public interface Dialect {
  /** The kinds of store. */
  enum Kind { SQLITE, POSTGRES }

  Kind kind();

  /** DDL statements that take the schema from {@code version - 1} to {@code version}. */
  List<String> migration(int version);

  /** Serialises schema migration between processes; called first inside the migration transaction. */
  void lockSchema(Connection c) throws SQLException;

  /**
   * Starts a transaction on an auto-commit connection: a read snapshot (SQLite deferred, PostgreSQL
   * repeatable read, read only) or a write (SQLite {@code BEGIN IMMEDIATE}, PostgreSQL read committed).
   */
  void begin(Connection c, boolean write) throws SQLException;

  void commit(Connection c) throws SQLException;

  void rollback(Connection c) throws SQLException;

  /** Row-lock suffix for a SELECT in a write transaction ("" on SQLite, whose writers are serial). */
  String forUpdate();

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

  /** See {@link PartitionedLoad#prepare}. */
  PartitionedLoad prepareParts(Store store, long batchId, RowTable table, int parts);
}
