package larder.core;

/**
 * User-item feedback with its id maps: one row per user (dense id), one column per item, the
 * value being the aggregated weight (sum of duplicates, 1 per event when the source has none).
 * This is what every source produces and every recommender consumes. When the source has timestamps,
 * each stored interaction also carries the time of its latest row ({@link #times()}).
 */
public final class Interactions {
  /** The time of an interaction whose rows had none. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private final IdMap users;
  private final IdMap items;
  private final SparseMatrix byUser;
  private final long[] times;
  private SparseMatrix byItem;

  public Interactions(IdMap users, IdMap items, SparseMatrix byUser) {
    this(users, items, byUser, null);
  }

  /**
   * @param times per stored interaction, aligned with {@code byUser.cols()}, the epoch second of its latest
   *     row or {@link #NO_TIME}; null when the source has no timestamps
   */
  public Interactions(IdMap users, IdMap items, SparseMatrix byUser, long[] times) {
    if (byUser.rows() != users.size() || byUser.columns() != items.size()) {
      throw new IllegalArgumentException("matrix " + byUser.rows() + "x" + byUser.columns()
          + " does not match " + users.size() + " users x " + items.size() + " items");
    }
    if (times != null && times.length < byUser.nonZeros()) {
      throw new IllegalArgumentException(times.length + " times for " + byUser.nonZeros() + " interactions");
    }
    this.users = users;
    this.items = items;
    this.byUser = byUser;
    this.times = times;
  }

  public IdMap users() { return users; }
  public IdMap items() { return items; }
  public int userCount() { return users.size(); }
  public int itemCount() { return items.size(); }
  public long size() { return byUser.nonZeros(); }

  /** Rows are users, columns items. */
  public SparseMatrix byUser() { return byUser; }

  /**
   * Per stored interaction, aligned with {@code byUser().cols()}, the epoch second of its latest row or
   * {@link #NO_TIME}; null when the data has no timestamps. Not a copy.
   */
  public long[] times() { return times; }

  /** Rows are items, columns users; computed once on first use. */
  public synchronized SparseMatrix byItem() {
    if (byItem == null) byItem = byUser.transpose();
    return byItem;
  }

  /** The same users and items with different values (e.g. a holdout split); without times, as the entries differ. */
  public Interactions withMatrix(SparseMatrix m) {
    return new Interactions(users, items, m, null);
  }

  /** The same users and items with different values and their times (null for none). */
  public Interactions withMatrix(SparseMatrix m, long[] times) {
    return new Interactions(users, items, m, times);
  }

  /** The same interactions with their times (null for none), aligned with {@code byUser().cols()}. */
  public Interactions withTimes(long[] times) {
    return new Interactions(users, items, byUser, times);
  }
}
