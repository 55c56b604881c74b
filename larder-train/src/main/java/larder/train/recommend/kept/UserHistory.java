package larder.train.recommend.kept;

import java.util.Arrays;
import java.util.List;
import larder.core.ModelException;
import larder.core.SparseMatrix;

/**
 * One user's merged history as bytes of its own, so that a refresh reads and rewrites only the users it changes
 * (the whole-batch matrix is {@link KeptHistory}'s). Items are dense ids of the batch's kept item dictionary
 * ({@link KeptHistory#readItemIds}), strictly ascending; values are what the source summed each item's rows to.
 * Format version 1:
 * <pre>
 * version  uint8 = 1
 * flags    uint8: bit 0 set when every value is 1 (the values are then left out); other bits 0
 * count    varint: how many items
 * items    count varints: the first item id, then each id minus the one before (>= 1)
 * values   count float32, little-endian, bit for bit (absent with flag bit 0)
 * </pre>
 * Varints are unsigned LEB128, little-endian groups of 7 bits, at most 5 bytes. A binary history of ids that are
 * close together takes about 1-2 bytes an item, a weighted one 5-6, against 8 in the batch matrix.
 */
public final class UserHistory {
  static final int VERSION = 1;
  private static final int ALL_ONES = 1;

  private UserHistory() {}

  /** A decoded history: {@code items[j]} ascending with {@code values[j]}, both exactly {@link #size()} long. */
  public record Decoded(int[] items, float[] values) {
    public int size() { return items.length; }
  }

  /** Row {@code u} of a user-major matrix (columns ascending and unique, as {@link SparseMatrix} keeps them). */
  public static byte[] encode(SparseMatrix byUser, int u) {
    int start = byUser.rowStart(u);
    int n = byUser.rowLength(u);
    return encode(byUser.cols(), byUser.vals(), start, n);
  }

  /**
   * The first {@code count} items and values.
   *
   * @throws IllegalArgumentException when the items are not strictly ascending dense ids (>= 0)
   */
  public static byte[] encode(int[] items, float[] values, int count) {
    if (count < 0 || count > items.length || count > values.length) {
      throw new IllegalArgumentException(count + " entries of " + items.length + " items and " + values.length
          + " values");
    }
    return encode(items, values, 0, count);
  }

