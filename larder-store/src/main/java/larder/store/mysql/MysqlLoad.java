package larder.store.mysql;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Store;

/**
 * Bulk load into MySQL/MariaDB: each row table's rows are encoded in {@code LOAD DATA} text (tab-separated, backslash
 * escapes, {@code \N} for NULL) into memory and sent, {@value #CHUNK_ROWS} rows or {@value #CHUNK_BYTES} bytes at a
 * time, by {@code LOAD DATA LOCAL INFILE} fed from that buffer ({@code setLocalInfileInputStream}: no file is read or
 * written), each chunk committed on its own. Nothing is visible until the batch is switched to, and a failed load's
 * rows are deleted by batch id. Under LOCAL the server turns a duplicate key, a truncated id or a bad number into a
 * warning and goes on, so a chunk that loads fewer rows than were sent, or raises any warning, fails the batch.
 *
 * <p>A server that refuses LOCAL ({@code local_infile=OFF}, MySQL 8's default), or a store URL with
 * {@code allowLocalInfile=false}, is found by a zero-row probe when the load starts; the rows then go by multi-row
 * {@code INSERT}, slower but as strict. Used by one thread; a thread of its own sends each LOAD DATA chunk while the
 * next is written.
 */
final class MysqlLoad implements BatchLoad {
  static final int CHUNK_ROWS = 100_000;
  static final int CHUNK_BYTES = 8 << 20;
  /** Bound parameters per INSERT of the fallback, below the protocol's 65,535. */
  static final int INSERT_PARAMETERS = 8_000;

  /** Whether this process has said that LOCAL is refused (once is enough). */
  private static final java.util.concurrent.atomic.AtomicBoolean TOLD = new java.util.concurrent.atomic.AtomicBoolean();

  private final Store store;
  private final long batchId;
  private final String rank;
  private final Connection connection;
  private final boolean local;
  private final Rows[] tables = new Rows[RowTable.values().length];
  private boolean open = true;
  private boolean wrote;
  private boolean finished;
  /** Sends LOAD DATA chunks while the next is written ({@link TextRows#flush}); null until the first chunk. */
  private java.util.concurrent.ExecutorService sender;
  /** The chunk being sent, or null. */
  private java.util.concurrent.Future<Void> inFlight;

  MysqlLoad(Store store, long batchId) {
    this.store = store;
    this.batchId = batchId;
    this.rank = store.dialect().rank();
    Properties p = new Properties();
    // a URL that says allowLocalInfile=false keeps LOCAL off on this connection too: the load then uses INSERT
    if (!store.location().url().matches("(?i).*[?&]allowLocalInfile=false.*")) p.setProperty("allowLocalInfile", "true");
    try {
      connection = store.unpooledConnection(p);
    } catch (SQLException e) {
      throw store.failure("start loading batch " + batchId, e);
    }
    try {
      local = probeLocal();
    } catch (SQLException e) {
      closeConnection();
      throw store.failure("start loading batch " + batchId, e);
    }
  }

