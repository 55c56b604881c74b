package larder.extract.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.formats.Ids;
import larder.extract.formats.TimeWindow;
import larder.extract.formats.Timestamps;

/**
 * What every source does with rows whatever it makes of them: counts them, reports progress every
 * {@value #PROGRESS_EVERY} rows, keeps the first {@value #SAMPLES} bad rows as samples and fails once
 * there are more than {@code maxBadRows}. Also holds the checks every row shape needs, so that every source
 * and every store accepts the same: a field beyond the row's end, an id that is missing or not an id
 * ({@link Ids}), a time outside the source's {@link TimeWindow}.
 */
public final class BadRowCollector {
  public static final int SAMPLES = 10;
  public static final long PROGRESS_EVERY = 100_000;
  public static final String BAD_ROWS_HINT = "fix the rows or raise max_bad_rows; nothing was published";

  private final String source;
  private final long maxBadRows;
  private final Progress progress;
  private final TimeWindow.Bounds window;
  /** True for a parsing thread's collector ({@link #deferred()}): it keeps the row's problem, nothing else. */
  private final boolean deferring;
  private String deferredField;
  private String deferredProblem;
  private final List<String> samples = new ArrayList<>();
  private long rowsRead;
  private long badRows;
  private InputException firstBad;

  /** With the default time window. */
  public BadRowCollector(String source, long maxBadRows, Progress progress) {
    this(source, maxBadRows, TimeWindow.DEFAULT, progress);
  }

  /**
   * @param maxBadRows bad rows skipped before failing; 0 fails on the first
   * @param window the plausible times, its open end settled now, at the start of the read
   */
  public BadRowCollector(String source, long maxBadRows, TimeWindow window, Progress progress) {
    if (maxBadRows < 0) throw new IllegalArgumentException("maxBadRows < 0");
    this.source = source;
    this.maxBadRows = maxBadRows;
    this.progress = progress;
    this.window = window.at(Instant.now());
    this.deferring = false;
  }

  private BadRowCollector(BadRowCollector of) {
    this.source = of.source;
    this.maxBadRows = Long.MAX_VALUE;
    this.progress = Progress.NONE;
    this.window = of.window;
    this.deferring = true;
  }

  /**
   * A collector with the same checks for a thread that parses rows ahead of their turn: {@link #bad} keeps the
   * row's problem for {@link #takeProblem}, and the reader records it here when the row's turn comes, so that
   * counts, samples and the limit see the rows in the file's order.
   */
  BadRowCollector deferred() {
    return new BadRowCollector(this);
  }

  /** The field of the problem kept by a {@link #deferred()} collector. */
  String deferredField() {
    return deferredField;
  }

  /** The problem a {@link #deferred()} collector kept since the last call, or null; forgets it. */
  String takeProblem() {
    String p = deferredProblem;
    deferredProblem = null;
    return p;
  }

  /** Counts one data row; the {@link TableInput} calls it, before {@link #bad} for the row. */
  public void row() {
    if (++rowsRead % PROGRESS_EVERY == 0) progress.update("read", rowsRead, -1, "rows");
  }

  /**
   * Records a bad row; throws once there are more than {@code maxBadRows}, describing the first one.
   *
   * @throws InputException past the limit
   */
  public void bad(long line, String field, String problem) {
    if (deferring) {
      if (deferredProblem == null) {
        deferredField = field;
        deferredProblem = problem;
      }
      return;
    }
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

  /**
   * The id in {@code field}, stripped; null, after recording the row as bad, when it is NULL, empty or not
   * an id (a control character, too long: {@link Ids}).
   */
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
    String problem = Ids.problem(s);
    if (problem != null) {
      bad(line, field.name(), problem);
      return null;
    }
    return s;
  }

  /**
   * As {@link #id(long, Fields, FieldRef)}, but {@code previous} itself (an id this returned before, or null) when
   * the field holds exactly its text: rows of one user or customer often come together, and then make no new
   * string.
   */
  public String id(long line, Fields fields, FieldRef field, String previous) {
    if (previous != null && fields.textEquals(field.index(), previous)) return previous;
    return id(line, fields, field);
  }

  /**
   * True when {@code text}, an imported label, could be an id ({@link Ids}: no control character, not too
   * long); false after recording the row as bad.
   */
  public boolean validText(long line, FieldRef field, String text) {
    String problem = Ids.problem(text);
    if (problem == null) return true;
    bad(line, field.name(), problem);
    return false;
  }

  /**
   * The time in {@code field} as epoch seconds, checked against the window; {@link Fields#NO_TIME} when it
   * holds none (empty or NULL). {@link #BAD_TIME}, after recording the row as bad, when it is not a time or
   * not a plausible one.
   */
  public long time(long line, Fields fields, FieldRef field) {
    long t;
    try {
      t = fields.epochSecond(field.index());
    } catch (IllegalArgumentException e) {
      String text = fields.text(field.index());
      bad(line, field.name(), "'" + text + "' is not a date or time; accepted: " + Timestamps.ACCEPTED);
      return BAD_TIME;
    }
    if (t == Fields.NO_TIME || window.contains(t)) return t;
    bad(line, field.name(), window.problem(t, fields.text(field.index())));
    return BAD_TIME;
  }

  /** What {@link #time} returns for a bad row. */
  public static final long BAD_TIME = Long.MIN_VALUE + 1;

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

  /** Ends a read where no row kept is an answer (nothing new since a refresh's high-water mark): reports the count. */
  public void finishAllowingNone() {
    progress.update("read", rowsRead, rowsRead, "rows");
  }

  public long rowsRead() { return rowsRead; }

  /** The first bad row, as recorded (without the count), or null. */
  public InputException firstBad() { return firstBad; }

  public long badRows() { return badRows; }

  /** The first {@value #SAMPLES} bad rows, each as {@code source:line: field 'x': problem}. */
  public List<String> samples() { return List.copyOf(samples); }
}