  private static byte[] encode(int[] items, float[] values, int from, int count) {
    boolean allOnes = true;
    for (int j = from; j < from + count; j++) {
      if (items[j] < 0 || (j > from && items[j] <= items[j - 1])) {
        throw new IllegalArgumentException("items must be strictly ascending dense ids; entry " + (j - from)
            + " is " + items[j] + (j > from ? " after " + items[j - 1] : ""));
      }
      if (Float.floatToRawIntBits(values[j]) != Float.floatToRawIntBits(1f)) allOnes = false;
    }
    byte[] out = new byte[2 + 5 + 5 * count + (allOnes ? 0 : 4 * count)];
    out[0] = VERSION;
    out[1] = (byte) (allOnes ? ALL_ONES : 0);
    int at = varint(out, 2, count);
    int previous = 0;
    for (int j = from; j < from + count; j++) {
      at = varint(out, at, j == from ? items[j] : items[j] - previous);
      previous = items[j];
    }
    if (!allOnes) {
      for (int j = from; j < from + count; j++) {
        int bits = Float.floatToRawIntBits(values[j]);
        out[at++] = (byte) bits;
        out[at++] = (byte) (bits >>> 8);
        out[at++] = (byte) (bits >>> 16);
        out[at++] = (byte) (bits >>> 24);
      }
    }
    return Arrays.copyOf(out, at);
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @param what names the bytes in errors ("the kept history of user 'ada' in batch 12")
   * @throws ModelException when the bytes are damaged or of another version
   */
  public static Decoded decode(byte[] bytes, String what) {
    Reader r = new Reader(bytes, what);
    if (bytes.length < 2) throw r.damaged("is " + bytes.length + " bytes long, shorter than its header");
    if (bytes[0] != VERSION) {
      throw new ModelException(what + " has history format version " + (bytes[0] & 0xff) + "; this Larder reads "
          + "version " + VERSION, "run the job again to keep fresh histories");
    }
    int flags = bytes[1] & 0xff;
    if ((flags & ~ALL_ONES) != 0) throw r.damaged("has unknown flags " + flags);
    boolean allOnes = (flags & ALL_ONES) != 0;
    r.at = 2;
    int count = r.varint();
    // Each item takes at least one byte, and each value four: a count beyond that is damage, not a huge history.
    long least = (long) count * (allOnes ? 1 : 5);
    if (least > bytes.length - r.at) throw r.damaged("says it holds " + count + " items but has too few bytes");
    int[] items = new int[count];
    long item = 0;
    for (int j = 0; j < count; j++) {
      int gap = r.varint();
      if (j > 0 && gap == 0) throw r.damaged("repeats item " + item + " at entry " + j);
      item = j == 0 ? gap : item + gap;
      if (item > Integer.MAX_VALUE) throw r.damaged("has an item id beyond " + Integer.MAX_VALUE);
      items[j] = (int) item;
    }
    float[] values = new float[count];
    if (allOnes) {
      Arrays.fill(values, 1f);
    } else {
      if (bytes.length - r.at < 4L * count) throw r.damaged("ends inside its values");
      for (int j = 0; j < count; j++, r.at += 4) {
        values[j] = Float.intBitsToFloat((bytes[r.at] & 0xff) | (bytes[r.at + 1] & 0xff) << 8
            | (bytes[r.at + 2] & 0xff) << 16 | (bytes[r.at + 3] & 0xff) << 24);
      }
    }
    if (r.at != bytes.length) throw r.damaged("has " + (bytes.length - r.at) + " bytes after its values");
    return new Decoded(items, values);
  }

  /**
   * A user's history with new interactions merged in, as the extract merges a pair's rows: an item's value is
   * its old value plus its new values in the order given, summed in double and rounded to float once, which is
   * what the extract gives for the old value as one row followed by the new rows. With {@code binary} (a source
   * without weights) every item's value is 1 however many rows it had. Items listed only in the new rows are
   * added; nothing is removed, not even an item whose values sum to 0, which the extract keeps too.
   *
   * @param old the user's history so far, or null for a user the batch has not seen
   * @param newItems dense item ids, in any order, repeats allowed
   * @param what names {@code old} in errors
   * @throws ModelException when {@code old} is damaged
   */
  public static byte[] merge(byte[] old, int[] newItems, float[] newValues, int count, boolean binary, String what) {
    if (count < 0 || count > newItems.length || count > newValues.length) {
      throw new IllegalArgumentException(count + " entries of " + newItems.length + " items and " + newValues.length
          + " values");
    }
    Decoded before = old == null ? new Decoded(new int[0], new float[0]) : decode(old, what);
    // The new rows sorted by (item, position): sums then run in the order the rows were given.
    long[] keys = new long[count];
    for (int j = 0; j < count; j++) {
      if (newItems[j] < 0) throw new IllegalArgumentException("new item " + newItems[j] + " at " + j + " is not a dense id");
      keys[j] = ((long) newItems[j] << 32) | j;
    }
    Arrays.sort(keys);
    int[] items = new int[before.size() + count];
    float[] values = new float[items.length];
    int n = 0;
    int p = 0;
    int k = 0;
    while (p < before.size() || k < count) {
      int nextNew = k < count ? (int) (keys[k] >>> 32) : Integer.MAX_VALUE;
      int item = p < before.size() ? Math.min(before.items()[p], nextNew) : nextNew;
      double sum = 0;
      if (p < before.size() && before.items()[p] == item) sum += before.values()[p++];
      for (; k < count && (int) (keys[k] >>> 32) == item; k++) sum += newValues[(int) keys[k]];
      items[n] = item;
      values[n++] = binary ? 1f : (float) sum;
    }
    return encode(items, values, n);
  }

  /** {@link #merge(byte[], int[], float[], int, boolean, String)} naming the old bytes "the kept history". */
  public static byte[] merge(byte[] old, int[] newItems, float[] newValues, int count, boolean binary) {
    return merge(old, newItems, newValues, count, binary, "the kept history");
  }

  /**
   * The histories as one user-major matrix, row r from {@code histories.get(r)}; a null entry is an empty row
   * (a new user with no history yet).
   *
   * @param items the kept item dictionary's size: the matrix's columns
   * @throws ModelException when a history is damaged or holds an item outside the dictionary
   */
  public static SparseMatrix matrix(List<byte[]> histories, int items) {
    int rows = histories.size();
    Decoded[] decoded = new Decoded[rows];
    int[] ptr = new int[rows + 1];
    for (int r = 0; r < rows; r++) {
      byte[] b = histories.get(r);
      String what = "history " + r + " of " + rows;
      decoded[r] = b == null ? new Decoded(new int[0], new float[0]) : decode(b, what);
      int size = decoded[r].size();
      if (size > 0 && decoded[r].items()[size - 1] >= items) {
        throw new ModelException(what + " holds item " + decoded[r].items()[size - 1] + ", outside the kept "
            + items + " items (0.." + (items - 1) + ")", "run the job again to keep a fresh model and histories");
      }
      ptr[r + 1] = Math.addExact(ptr[r], size);
    }
    int[] cols = new int[ptr[rows]];
    float[] vals = new float[ptr[rows]];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(decoded[r].items(), 0, cols, ptr[r], decoded[r].size());
      System.arraycopy(decoded[r].values(), 0, vals, ptr[r], decoded[r].size());
    }
    return new SparseMatrix(rows, items, ptr, cols, vals);
  }

  private static int varint(byte[] out, int at, int v) {
    while ((v & ~0x7f) != 0) {
      out[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
  }

  /** A cursor over the bytes that names them in its errors. */
  private static final class Reader {
    private final byte[] bytes;
    private final String what;
    int at;

    Reader(byte[] bytes, String what) {
      this.bytes = bytes;
      this.what = what;
    }

    int varint() {
      long v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        if (at >= bytes.length) throw damaged("ends inside a number");
        int b = bytes[at++] & 0xff;
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (v > Integer.MAX_VALUE) throw damaged("has a number beyond " + Integer.MAX_VALUE);
          return (int) v;
        }
      }
      throw damaged("has a number longer than 5 bytes");
    }

    ModelException damaged(String detail) {
      return new ModelException(what + " is damaged: it " + detail,
          "run the job again to keep fresh histories; the current batch is still serving");
    }
  }
}