  /** Whether the server takes LOAD DATA LOCAL: a load of no rows, refused with 4166, 3948 or 1148 where it is off. */
  private boolean probeLocal() throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new ByteArrayInputStream(new byte[0]));
      st.executeUpdate(loadSql(RowTable.FALLBACK));
      return true;
    } catch (SQLException e) {
      int code = e.getErrorCode();
      if (code == 4166 || code == 3948 || code == 1148) {
        if (TOLD.compareAndSet(false, true)) {
          // 4166 is the driver's own refusal (the URL said allowLocalInfile=false); 1148 and 3948 the server's
          System.err.println("store " + store.name() + (code == 4166
              ? ": the URL turns LOAD DATA LOCAL INFILE off (allowLocalInfile=false), loading with INSERT (slower);"
                  + " leave the setting out for bulk loads"
              : ": the server refuses LOAD DATA LOCAL INFILE (local_infile is OFF), loading with INSERT (slower);"
                  + " SET GLOBAL local_infile = 1 on the server for bulk loads"));
        }
        return false;
      }
      throw e;
    }
  }

  /** True when this load sends its rows by LOAD DATA LOCAL, false when by INSERT. */
  boolean local() { return local; }

  private String columns(RowTable table) {
    return table.columns().replaceAll("\\brank\\b", rank);
  }

  private String loadSql(RowTable table) {
    return "LOAD DATA LOCAL INFILE 'larder-batch-" + batchId + "' INTO TABLE " + table.table()
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\'"
        + " LINES TERMINATED BY '\\n' (" + columns(table) + ")";
  }

  private Rows buffer(RowTable table) {
    Rows r = tables[table.ordinal()];
    if (r == null) r = tables[table.ordinal()] = local ? new TextRows(table) : new InsertRows(table);
    return r;
  }

  @Override public void addList(RowTable table, String key, int[] items, float[] scores, int count, IdMap itemNames) {
    if (!table.ranked()) throw new IllegalArgumentException(table + " is not a table of ranked lists");
    Rows r = buffer(table);
    Object k = key == null ? null : table.integerKey() ? (Object) Integer.valueOf(Integer.parseInt(key)) : key;
    try {
      for (int i = 0; i < count; i++) {
        if (table.keyed()) r.add(batchId, k, i + 1, itemNames.name(items[i]), scores[i]);
        else r.add(batchId, i + 1, itemNames.name(items[i]), scores[i]);
      }
    } catch (SQLException e) {
      throw failure(table, e);
    }
  }

  @Override public void addSegments(SegmentAssignment a, int[] order, int from, int to) {
    Rows r = buffer(RowTable.SEGMENTS);
    SegmentAssignment.Rfm rfm = a.rfm();
    try {
      for (int i = from; i < to; i++) {
        int c = order == null ? i : order[i];
        short score = rfm == null ? 0 : rfm.score()[c];
        r.add(batchId, a.customers().name(c), a.segment()[c], a.distance()[c],
            rfm == null ? null : rfm.recencyDays()[c], rfm == null ? null : rfm.frequency()[c],
            rfm == null ? null : rfm.monetary()[c], score == 0 ? null : Short.toString(score));
      }
    } catch (SQLException e) {
      throw failure(RowTable.SEGMENTS, e);
    }
  }

  @Override public void addScores(Scores s, int[] order, int from, int to) {
    Rows r = buffer(RowTable.SCORES);
    try {
      for (int i = from; i < to; i++) {
        int e = order == null ? i : order[i];
        double score = BatchLoad.storedScore(s, e);
        r.add(batchId, s.entities().name(e), score, s.label() == null ? null : s.label()[e]);
      }
    } catch (SQLException e) {
      throw failure(RowTable.SCORES, e);
    }
  }

  private RuntimeException failure(RowTable table, SQLException e) {
    return store.failure("load rows of batch " + batchId + " into " + table.table(), e);
  }

  @Override public long rows(RowTable table) {
    Rows r = tables[table.ordinal()];
    return r == null ? 0 : r.rows;
  }

  @Override public void finish() {
    RowTable at = null;
    try {
      for (Rows r : tables) {
        if (r == null) continue;
        at = r.table;
        r.flush();
      }
      awaitSent();
      finished = true;
    } catch (SQLException e) {
      throw failure(at, e);
    } finally {
      if (!finished) abort();
      else closeConnection();
    }
  }

  @Override public void abort() {
    closeConnection();
    if (wrote) {
      wrote = false;
      store.dropRows(batchId);
    }
  }

  @Override public void close() {
    if (!finished) abort();
  }

  private void closeConnection() {
    if (!open) return;
    open = false;
    try {
      awaitSent(); // never close the connection under a chunk being sent
    } catch (SQLException ignored) {
      // the load is being given up: its rows are deleted by batch id
    }
    if (sender != null) sender.shutdown();
    for (Rows r : tables) if (r != null) r.release();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing is pending: each chunk was committed or failed
    }
  }

  /** Pending rows of one table, sent a chunk at a time. */
  private abstract class Rows {
    final RowTable table;
    long rows;

    Rows(RowTable table) {
      this.table = table;
    }

    abstract void add(Object... values) throws SQLException;

    abstract void flush() throws SQLException;

    void release() {}
  }

  /** Rows as LOAD DATA text, sent from memory. */
  private final class TextRows extends Rows {
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int pending;

    TextRows(RowTable table) {
      super(table);
    }

    @Override void add(Object... values) throws SQLException {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) put((byte) '\t');
        Object v = values[i];
        if (v == null) {
          put((byte) '\\');
          put((byte) 'N');
        } else if (v instanceof String s) {
          text(s);
        } else if (v instanceof Float f) {
          ascii(Double.toString(f.doubleValue())); // the float's exact value: its own shortest text may round past it
        } else if (v instanceof Double d) {
          ascii(Double.toString(d)); // parsed back to the same double
        } else {
          ascii(v.toString());
        }
      }
      put((byte) '\n');
      rows++;
      if (++pending >= CHUNK_ROWS || pos >= CHUNK_BYTES) flush();
    }

    private void text(String s) {
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r' || ch == 0) {
          put((byte) '\\');
          put((byte) (ch == '\\' ? '\\' : ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '0'));
        } else if (ch < 0x80) {
          put((byte) ch);
        } else {
          int end = i;
          while (end < s.length() && s.charAt(end) >= 0x80) end++;
          byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
          for (byte x : b) put(x);
          i = end - 1;
        }
      }
    }

    private void ascii(String s) {
      for (int i = 0; i < s.length(); i++) put((byte) s.charAt(i));
    }

    private void put(byte b) {
      if (pos == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
      buf[pos++] = b;
    }

    /** Hands the chunk to the sender and goes on with a new buffer; {@link #finish} waits for the last chunk. */
    @Override void flush() throws SQLException {
      if (pending == 0) return;
      wrote = true;
      byte[] chunk = buf;
      int length = pos, sent = pending;
      String sql = loadSql(table);
      awaitSent();
      inFlight = sender().submit(() -> {
        send(sql, chunk, length, sent);
        return null;
      });
      buf = new byte[Math.min(chunk.length, CHUNK_BYTES + (1 << 16))];
      pos = 0;
      pending = 0;
    }
  }

  /**
   * The thread that sends chunks, so that the next chunk's text is written while the server loads this one (the
   * server's work and Larder's overlap on two cores); one chunk is in flight at a time, on the load's one connection.
   */
  private java.util.concurrent.ExecutorService sender() {
    if (sender == null) {
      sender = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "larder-load-" + batchId);
        t.setDaemon(true);
        return t;
      });
    }
    return sender;
  }

  /** Waits for the chunk in flight, if any, and throws what failed it. */
  private void awaitSent() throws SQLException {
    java.util.concurrent.Future<Void> f = inFlight;
    if (f == null) return;
    inFlight = null;
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while loading rows", "70100", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SQLException s) throw s;
      throw new SQLException(String.valueOf(e.getCause()), "22000", e.getCause());
    }
  }

  private void send(String sql, byte[] chunk, int length, int rows) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(new ByteArrayInputStream(chunk, 0, length));
      long loaded = st.executeLargeUpdate(sql);
      SQLWarning w = st.getWarnings();
      if (w != null || loaded != rows) {
        throw new SQLException(loaded + " of " + rows + " rows loaded" + (w == null ? "" : ", the server warned: "
            + warnings(w)) + "; the batch is not published", "22000", 0);
      }
    }
  }

  /** The first warnings of a chain, as "code message; ...". */
  static String warnings(SQLWarning w) {
    StringBuilder s = new StringBuilder();
    int n = 0;
    for (; w != null && n < 5; w = w.getNextWarning(), n++) {
      s.append(n == 0 ? "" : "; ").append(w.getErrorCode()).append(' ').append(w.getMessage());
    }
    if (w != null) s.append("; ...");
    return s.toString();
  }

  /** Rows bound into multi-row INSERTs, where the server refuses LOCAL. */
  private final class InsertRows extends Rows {
    private final int perStatement;
    private final List<Object[]> pending = new ArrayList<>();
    private PreparedStatement full;

    InsertRows(RowTable table) {
      super(table);
      perStatement = Math.max(1, INSERT_PARAMETERS / table.width());
    }

    @Override void add(Object... values) throws SQLException {
      pending.add(values);
      rows++;
      if (pending.size() >= perStatement * 10) flush();
    }

    private String insert(int n) {
      String tuple = "(?" + ",?".repeat(table.width() - 1) + ")";
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(table.table()).append(" (").append(columns(table))
          .append(") VALUES ");
      for (int i = 0; i < n; i++) sql.append(i == 0 ? "" : ",").append(tuple);
      return sql.toString();
    }

    @Override void flush() throws SQLException {
      if (pending.isEmpty()) return;
      wrote = true;
      int from = 0;
      while (from < pending.size()) {
        int n = Math.min(perStatement, pending.size() - from);
        PreparedStatement ps;
        if (n == perStatement) {
          if (full == null) full = connection.prepareStatement(insert(n));
          ps = full;
        } else {
          ps = connection.prepareStatement(insert(n));
        }
        try {
          int p = 1;
          for (int i = from; i < from + n; i++) for (Object v : pending.get(i)) ps.setObject(p++, v);
          int loaded = ps.executeUpdate();
          SQLWarning w = ps.getWarnings();
          if (w != null || loaded != n) {
            throw new SQLException(loaded + " of " + n + " rows inserted" + (w == null ? "" : ", the server warned: "
                + warnings(w)) + "; the batch is not published", "22000", 0);
          }
        } finally {
          if (ps != full) ps.close();
        }
        from += n;
      }
      pending.clear();
    }

    @Override void release() {
      try {
        if (full != null) full.close();
      } catch (SQLException ignored) {
        // closing the connection releases it
      }
    }
  }
}
