package larder.extract.table;

import java.util.ArrayList;
import java.util.List;
import larder.core.InputException;
import larder.core.Progress;

/**
 * What every source does with rows whatever it makes of them: counts them, reports progress every
 * {@value #PROGRESS_EVERY} rows, keeps the first {@value #SAMPLES} bad rows as samples and fails once
 * there are more than {@code maxBadRows}. Also holds the checks every row shape needs: a field beyond the
 * row's end and an id that is missing.
 */
public final class BadRowCollector {
  public static final int SAMPLES = 10;
  public static final long PROGRESS_EVERY = 100_000;
  public static final String BAD_ROWS_HINT = "fix the rows or raise max_bad_rows; nothing was published";

  private final String source;
  private final long maxBadRows;
  private final Progress progress;
  private final List<String> samples = new ArrayList<>();
  private long rowsRead;
  private long badRows;
  private InputException firstBad;

  /** @param maxBadRows bad rows skipped before failing; 0 fails on the first */
  public BadRowCollector(String source, long maxBadRows, Progress progress) {
    if (maxBadRows < 0) throw new IllegalArgumentException("maxBadRows < 0");
    this.source = source;
    this.maxBadRows = maxBadRows;
    this.progress = progress;
  }

  /** Counts one data row; call before {@link #bad} for it. */
  public void row() {
    if (++rowsRead % PROGRESS_EVERY == 0) progress.update("read", rowsRead, -1, "rows");
  }

  /**
   * Records a bad row; throws once there are more than {@code maxBadRows}, describing the first one.
   *
   * @throws InputException past the limit
   */
  public void bad(long line, String field, String problem) {
    badRows++;
    InputException e = new InputException(source, line, field, problem, BAD_ROWS_HINT);
    if (firstBad == null) firstBad = e;
    if (samples.size() < SAMPLES) samples.add(e.getMessage());
    if (badRows > maxBadRows) {
      throw new InputException(source, firstBad.line(), firstBad.field(),
          firstBad.problem() + " (" + badRows + (badRows == 1 ? " bad row" : " bad rows")
              + " seen, more than max_bad_rows = " + maxBadRows + ")",
          BAD_ROWS_HINT);
    }
  }

  /**
   * True, after recording the row as bad, when the row ends before {@code field} (a short row or the wrong
   * delimiter). False for an absent optional field.
   */
  public boolean missing(long line, Fields fields, FieldRef field) {
    int width = fields.count();
    if (field.index() < width) return false;
    bad(line, field.name(), "missing: column " + (field.index() + 1) + " but the row has " + width
        + (width == 1 ? " field" : " fields") + " (wrong delimiter?)");
    return true;
  }

  /** The id in {@code field}, stripped; null, after recording the row as bad, when it is NULL or empty. */
  public String id(long line, Fields fields, FieldRef field) {
    String s = fields.text(field.index());
    if (s == null) {
      bad(line, field.name(), "NULL id");
      return null;
    }
    s = s.strip();
    if (s.isEmpty()) {
      bad(line, field.name(), "empty id");
      return null;
    }
    return s;
  }

  /**
   * Ends the read: reports the final count, and fails when no row was kept.
   *
   * @param what what the rows were to become, plural ("transactions")
   * @param kept rows kept
   * @param droppedBelow the setting that may also have dropped rows (e.g. "min_weight"), or null
   * @throws InputException when {@code kept} is 0
   */
  public void finish(String what, long kept, String droppedBelow) {
    progress.update("read", rowsRead, rowsRead, "rows");
    if (kept > 0) return;
    if (rowsRead == 0) {
      throw new InputException(source, 0, null, "no " + what + ": no data rows",
          "check the file or query and the header setting");
    }
    throw new InputException(source, 0, null, "no " + what + ": all " + rowsRead + " rows were bad"
        + (droppedBelow == null ? "" : " or below " + droppedBelow),
        droppedBelow == null ? "check the bad rows" : "check " + droppedBelow + " and the bad rows");
  }

  public long rowsRead() { return rowsRead; }

  public long badRows() { return badRows; }

  /** The first {@value #SAMPLES} bad rows, each as {@code source:line: field 'x': problem}. */
  public List<String> samples() { return List.copyOf(samples); }
}
