package larder.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Properties;
import java.util.function.Consumer;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.StoreException;
import larder.core.segment.SegmentAssignment;
import larder.store.Batches;
import larder.store.PartWriter;
import larder.store.RowSink;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.store.StoreLocation;
import org.postgresql.PGConnection;

/**
 * One attempt at one part of a batch's row table on PostgreSQL (see {@link PartWriter}): ledger row, COPY
 * into the batch's partition, row count, one transaction on a connection of its own.
 */
public final class PostgresPart {
  private PostgresPart() {}

  /** See {@link PartWriter#load}. */
  public static PartWriter.Result load(StoreLocation location, long batchId, RowTable table, int part, String attempt,
      Consumer<RowSink> rows) {
    String partition = Partitions.name(table, batchId);
    String what = "load part " + part + " of " + partition + " (attempt " + attempt + ")";
    try (Connection c = connect(location, "larder part " + part + " of " + partition)) {
      c.setAutoCommit(false);
      boolean done = false;
      try {
        // the ledger answers first: a part loaded stays loaded, also once the batch is published
        if (!claim(c, batchId, table, part, attempt)) {
          PartWriter.Result earlier = committed(c, batchId, table, part);
          c.rollback();
          done = true;
          return earlier;
        }
        String status = status(c, batchId);
        if (!Batches.STAGING.equals(status)) {
          throw new StoreException("store " + location.display() + ": " + what + ": batch " + batchId + " is "
              + (status == null ? "not in the store" : status) + ", not staging; nothing written",
              "a late attempt of a run that has ended; nothing to do", null);
        }
        // the driver's finish holds the table exclusively while it counts and indexes: a part that gets in
        // first is counted (and refused when beyond the parts expected); one that comes after finds it sealed
        Store.execute(c, "LOCK TABLE " + partition + " IN ROW EXCLUSIVE MODE");
        if (Partitions.sealed(c, table, batchId)) {
          throw new StoreException("store " + location.display() + ": " + what + ": " + partition + " has been"
              + " verified and indexed; nothing written", "a late attempt of a part the load did not expect;"
              + " number the parts below the count the load was prepared for", null);
        }
        CopyRows copy = new CopyRows(table, batchId, c.unwrap(PGConnection.class).getCopyAPI()
            .copyIn(CopyRows.copySql(partition, table, false)), new IdentityHashMap<>());
        boolean streamed = false;
        try {
          rows.accept(new Sink(copy));
          streamed = true;
        } catch (CopyFailed e) {
          throw e.cause;
        } finally {
          if (!streamed) copy.cancel(); // the rollback then discards every row sent
        }
        // the server's count, not ours: what the table holds is what verify compares with
        long n = copy.end();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + Schema.LEDGER + " SET rows = ?, keys = ?,"
            + " committed_at = clock_timestamp() WHERE batch_id = ? AND row_table = ? AND part = ?")) {
          ps.setLong(1, n);
          ps.setLong(2, copy.keys());
          ps.setLong(3, batchId);
          ps.setString(4, table.table());
          ps.setInt(5, part);
          ps.executeUpdate();
        }
        c.commit();
        done = true;
        return new PartWriter.Result(false, attempt, n, copy.keys());
      } finally {
        if (!done) rollbackQuietly(c);
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        throw new StoreException("store " + location.display() + ": " + what + ": table " + partition
            + " does not exist; nothing written", "the batch was not prepared (PartitionedLoad.prepare), or it"
            + " failed or was retired and its rows removed", e);
      }
      throw Store.failure(location.display(), what, e);
    }
  }

  /**
   * A connection of the part's own, from the driver class itself rather than DriverManager, which does not
   * see drivers loaded by another class loader (as in a Spark executor running a job's jar).
   */
  private static Connection connect(StoreLocation location, String applicationName) throws SQLException {
    Properties p = new Properties();
    if (location.user() != null) p.setProperty("user", location.user());
    if (location.password() != null) p.setProperty("password", location.password());
    p.setProperty("ApplicationName", applicationName);
    Connection c = new org.postgresql.Driver().connect(location.url(), p);
    if (c == null) throw new SQLException("not a PostgreSQL URL: " + location.display(), "08001");
    return c;
  }

  private static String status(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batch WHERE batch_id = ?")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * Inserts the part's ledger row; false when it is there already, committed. Another attempt's row not yet
   * committed makes this wait on the primary key until that one commits (false) or rolls back (true).
   */
  private static boolean claim(Connection c, long batchId, RowTable table, int part, String attempt)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Schema.LEDGER + " (batch_id, row_table, part,"
        + " attempt, rows, keys, committed_at) VALUES (?, ?, ?, ?, 0, 0, clock_timestamp()) ON CONFLICT DO NOTHING")) {
      ps.setLong(1, batchId);
      ps.setString(2, table.table());
      ps.setInt(3, part);
      ps.setString(4, attempt);
      return ps.executeUpdate() == 1;
    }
  }

  private static PartWriter.Result committed(Connection c, long batchId, RowTable table, int part) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT attempt, rows, keys FROM " + Schema.LEDGER
        + " WHERE batch_id = ? AND row_table = ? AND part = ?")) {
      ps.setLong(1, batchId);
      ps.setString(2, table.table());
      ps.setInt(3, part);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new PartWriter.Result(true, rs.getString(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.isClosed()) c.rollback();
    } catch (SQLException ignored) {
      // closing the connection discards the transaction
    }
  }

  /** A failure of the COPY stream, carried through {@link RowSink}'s unchecked methods. */
  private static final class CopyFailed extends RuntimeException {
    final SQLException cause;

    CopyFailed(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
    }
  }

  /** The rows of one table, into the part's COPY. */
  private static final class Sink implements RowSink {
    private final CopyRows copy;

    Sink(CopyRows copy) {
      this.copy = copy;
    }

    private void require(RowTable t) {
      if (t != copy.table()) {
        throw new IllegalArgumentException("this part loads " + copy.table() + ", not " + t);
      }
    }

    @Override public void addList(RowTable t, String key, int[] items, float[] scores, int count, IdMap itemNames) {
      require(t);
      if (!t.ranked()) throw new IllegalArgumentException(t + " is not a table of ranked lists");
      try {
        copy.addList(key, items, scores, count, itemNames);
      } catch (SQLException e) {
        throw new CopyFailed(e);
      }
    }

    @Override public void addSegments(SegmentAssignment a, int[] order, int from, int to) {
      require(RowTable.SEGMENTS);
      try {
        copy.addSegments(a, order, from, to);
      } catch (SQLException e) {
        throw new CopyFailed(e);
      }
    }

    @Override public void addScores(Scores s, int[] order, int from, int to) {
      require(RowTable.SCORES);
      try {
        copy.addScores(s, order, from, to);
      } catch (SQLException e) {
        throw new CopyFailed(e);
      }
    }

    @Override public long rows(RowTable t) {
      return t == copy.table() ? copy.rows() : 0;
    }
  }
}
