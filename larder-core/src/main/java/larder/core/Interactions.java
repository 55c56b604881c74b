package larder.core;

/**
 * User-item feedback with its id maps: one row per user (dense id), one column per item, the
 * value being the aggregated weight (sum of duplicates, 1 per event when the source has none).
 * This is what every source produces and every recommender consumes.
 */
public final class Interactions {
  private final IdMap users;
  private final IdMap items;
  private final SparseMatrix byUser;
  private SparseMatrix byItem;

  public Interactions(IdMap users, IdMap items, SparseMatrix byUser) {
    if (byUser.rows() != users.size() || byUser.columns() != items.size()) {
      throw new IllegalArgumentException("matrix " + byUser.rows() + "x" + byUser.columns()
          + " does not match " + users.size() + " users x " + items.size() + " items");
    }
    this.users = users;
    this.items = items;
    this.byUser = byUser;
  }

  public IdMap users() { return users; }
  public IdMap items() { return items; }
  public int userCount() { return users.size(); }
  public int itemCount() { return items.size(); }
  public long size() { return byUser.nonZeros(); }

  /** Rows are users, columns items. */
  public SparseMatrix byUser() { return byUser; }

  /** Rows are items, columns users; computed once on first use. */
  public synchronized SparseMatrix byItem() {
    if (byItem == null) byItem = byUser.transpose();
    return byItem;
  }

  /** The same users and items with different values (e.g. a holdout split). */
  public Interactions withMatrix(SparseMatrix m) {
    return new Interactions(users, items, m);
  }
}
