package larder.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Store;
import org.postgresql.PGConnection;

/**
 * Bulk load into PostgreSQL. Each row table gets a partition of its own, created in the load's
 * transaction, filled with {@code COPY ... FROM STDIN (FREEZE)} (rows written frozen: no later vacuum
 * pass over them), then given its primary key and its table's other {@linkplain RowTable#indexes()
 * indexes} (one sorted index build beats maintaining it row by row) and statistics, and committed.
 * {@link #finish()} attaches the partitions; the {@code CHECK (batch_id = id)} created with each table
 * proves the partition bound, so ATTACH does not scan it.
 * One connection per table, because a connection carries one COPY at a time and lists of several
 * tables arrive interleaved. Rows are encoded by {@link CopyRows}, the partitions' DDL is {@link Partitions}'.
 * Used by one thread.
 */
final class PostgresLoad implements BatchLoad {
  private final Store store;
  private final long batchId;
  private final Part[] parts = new Part[RowTable.values().length];
  private final Map<IdMap, byte[][]> encoded = new IdentityHashMap<>();
  private boolean committed;
  private boolean finished;

  PostgresLoad(Store store, long batchId) {
    this.store = store;
    this.batchId = batchId;
  }

  @Override public void addList(RowTable table, String key, int[] items, float[] scores, int count, IdMap itemNames) {
    if (!table.ranked()) throw new IllegalArgumentException(table + " is not a table of ranked lists");
    try {
      part(table).rows.addList(key, items, scores, count, itemNames);
    } catch (SQLException e) {
      throw copyFailure(table, e);
    }
  }

  @Override public void addSegments(SegmentAssignment a, int[] order, int from, int to) {
    try {
      part(RowTable.SEGMENTS).rows.addSegments(a, order, from, to);
    } catch (SQLException e) {
      throw copyFailure(RowTable.SEGMENTS, e);
    }
  }

  @Override public void addScores(Scores s, int[] order, int from, int to) {
    try {
      part(RowTable.SCORES).rows.addScores(s, order, from, to);
    } catch (SQLException e) {
      throw copyFailure(RowTable.SCORES, e);
    }
  }

  private Part part(RowTable table) throws SQLException {
    Part p = parts[table.ordinal()];
    if (p == null) p = parts[table.ordinal()] = new Part(table);
    return p;
  }

  private RuntimeException copyFailure(RowTable table, SQLException e) {
    return store.failure("copy rows of batch " + batchId + " into " + Partitions.name(table, batchId), e);
  }

  @Override public long rows(RowTable table) {
    Part p = parts[table.ordinal()];
    return p == null ? 0 : p.rows.rows();
  }

  @Override public void finish() {
    String step = "finish loading batch " + batchId;
    try {
      for (Part p : parts) {
        if (p != null) {
          p.complete();
          committed = true;
        }
      }
      step = "attach the partitions of batch " + batchId;
      try (Connection c = store.connection()) {
        for (Part p : parts) {
          if (p != null) Partitions.attach(c, p.table, batchId);
        }
      }
      finished = true;
    } catch (SQLException e) {
      abort();
      throw store.failure(step, e);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  @Override public void abort() {
    for (Part p : parts) {
      if (p != null) p.discard();
    }
    if (committed) {
      committed = false;
      finished = false;
      store.dropRows(batchId);
    }
  }

  @Override public void close() {
    if (!finished) abort();
  }

  /** One table's partition: its connection, open transaction and COPY stream. */
  private final class Part {
    final RowTable table;
    final Connection connection;
    CopyRows rows;
    boolean done;

    Part(RowTable table) throws SQLException {
      this.table = table;
      this.connection = store.connection();
      boolean ok = false;
      try {
        connection.setAutoCommit(false);
        Partitions.create(connection, table, batchId);
        // created in this transaction, so COPY may write its rows frozen
        rows = new CopyRows(table, batchId, connection.unwrap(PGConnection.class).getCopyAPI()
            .copyIn(CopyRows.copySql(Partitions.name(table, batchId), table, true)), encoded);
        ok = true;
      } finally {
        if (!ok) discard();
      }
    }

    void complete() throws SQLException {
      rows.end();
      if (table.indexes().isEmpty()) {
        Partitions.index(connection, table, batchId); // the table, its rows and its key in one transaction
      } else {
        // the bare partition and its rows first, so that its indexes can be built on two connections at once;
        // detached, it is seen by no reader, and dropped with the batch if what follows fails
        connection.commit();
        committed = true;
        Partitions.indexInParallel(store, connection, table, batchId);
      }
      connection.commit();
      done = true;
      close();
    }

    void discard() {
      if (rows != null) rows.cancel();
      try {
        if (!done && !connection.isClosed()) connection.rollback();
      } catch (SQLException ignored) {
        // closing discards the transaction and the table created in it
      }
      close();
    }

    private void close() {
      try {
        if (!connection.isClosed()) {
          connection.setAutoCommit(true);
          connection.close();
        }
      } catch (SQLException ignored) {
        // the pool evicts a broken connection
      }
    }
  }
}
