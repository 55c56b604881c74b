package larder.store.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import org.postgresql.copy.CopyIn;

/**
 * One row table's rows of one batch, encoded in COPY text format into a buffer and streamed into an open
 * {@code COPY <partition> (<columns>) FROM STDIN}. Shared by the single-process load ({@link PostgresLoad})
 * and the loader of one part of a batch ({@link PostgresPart}), so both write the same bytes.
 */
final class CopyRows {
  private static final int BUFFER = 1 << 17;
  /** Largest encoding of a segment row's columns besides the batch prefix and the customer id. */
  private static final int SEGMENT_ROW_EXTRA = 1 + 11 + 1 + 16 + 3 * (1 + 25) + 1 + 6 + 1;

  private final RowTable table;
  private final long batchId;
  private final byte[] batchPrefix;
  /** External ids already encoded, per id map (an item's name is written once per list it is in). */
  private final Map<IdMap, byte[][]> encoded;
  private CopyIn copy;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private long rows;
  private long keys;

  CopyRows(RowTable table, long batchId, CopyIn copy, Map<IdMap, byte[][]> encoded) {
    this.table = table;
    this.batchId = batchId;
    this.batchPrefix = (batchId + "\t").getBytes(StandardCharsets.US_ASCII);
    this.copy = copy;
    this.encoded = encoded;
  }

  /** The COPY statement that {@link CopyRows} feeds: {@code table}'s columns in load order, text format. */
  static String copySql(String partition, RowTable table, boolean freeze) {
    return "COPY " + partition + " (" + table.columns() + ") FROM STDIN" + (freeze ? " WITH (FREEZE)" : "");
  }

  RowTable table() { return table; }

  long rows() { return rows; }

  /** Lists, customers or entities written: a ranked list counts once, a segment or score row once. */
  long keys() { return keys; }

  void addList(String key, int[] items, float[] scores, int count, IdMap itemNames) throws SQLException {
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
      row(keyBytes, i + 1, name, scores[i]);
    }
    if (count > 0) keys++;
  }

  void addSegments(SegmentAssignment a, int[] order, int from, int to) throws SQLException {
    for (int i = from; i < to; i++) {
      int c = order == null ? i : order[i];
      segment(copyText(a.customers().name(c)), a, c);
    }
  }

  void addScores(Scores s, int[] order, int from, int to) throws SQLException {
    for (int i = from; i < to; i++) {
      int e = order == null ? i : order[i];
      double score = BatchLoad.storedScore(s, e);
      String label = s.label() == null ? null : s.label()[e];
      score(copyText(s.entities().name(e)), score, label == null ? null : copyText(label));
    }
  }

  /** Sends what is buffered and ends the COPY; returns the rows the server took. */
  long end() throws SQLException {
    flush();
    long n = copy.endCopy();
    copy = null;
    return n;
  }

  /** Cancels the COPY if it is still open; rolling back the transaction ends it as well. */
  void cancel() {
    try {
      if (copy != null && copy.isActive()) copy.cancelCopy();
    } catch (SQLException ignored) {
      // rolling back ends the copy as well
    }
    copy = null;
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

  private void row(byte[] key, int rank, byte[] item, float score) throws SQLException {
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
  private void segment(byte[] customer, SegmentAssignment a, int c) throws SQLException {
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
    keys++;
  }

  /** One entity's score row; a null label is COPY's {@code \\N}. */
  private void score(byte[] entity, double score, byte[] label) throws SQLException {
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
    keys++;
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

  private void flush() throws SQLException {
    if (pos > 0) copy.writeToCopy(buf, 0, pos);
    pos = 0;
  }

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
