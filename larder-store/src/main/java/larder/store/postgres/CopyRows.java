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
 * One row table's rows of one batch, encoded in COPY's binary format into a buffer and streamed into an open
 * {@code COPY <partition> (<columns>) FROM STDIN WITH (FORMAT binary)}. Shared by the single-process load
 * ({@link PostgresLoad}) and the loader of one part of a batch ({@link PostgresPart}), so both write the same bytes.
 * Binary rather than text: numbers go as their bits (no {@code Float.toString} here, no {@code float4in} on the
 * server) and ids as their UTF-8 bytes, unescaped; the server checks the UTF-8 of text fields as it does in text
 * format, so a NUL character is refused alike. The field types must be the columns' own ({@link RowTable}):
 * batch_id bigint, ids text (a segment fallback list's key integer), rank and segment_id integer, ranked scores and
 * distances real, RFM values and entity scores double precision, rfm_score and label text.
 */
final class CopyRows {
  private static final int BUFFER = 1 << 17;
  /** The binary format's signature, flags (no OIDs) and header extension length (none). */
  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};

  private final RowTable table;
  private final long batchId;
  /** External ids already encoded, per id map (an item's name is written once per list it is in). */
  private final Map<IdMap, byte[][]> encoded;
  private CopyIn copy;
  private byte[] buf = new byte[BUFFER];
  private int pos;
  private long rows;
  private long keys;

  CopyRows(RowTable table, long batchId, CopyIn copy, Map<IdMap, byte[][]> encoded) {
    this.table = table;
    this.batchId = batchId;
    this.copy = copy;
    this.encoded = encoded;
    System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
    pos = HEADER.length;
  }

  /** The COPY statement that {@link CopyRows} feeds: {@code table}'s columns in load order, binary format. */
  static String copySql(String partition, RowTable table, boolean freeze) {
    return "COPY " + partition + " (" + table.columns() + ") FROM STDIN WITH (FORMAT binary"
        + (freeze ? ", FREEZE" : "") + ")";
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
    byte[] keyBytes = key == null || table.integerKey() ? null : utf8(key);
    int keyInt = table.integerKey() ? Integer.parseInt(key) : 0;
    int keyField = key == null ? 0 : table.integerKey() ? 8 : 4 + keyBytes.length;
    short fields = (short) table.width();
    for (int i = 0; i < count; i++) {
      int item = items[i];
      byte[] name = names[item];
      if (name == null) name = names[item] = utf8(itemNames.name(item));
      room(2 + 12 + keyField + 8 + 4 + name.length + 8);
      putShort(fields);
      putLong(batchId);
      if (keyBytes != null) {
        putText(keyBytes);
      } else if (key != null) {
        putInt(4);
        putInt(keyInt);
      }
      putInt(4);
      putInt(i + 1);
      putText(name);
      putInt(4);
      putInt(Float.floatToIntBits(scores[i]));
      rows++;
    }
    if (count > 0) keys++;
  }

  void addSegments(SegmentAssignment a, int[] order, int from, int to) throws SQLException {
    SegmentAssignment.Rfm rfm = a.rfm();
    for (int i = from; i < to; i++) {
      int c = order == null ? i : order[i];
      byte[] customer = utf8(a.customers().name(c));
      room(2 + 12 + 4 + customer.length + 8 + 8 + 3 * 12 + 4 + 3);
      putShort((short) 8);
      putLong(batchId);
      putText(customer);
      putInt(4);
      putInt(a.segment()[c]);
      putInt(4);
      putInt(Float.floatToIntBits(a.distance()[c]));
      if (rfm == null) {
        for (int k = 0; k < 4; k++) putInt(-1);
      } else {
        putDouble(rfm.recencyDays()[c]);
        putDouble(rfm.frequency()[c]);
        putDouble(rfm.monetary()[c]);
        short score = rfm.score()[c];
        if (score == 0) {
          putInt(-1);
        } else {
          int lengthAt = pos;
          pos += 4;
          pos = writeInt(buf, pos, score);
          putIntAt(lengthAt, pos - lengthAt - 4);
        }
      }
      rows++;
      keys++;
    }
  }

  void addScores(Scores s, int[] order, int from, int to) throws SQLException {
    for (int i = from; i < to; i++) {
      int e = order == null ? i : order[i];
      double score = BatchLoad.storedScore(s, e);
      String label = s.label() == null ? null : s.label()[e];
      byte[] entity = utf8(s.entities().name(e));
      byte[] labelBytes = label == null ? null : utf8(label);
      room(2 + 12 + 4 + entity.length + 12 + 4 + (labelBytes == null ? 0 : labelBytes.length));
      putShort((short) 4);
      putLong(batchId);
      putText(entity);
      putDouble(score);
      if (labelBytes == null) putInt(-1);
      else putText(labelBytes);
      rows++;
      keys++;
    }
  }

  /** Sends what is buffered and the trailer, and ends the COPY; returns the rows the server took. */
  long end() throws SQLException {
    room(2);
    putShort((short) -1);
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

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Makes room for a row of {@code need} bytes: sends what is buffered when full; grows for a row longer than it. */
  private void room(int need) throws SQLException {
    if (pos + need <= buf.length) return;
    flush();
    if (need > buf.length) buf = new byte[need];
  }

  private void flush() throws SQLException {
    if (pos > 0) copy.writeToCopy(buf, 0, pos);
    pos = 0;
  }

  private void putShort(short v) {
    buf[pos++] = (byte) (v >>> 8);
    buf[pos++] = (byte) v;
  }

  private void putInt(int v) {
    putIntAt(pos, v);
    pos += 4;
  }

  private void putIntAt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  /** A bigint field: length 8, then the value. */
  private void putLong(long v) {
    putInt(8);
    putInt((int) (v >>> 32));
    putInt((int) v);
  }

  /** A double precision field: length 8, then the bits (exactly the value). */
  private void putDouble(double v) {
    putLong(Double.doubleToLongBits(v));
  }

  /** A text field: length, then the UTF-8 bytes. */
  private void putText(byte[] b) {
    putInt(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
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
