package larder.extract;

import larder.core.Progress;

/** Where a table of per-customer numeric features comes from: a file, a query. One call reads everything. */
public interface FeatureSource {
  /**
   * Reads the whole source. Reports {@code update("read", rows, -1, "rows")} about every 100,000 rows.
   *
   * @throws larder.core.InputException when the source cannot be read, has no customers, or has more bad rows
   *     than allowed
   */
  FeatureResult read(Progress p);

  /** Short name for messages: the file name or the query label. */
  String label();
}
