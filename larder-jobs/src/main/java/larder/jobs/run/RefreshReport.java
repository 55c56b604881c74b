package larder.jobs.run;

import java.util.Locale;
import larder.core.BatchInfo;
import larder.extract.ExtractResult;

/**
 * What one refresh of a recommendations job did ({@code larder run --refresh}), for the summary printed at its end.
 *
 * @param batch the refresh batch published, or null when nothing was newer than the serving state
 * @param baseBatchId the full batch the refresh belongs to
 * @param rowsRead rows the refresh source gave; {@code rowsCovered} of them were at or before the high-water mark
 * @param changedUsers users with new interactions, of whom {@code newUsers} the base batch had never seen
 * @param unknownItems items in the new rows the kept model does not know (left out until the next full run)
 */
public record RefreshReport(
    String job,
    String model,
    BatchInfo batch,
    long baseBatchId,
    long rowsRead,
    long rowsCovered,
    long badRows,
    int changedUsers,
    int newUsers,
    long newInteractions,
    int unknownItems,
    long recommendationRows,
    long readNanos,
    long loadNanos,
    long scoreNanos,
    long publishNanos,
    long totalNanos) implements JobReport {

  /** A short multi-line summary of the refresh. */
  @Override public String summary() {
    StringBuilder s = new StringBuilder();
    if (batch == null) {
      return String.format(Locale.ROOT, "job %s: nothing to refresh: %,d rows read, none newer than the serving"
          + " batch %d (%.1f s)%n", job, rowsRead, baseBatchId, totalNanos / 1e9);
    }
    s.append(String.format(Locale.ROOT, "job %s: published refresh %d of batch %d (%s) in %.1f s%n", job, batch.id(),
        baseBatchId, model, totalNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  input      %,d rows read in %.1f s, %,d already covered, %,d bad;"
        + " %,d new interactions%n", rowsRead, readNanos / 1e9, rowsCovered, badRows, newInteractions));
    s.append(String.format(Locale.ROOT, "  users      %,d changed, %,d of them new; the kept model and their"
        + " histories loaded in %.1f s%n",
        changedUsers, newUsers, loadNanos / 1e9));
    if (unknownItems > 0) {
      s.append(String.format(Locale.ROOT, "  items      %,d new to the model, left out until the next full run%n",
          unknownItems));
    }
    s.append(String.format(Locale.ROOT, "  scoring    %,d users, %,d rows in %.1f s%n", changedUsers,
        recommendationRows, scoreNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  publish    %.2f s (only the changed users' lists)%n", publishNanos / 1e9));
    return s.toString();
  }

  static final class Builder {
    private final String job;
    private final String model;
    private final long base;
    private long rowsRead, rowsCovered, badRows, interactions, recRows;
    private long readNanos, loadNanos, scoreNanos, publishNanos;
    private int changed, newUsers, unknownItems;
    private BatchInfo batch;

    Builder(String job, String model, long base) {
      this.job = job;
      this.model = model;
      this.base = base;
    }

    void read(ExtractResult r, long nanos) {
      rowsRead = r.rowsRead();
      rowsCovered = r.rowsBefore();
      badRows = r.badRows();
      changed = r.interactions().userCount();
      interactions = r.interactions().size();
      readNanos = nanos;
    }

    void loaded(int keptHistories, long nanos) {
      newUsers = changed - keptHistories;
      loadNanos = nanos;
    }

    void unknownItems(int n) { unknownItems = n; }

    int unknownItems() { return unknownItems; }

    void scored(long rows, long nanos) {
      recRows = rows;
      scoreNanos = nanos;
    }

    void published(BatchInfo b, long nanos) {
      batch = b;
      publishNanos = nanos;
    }

    RefreshReport done(long totalNanos) {
      return new RefreshReport(job, model, batch, base, rowsRead, rowsCovered, badRows, changed, newUsers,
          interactions, unknownItems, recRows, readNanos, loadNanos, scoreNanos, publishNanos, totalNanos);
    }
  }
}
