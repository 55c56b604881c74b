package larder.store.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Store;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Bulk load into PostgreSQL. Each row table gets a partition of its own, created in the load's
 * transaction, filled with {@code COPY ... FROM STDIN (FREEZE)} (rows written frozen: no later vacuum
 * pass over them), then given its primary key and its table's other {@linkplain RowTable#indexes()
 * indexes} (one sorted index build beats maintaining it row by row) and statistics, and committed.
 * {@link #finish()} attaches the partitions; the {@code CHECK (batch_id = id)} created with each table
 * proves the partition bound, so ATTACH does not scan it.
 * One connection per table, because a connection carries one COPY at a time and lists of several
 * tables arrive interleaved. Used by one thread.
 */
final class PostgresLoad implements BatchLoad {
  private static final int BUFFER = 1 << 17;

  private final Store store;
  private final long batchId;
  private final byte[] batchPrefix;
  private final Part[] parts = new Part[RowTable.values().length];
  private final Map<IdMap, byte[][]> encoded = new IdentityHashMap<>();
  private boolean committed;
  private boolean finished;

  PostgresLoad(Store store, long batchId) {
    this.store = store;
    this.batchId = batchId;
    this.batchPrefix = (batchId + "\t").getBytes(StandardCharsets.US_ASCII);
  }

  @Override public void addList(RowTable table, String key, int[] items, float[] scores, int count, IdMap itemNames) {
    if (!table.ranked()) throw new IllegalArgumentException(table + " is not a table of ranked lists");
    Part p = parts[table.ordinal()];
    try {
      if (p == null) p = parts[table.ordinal()] = new Part(table);
      byte[][] names = encoded.get(itemNames);
      if (names == null || names.length < itemNames.size()) {
        names = names == null ? new byte[itemNames.size()][] : Arrays.copyOf(names, itemNames.size());
        encoded.put(itemNames, names);
      }
      byte[] keyBytes = key == null ? null : copyText(key);
      for (int i = 0; i < count; i++) {
        int item = items[i];
        byte[] name = names[item];
        if (name == null) name = names[item] = copyText(itemNames.name(item));
        p.row(keyBytes, i + 1, name, scores[i]);
      }
    } catch (SQLException e) {
      throw store.failure("copy rows of batch " + batchId + " into " + PostgresDialect.partition(table, batchId), e);
    }
  }

  @Override public void addSegments(SegmentAssignment a, int[] order, int from, int to) {
    RowTable table = RowTable.SEGMENTS;
    try {
      Part p = parts[table.ordinal()];
      if (p == null) p = parts[table.ordinal()] = new Part(table);
      for (int i = from; i < to; i++) {
        int c = order == null ? i : order[i];
        p.segment(copyText(a.customers().name(c)), a, c);
      }
    } catch (SQLException e) {
      throw store.failure("copy rows of batch " + batchId + " into " + PostgresDialect.partition(table, batchId), e);
    }
  }

  @Override public void addScores(Scores s, int[] order, int from, int to) {
    RowTable table = RowTable.SCORES;
    try {
      Part p = parts[table.ordinal()];
      if (p == null) p = parts[table.ordinal()] = new Part(table);
      for (int i = from; i < to; i++) {
        int e = order == null ? i : order[i];
        double score = BatchLoad.storedScore(s, e);
        String label = s.label() == null ? null : s.label()[e];
        p.score(copyText(s.entities().name(e)), score, label == null ? null : copyText(label));
      }
    } catch (SQLException e) {
      throw store.failure("copy rows of batch " + batchId + " into " + PostgresDialect.partition(table, batchId), e);
    }
  }

  @Override public long rows(RowTable table) {
    Part p = parts[table.ordinal()];
    return p == null ? 0 : p.rows;
  }

  @Override public void finish() {
    String step = "finish loading batch " + batchId;
    try {
      for (Part p : parts) {
        if (p != null) p.complete();
      }
      committed = true;
      step = "attach the partitions of batch " + batchId;
      try (Connection c = store.connection()) {
        for (Part p : parts) {
          if (p == null) continue;
          // ATTACH takes SHARE UPDATE EXCLUSIVE on the parent: readers of the views go on
          Store.execute(c, "ALTER TABLE " + p.table.table() + " ATTACH PARTITION " + p.name
              + " FOR VALUES IN (" + batchId + ")");
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

  /** COPY text format: backslash, tab, newline and carriage return are escaped; UTF-8 otherwise. */
  static byte[] copyText(String s) {
    boolean plain = true;
    for (int i = 0; i < s.length() && plain; i++) {
      char ch = s.charAt(i);
      plain = ch != '\\' && ch != '\t' && ch != '\n' && ch != '\r';
    }
    if (!plain) {
      s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One table's partition: its connection, open transaction and COPY stream. */
  private final class Part {
    final RowTable table;
    final String name;
    final Connection connection;
    CopyIn copy;
    final byte[] buf;
    int pos;
    long rows;
    boolean done;

    Part(RowTable table) throws SQLException {
      this.table = table;
      this.name = PostgresDialect.partition(table, batchId);
      this.connection = store.connection();
      boolean ok = false;
      try {
        connection.setAutoCommit(false);
        Store.execute(connection, "CREATE TABLE " + name + " (LIKE " + table.table() + " INCLUDING DEFAULTS,"
            + " CONSTRAINT " + name + "_batch CHECK (batch_id = " + batchId + "))");
        copy = connection.unwrap(PGConnection.class).getCopyAPI()
            .copyIn("COPY " + name + " (" + table.columns() + ") FROM STDIN WITH (FREEZE)");
        ok = true;
      } finally {
        if (!ok) discard();
      }
      buf = new byte[BUFFER];
    }

    void row(byte[] key, int rank, byte[] item, float score) throws SQLException {
      int need = batchPrefix.length + (key == null ? 0 : key.length + 1) + 12 + item.length + 1 + 16 + 1;
      if (pos + need > buf.length) flush();
      if (need > buf.length) {
        byte[] whole = rowBytes(key, rank, item, score);
        copy.writeToCopy(whole, 0, whole.length);
        rows++;
        return;
      }
      System.arraycopy(batchPrefix, 0, buf, pos, batchPrefix.length);
      pos += batchPrefix.length;
      if (key != null) {
        System.arraycopy(key, 0, buf, pos, key.length);
        pos += key.length;
        buf[pos++] = '\t';
      }
      pos = writeInt(buf, pos, rank);
      buf[pos++] = '\t';
      System.arraycopy(item, 0, buf, pos, item.length);
      pos += item.length;
      buf[pos++] = '\t';
      String s = Float.toString(score);
      for (int i = 0; i < s.length(); i++) buf[pos++] = (byte) s.charAt(i);
      buf[pos++] = '\n';
      rows++;
    }

    /** One customer's segment row; null RFM columns are COPY's {@code \\N}. */
    void segment(byte[] customer, SegmentAssignment a, int c) throws SQLException {
      int need = batchPrefix.length + customer.length + SEGMENT_ROW_EXTRA;
      if (pos + need > buf.length) flush();
      if (need > buf.length) {
        byte[] whole = new byte[need]; // an id longer than the buffer
        int end = segmentRow(whole, 0, customer, a, c);
        copy.writeToCopy(whole, 0, end);
      } else {
        pos = segmentRow(buf, pos, customer, a, c);
      }
      rows++;
    }

    /** One entity's score row; a null label is COPY's {@code \\N}. */
    void score(byte[] entity, double score, byte[] label) throws SQLException {
      int need = batchPrefix.length + entity.length + 1 + 25 + 1 + (label == null ? 2 : label.length) + 1;
      if (pos + need > buf.length) flush();
      if (need > buf.length) {
        byte[] whole = new byte[need]; // an id or label longer than the buffer
        int end = scoreRow(whole, 0, entity, score, label);
        copy.writeToCopy(whole, 0, end);
      } else {
        pos = scoreRow(buf, pos, entity, score, label);
      }
      rows++;
    }

    private int scoreRow(byte[] b, int at, byte[] entity, double score, byte[] label) {
      System.arraycopy(batchPrefix, 0, b, at, batchPrefix.length);
      at += batchPrefix.length;
      System.arraycopy(entity, 0, b, at, entity.length);
      at += entity.length;
      b[at++] = '\t';
      // the shortest text that reads back as the same double: float8in parses it exactly
      at = writeAscii(b, at, Double.toString(score));
      b[at++] = '\t';
      if (label == null) {
        b[at++] = '\\';
        b[at++] = 'N';
      } else {
        System.arraycopy(label, 0, b, at, label.length);
        at += label.length;
      }
      b[at++] = '\n';
      return at;
    }

    private int segmentRow(byte[] b, int at, byte[] customer, SegmentAssignment a, int c) {
      System.arraycopy(batchPrefix, 0, b, at, batchPrefix.length);
      at += batchPrefix.length;
      System.arraycopy(customer, 0, b, at, customer.length);
      at += customer.length;
      b[at++] = '\t';
      at = writeInt(b, at, a.segment()[c]);
      b[at++] = '\t';
      at = writeAscii(b, at, Float.toString(a.distance()[c]));
      SegmentAssignment.Rfm rfm = a.rfm();
      if (rfm == null) {
        for (int k = 0; k < 4; k++) {
          b[at++] = '\t';
          b[at++] = '\\';
          b[at++] = 'N';
        }
      } else {
        b[at++] = '\t';
        at = writeAscii(b, at, Double.toString(rfm.recencyDays()[c]));
        b[at++] = '\t';
        at = writeAscii(b, at, Double.toString(rfm.frequency()[c]));
        b[at++] = '\t';
        at = writeAscii(b, at, Double.toString(rfm.monetary()[c]));
        b[at++] = '\t';
        short score = rfm.score()[c];
        if (score == 0) {
          b[at++] = '\\';
          b[at++] = 'N';
        } else {
          at = writeInt(b, at, score);
        }
      }
      b[at++] = '\n';
      return at;
    }

    private byte[] rowBytes(byte[] key, int rank, byte[] item, float score) {
      // an id longer than the buffer: rare enough to build the row on its own
      String k = key == null ? "" : new String(key, StandardCharsets.UTF_8) + "\t";
      return (batchId + "\t" + k + rank + "\t" + new String(item, StandardCharsets.UTF_8) + "\t" + score + "\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    void flush() throws SQLException {
      if (pos > 0) copy.writeToCopy(buf, 0, pos);
      pos = 0;
    }

    void complete() throws SQLException {
      flush();
      copy.endCopy();
      copy = null;
      Store.execute(connection,
          "SET LOCAL maintenance_work_mem = '256MB'",
          "ALTER TABLE " + name + " ADD CONSTRAINT " + name + "_pkey PRIMARY KEY (" + table.primaryKey() + ")");
      // built here, beside the rows, so ATTACH finds an equivalent index and adopts it instead of building one
      for (RowTable.Index ix : table.indexes()) {
        Store.execute(connection,
            "CREATE INDEX " + name + "_" + ix.suffix() + " ON " + name + " (" + ix.columns() + ")");
      }
      Store.execute(connection, "ANALYZE " + name);
      connection.commit();
      done = true;
      close();
    }

    void discard() {
      try {
        if (copy != null && copy.isActive()) copy.cancelCopy();
      } catch (SQLException ignored) {
        // rolling back ends the copy as well
      }
      copy = null;
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

  /** Largest encoding of a segment row's columns besides the batch prefix and the customer id. */
  private static final int SEGMENT_ROW_EXTRA = 1 + 11 + 1 + 16 + 3 * (1 + 25) + 1 + 6 + 1;

  private static int writeAscii(byte[] b, int pos, String s) {
    for (int i = 0; i < s.length(); i++) b[pos++] = (byte) s.charAt(i);
    return pos;
  }

  private static int writeInt(byte[] b, int pos, int v) {
    if (v == 0) {
      b[pos++] = '0';
      return pos;
    }
    int start = pos;
    while (v > 0) {
      b[pos++] = (byte) ('0' + v % 10);
      v /= 10;
    }
    for (int i = start, j = pos - 1; i < j; i++, j--) {
      byte t = b[i];
      b[i] = b[j];
      b[j] = t;
    }
    return pos;
  }
}
