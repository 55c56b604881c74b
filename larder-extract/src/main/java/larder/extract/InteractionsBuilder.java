package larder.extract;

import java.util.Arrays;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;

/**
 * Collects (user, item, weight, time) rows into growing primitive arrays and turns them into
 * {@link Interactions}: ids interned in first-seen order, rows sorted by (user, item), duplicates summed.
 *
 * <p>Rows with a weight below {@link #minWeight(float)} are dropped before interning (so explicit ratings
 * can become implicit feedback: keep 4 stars and up); with {@link #binary(boolean)} every stored pair gets
 * weight 1 however many rows it had. Memory is about 12 bytes per row, plus 8 when rows carry times; no
 * per-row objects are kept. Not thread-safe.
 */
public final class InteractionsBuilder {
  /** The time of a row that has none. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private final IdMap users;
  private final IdMap items;
  /**
   * Rows are kept in blocks of 2^shift, so that growing never copies the rows added so far (at ten million
   * rows the copies, and the fresh memory they touch, cost about as much as the parsing); {@link #build} joins
   * them once.
   */
  private final int shift;
  private int[][] u = new int[16][];
  private int[][] i = new int[16][];
  private float[][] w = new float[16][];
  /** Null until a row has a time. */
  private long[][] t;
  private int n;
  private float minWeight = Float.NEGATIVE_INFINITY;
  private boolean binary;
  private long belowMinWeight;
  private long duplicatesMerged;
  private long[] lastSeen;
  /** The last row's ids and their dense ids: rows of one user often come together, and then skip the lookup. */
  private String lastUser;
  private int lastUserId;
  private String lastItem;
  private int lastItemId;

  public InteractionsBuilder() {
    this(1 << 12);
  }

  /** @param expectedRows a size hint; up to 2^16 rows are kept per block */
  public InteractionsBuilder(int expectedRows) {
    int cap = Math.max(16, expectedRows);
    users = new IdMap(Math.min(cap, 1 << 16));
    items = new IdMap(Math.min(cap, 1 << 16));
    shift = 32 - Integer.numberOfLeadingZeros(Math.min(cap, 1 << 16) - 1);
  }

  /** Rows whose weight is below {@code min} are dropped and counted; NEGATIVE_INFINITY keeps all. */
  public InteractionsBuilder minWeight(float min) {
    if (Float.isNaN(min)) throw new IllegalArgumentException("minWeight is NaN");
    this.minWeight = min;
    return this;
  }

  /** When true, every stored (user, item) gets weight 1. */
  public InteractionsBuilder binary(boolean binary) {
    this.binary = binary;
    return this;
  }

  /**
   * Adds one row.
   *
   * @param epochSecond the row's time, or {@link #NO_TIME}
   * @return false when the row was dropped for its weight
   */
  public boolean add(String user, String item, float weight, long epochSecond) {
    if (weight < minWeight) {
      belowMinWeight++;
      return false;
    }
    if (n == Integer.MAX_VALUE - 8) throw new IllegalStateException("more than " + n + " rows");
    int b = n >>> shift;
    int at = n & ((1 << shift) - 1);
    if (at == 0) newBlock(b);
    if (!user.equals(lastUser)) {
      lastUserId = users.intern(user);
      lastUser = user;
    }
    if (!item.equals(lastItem)) {
      lastItemId = items.intern(item);
      lastItem = item;
    }
    u[b][at] = lastUserId;
    i[b][at] = lastItemId;
    w[b][at] = weight;
    if (epochSecond != NO_TIME && t == null) {
      t = new long[u.length][];
      for (int k = 0; k <= b; k++) {
        t[k] = new long[1 << shift];
        Arrays.fill(t[k], NO_TIME);
      }
    }
    if (t != null) t[b][at] = epochSecond;
    n++;
    return true;
  }

  private void newBlock(int b) {
    if (b == u.length) {
      int c = b * 2;
      u = Arrays.copyOf(u, c);
      i = Arrays.copyOf(i, c);
      w = Arrays.copyOf(w, c);
      if (t != null) t = Arrays.copyOf(t, c);
    }
    u[b] = new int[1 << shift];
    i[b] = new int[1 << shift];
    w[b] = new float[1 << shift];
    if (t != null) {
      t[b] = new long[1 << shift];
      Arrays.fill(t[b], NO_TIME);
    }
  }

  /** The blocks of {@code blocks} joined into one array of the first {@link #n} rows. */
  private Object join(Object[] blocks, Object into) {
    int size = 1 << shift;
    for (int from = 0; from < n; from += size) {
      System.arraycopy(blocks[from >>> shift], 0, into, from, Math.min(size, n - from));
    }
    return into;
  }

  /** Rows held so far (kept rows, before merging duplicates). */
  public int rows() { return n; }

  public long belowMinWeight() { return belowMinWeight; }

  /** Rows merged into an earlier row of the same pair; set by {@link #build()}. */
  public long duplicatesMerged() { return duplicatesMerged; }

  /** Latest time per stored pair, aligned with the built matrix; null when no row had a time. Set by {@link #build()}. */
  public long[] lastSeen() { return lastSeen; }

  /**
   * Sorts and aggregates the rows: a counting sort by user, then each user's rows sorted by item (packed
   * with the row index into one long, so no comparator and no boxing), summing weights in double.
   */
  public Interactions build() {
    int[] u = (int[]) join(this.u, new int[n]);
    int[] i = (int[]) join(this.i, new int[n]);
    float[] w = (float[]) join(this.w, new float[n]);
    long[] t = this.t == null ? null : (long[]) join(this.t, new long[n]);
    int nu = users.size();
    int[] ptr = new int[nu + 1];
    for (int r = 0; r < n; r++) ptr[u[r] + 1]++;
    for (int x = 0; x < nu; x++) ptr[x + 1] += ptr[x];
    int[] fill = Arrays.copyOf(ptr, nu);
    long[] keys = new long[n];
    for (int r = 0; r < n; r++) keys[fill[u[r]]++] = ((long) i[r] << 32) | r;
    int[] cols = new int[n];
    float[] vals = new float[n];
    long[] last = t == null ? null : new long[n];
    int nnz = 0;
    int start = 0;
    for (int x = 0; x < nu; x++) {
      int end = ptr[x + 1];
      Arrays.sort(keys, start, end);
      int k = start;
      while (k < end) {
        int item = (int) (keys[k] >>> 32);
        double sum = 0;
        long latest = NO_TIME;
        int m = k;
        for (; m < end && (int) (keys[m] >>> 32) == item; m++) {
          int r = (int) keys[m];
          sum += w[r];
          if (last != null && t[r] > latest) latest = t[r];
        }
        cols[nnz] = item;
        vals[nnz] = binary ? 1f : (float) sum;
        if (last != null) last[nnz] = latest;
        nnz++;
        k = m;
      }
      ptr[x] = nnz; // the output end of row x for now; ptr[x + 1] is still the input end read above
      start = end;
    }
    // Shift the output ends right by one to get CSR starts.
    System.arraycopy(ptr, 0, ptr, 1, nu);
    ptr[0] = 0;
    duplicatesMerged = n - (long) nnz;
    if (nnz < n) {
      cols = Arrays.copyOf(cols, nnz);
      vals = Arrays.copyOf(vals, nnz);
      if (last != null) last = Arrays.copyOf(last, nnz);
    }
    lastSeen = last;
    return new Interactions(users, items, new SparseMatrix(nu, items.size(), ptr, cols, vals));
  }
}
