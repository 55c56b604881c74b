package larder.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Store;

/**
 * Bulk insert into SQLite: one connection, one {@code BEGIN IMMEDIATE} transaction for the whole
 * batch, rows bound {@value #ROWS_PER_STATEMENT} at a time into a multi-row prepared INSERT (one
 * native step per statement instead of per row is what makes it fast). Used by one thread.
 */
final class SqliteLoad implements BatchLoad {
  static final int ROWS_PER_STATEMENT = 200;

  private final Store store;
  private final long batchId;
  private final Connection connection;
  private final Buffer[] buffers = new Buffer[RowTable.values().length];
  private boolean open = true;
  private boolean finished;

  SqliteLoad(Store store, long batchId) {
    this.store = store;
    this.batchId = batchId;
    try {
      connection = store.connection();
    } catch (SQLException e) {
      throw store.failure("start loading batch " + batchId, e);
    }
    try {
      Store.execute(connection, "BEGIN IMMEDIATE");
    } catch (SQLException e) {
      closeConnection();
      throw store.failure("start loading batch " + batchId, e);
    }
  }

  @Override public void addList(RowTable table, String key, int[] items, float[] scores, int count, IdMap itemNames) {
    if (!table.ranked()) throw new IllegalArgumentException(table + " is not a table of ranked lists");
    RankedBuffer b = (RankedBuffer) buffers[table.ordinal()];
    if (b == null) buffers[table.ordinal()] = b = new RankedBuffer(table);
    try {
      for (int i = 0; i < count; i++) b.add(key, i + 1, itemNames.name(items[i]), scores[i]);
    } catch (SQLException e) {
      throw store.failure("load rows of batch " + batchId + " into " + table.table(), e);
    }
  }

  @Override public void addSegments(SegmentAssignment a, int[] order, int from, int to) {
    SegmentBuffer b = (SegmentBuffer) buffers[RowTable.SEGMENTS.ordinal()];
    if (b == null) buffers[RowTable.SEGMENTS.ordinal()] = b = new SegmentBuffer();
    try {
      for (int i = from; i < to; i++) b.add(a, order == null ? i : order[i]);
    } catch (SQLException e) {
      throw store.failure("load rows of batch " + batchId + " into " + RowTable.SEGMENTS.table(), e);
    }
  }

  @Override public void addScores(Scores s, int[] order, int from, int to) {
    ScoreBuffer b = (ScoreBuffer) buffers[RowTable.SCORES.ordinal()];
    if (b == null) buffers[RowTable.SCORES.ordinal()] = b = new ScoreBuffer();
    try {
      for (int i = from; i < to; i++) b.add(s, order == null ? i : order[i]);
    } catch (SQLException e) {
      throw store.failure("load rows of batch " + batchId + " into " + RowTable.SCORES.table(), e);
    }
  }

  @Override public long rows(RowTable table) {
    Buffer b = buffers[table.ordinal()];
    return b == null ? 0 : b.rows;
  }

  @Override public void finish() {
    try {
      for (Buffer b : buffers) if (b != null) b.flushRest();
      Store.execute(connection, "COMMIT");
      finished = true;
    } catch (SQLException e) {
      throw store.failure("finish loading batch " + batchId, e);
    } finally {
      if (!finished) abort();
      else closeConnection();
    }
  }

  @Override public void abort() {
    if (open) {
      try {
        Store.execute(connection, "ROLLBACK");
      } catch (SQLException ignored) {
        // nothing was committed; closing the connection discards the transaction too
      }
      closeConnection();
    }
    if (finished) store.dropRows(batchId);
  }

  @Override public void close() {
    if (!finished) abort();
  }

