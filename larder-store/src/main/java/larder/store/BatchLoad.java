package larder.store;

import larder.core.Scores;

/**
 * A bulk load of one batch's rows, used by one thread. SQLite inserts with prepared multi-row
 * statements inside one transaction; PostgreSQL streams each table through {@code COPY} into the
 * batch's own partition, which is indexed and attached by {@link #finish()}. Until the batch is made
 * current nothing here is visible through the views.
 */
public interface BatchLoad extends RowSink, AutoCloseable {
  /** Makes every row durable, indexed and part of the row tables. The load is over afterwards. */
  void finish();

  /** Discards everything this load wrote; safe after a failure and after {@link #finish()}. */
  void abort();

  /** Aborts unless finished. */
  @Override void close();

  /**
   * The score of entity {@code e} as stored: -0.0 becomes 0.0.
   *
   * @throws IllegalArgumentException when it cannot be stored (see {@link #addScores(Scores, int[], int, int)})
   */
  static double storedScore(Scores s, int e) {
    double v = s.score()[e];
    if (!Double.isFinite(v)) throw badScore(s, e, "score " + v + " is not a finite number");
    if (s.entities().name(e).indexOf('\0') >= 0) throw badScore(s, e, "the entity id holds a NUL character");
    String label = s.label() == null ? null : s.label()[e];
    if (label != null && label.indexOf('\0') >= 0) throw badScore(s, e, "its label holds a NUL character");
    return v == 0 ? 0.0 : v;
  }

  private static IllegalArgumentException badScore(Scores s, int e, String problem) {
    return new IllegalArgumentException("entity '" + s.entities().name(e).replace("\0", "\\0") + "': " + problem);
  }
}