  private void closeConnection() {
    if (!open) return;
    open = false;
    for (Buffer b : buffers) if (b != null) b.closeStatements();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the pool replaces it
    }
  }

  /** Pending rows of one table, written a full statement at a time. */
  private abstract class Buffer {
    final RowTable table;
    int n;
    long rows;
    PreparedStatement many;
    PreparedStatement one;

    Buffer(RowTable table) {
      this.table = table;
    }

    /** Binds pending row {@code i} from parameter {@code p} on; returns the next parameter. */
    abstract int bind(PreparedStatement ps, int p, int i) throws SQLException;

    /** Counts the row just stored at index {@code n} and writes a full statement. */
    final void added() throws SQLException {
      rows++;
      if (++n == ROWS_PER_STATEMENT) {
        if (many == null) many = connection.prepareStatement(insert(ROWS_PER_STATEMENT));
        int p = 1;
        for (int i = 0; i < n; i++) p = bind(many, p, i);
        many.executeUpdate();
        n = 0;
      }
    }

    void flushRest() throws SQLException {
      if (n == 0) return;
      if (one == null) one = connection.prepareStatement(insert(1));
      for (int i = 0; i < n; i++) {
        bind(one, 1, i);
        one.addBatch();
      }
      one.executeBatch();
      n = 0;
    }

    private String insert(int rowsPerStatement) {
      // the batch id is the statement's own: one bound parameter (one JNI call) fewer per row
      String tuple = "(" + batchId + ",?" + ",?".repeat(table.width() - 2) + ")";
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(table.table())
          .append(" (").append(table.columns()).append(") VALUES ");
      for (int i = 0; i < rowsPerStatement; i++) sql.append(i == 0 ? "" : ",").append(tuple);
      return sql.toString();
    }

    void closeStatements() {
      try {
        if (many != null) many.close();
        if (one != null) one.close();
      } catch (SQLException ignored) {
        // closing the connection releases them
      }
    }
  }

  /** Rows of ranked lists. */
  private final class RankedBuffer extends Buffer {
    final String[] keys = new String[ROWS_PER_STATEMENT];
    final int[] ranks = new int[ROWS_PER_STATEMENT];
    final String[] items = new String[ROWS_PER_STATEMENT];
    final float[] scores = new float[ROWS_PER_STATEMENT];

    RankedBuffer(RowTable table) {
      super(table);
    }

    void add(String key, int rank, String item, float score) throws SQLException {
      keys[n] = key;
      ranks[n] = rank;
      items[n] = item;
      scores[n] = score;
      added();
    }

    @Override int bind(PreparedStatement ps, int p, int i) throws SQLException {
      if (table.integerKey()) ps.setInt(p++, Integer.parseInt(keys[i]));
      else if (table.keyed()) ps.setString(p++, keys[i]);
      ps.setInt(p++, ranks[i]);
      ps.setString(p++, items[i]);
      ps.setFloat(p++, scores[i]);
      return p;
    }
  }

  /** Customers' segment rows, bound straight from the assignment's arrays. */
  private final class SegmentBuffer extends Buffer {
    final SegmentAssignment[] from = new SegmentAssignment[ROWS_PER_STATEMENT];
    final int[] customers = new int[ROWS_PER_STATEMENT];

    SegmentBuffer() {
      super(RowTable.SEGMENTS);
    }

    void add(SegmentAssignment a, int customer) throws SQLException {
      from[n] = a;
      customers[n] = customer;
      added();
    }

    @Override int bind(PreparedStatement ps, int p, int i) throws SQLException {
      SegmentAssignment a = from[i];
      int c = customers[i];
      ps.setString(p++, a.customers().name(c));
      ps.setInt(p++, a.segment()[c]);
      ps.setFloat(p++, a.distance()[c]);
      SegmentAssignment.Rfm rfm = a.rfm();
      if (rfm == null) {
        ps.setNull(p++, Types.REAL);
        ps.setNull(p++, Types.REAL);
        ps.setNull(p++, Types.REAL);
        ps.setNull(p++, Types.VARCHAR);
      } else {
        ps.setDouble(p++, rfm.recencyDays()[c]);
        ps.setDouble(p++, rfm.frequency()[c]);
        ps.setDouble(p++, rfm.monetary()[c]);
        short score = rfm.score()[c];
        if (score == 0) ps.setNull(p++, Types.VARCHAR);
        else ps.setString(p++, Short.toString(score));
      }
      return p;
    }
  }

  /** Entities' score rows, bound straight from the scores' arrays. */
  private final class ScoreBuffer extends Buffer {
    final Scores[] from = new Scores[ROWS_PER_STATEMENT];
    final int[] entities = new int[ROWS_PER_STATEMENT];
    final double[] scores = new double[ROWS_PER_STATEMENT];

    ScoreBuffer() {
      super(RowTable.SCORES);
    }

    void add(Scores s, int entity) throws SQLException {
      scores[n] = BatchLoad.storedScore(s, entity);
      from[n] = s;
      entities[n] = entity;
      added();
    }

    @Override int bind(PreparedStatement ps, int p, int i) throws SQLException {
      Scores s = from[i];
      int e = entities[i];
      ps.setString(p++, s.entities().name(e));
      ps.setDouble(p++, scores[i]);
      String label = s.label() == null ? null : s.label()[e];
      if (label == null) ps.setNull(p++, Types.VARCHAR);
      else ps.setString(p++, label);
      return p;
    }
  }
}
