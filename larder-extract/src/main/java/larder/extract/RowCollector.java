package larder.extract;

import java.util.ArrayList;
import java.util.List;
import larder.core.InputException;
import larder.core.Progress;

/**
 * The part every source shares: counts rows, keeps bad-row samples, enforces {@code maxBadRows}, reports
 * progress and feeds the builder.
 */
final class RowCollector {
  static final int SAMPLES = 10;
  static final long PROGRESS_EVERY = 100_000;
  static final String BAD_ROWS_HINT = "fix the rows or raise max_bad_rows; nothing was published";

  private final String source;
  private final ReadOptions options;
  private final Progress progress;
  private final InteractionsBuilder builder;
  private final List<String> samples = new ArrayList<>();
  private long rowsRead;
  private long badRows;
  private InputException firstBad;

  RowCollector(String source, ReadOptions options, Progress progress) {
    this.source = source;
    this.options = options;
    this.progress = progress;
    this.builder = options.newBuilder();
  }

  /** Counts one data row; call before {@link #keep} or {@link #bad}. */
  void row() {
    if (++rowsRead % PROGRESS_EVERY == 0) progress.update("read", rowsRead, -1, "rows");
  }

  void keep(String user, String item, float weight, long epochSecond) {
    builder.add(user, item, weight, epochSecond);
  }

  /** Records a bad row; throws once there are more than {@code maxBadRows}, describing the first one. */
  void bad(long line, String field, String problem) {
    badRows++;
    InputException e = new InputException(source, line, field, problem, BAD_ROWS_HINT);
    if (firstBad == null) firstBad = e;
    if (samples.size() < SAMPLES) samples.add(e.getMessage());
    if (badRows > options.maxBadRows()) {
      throw new InputException(source, firstBad.line(), firstBad.field(),
          firstBad.problem() + " (" + badRows + (badRows == 1 ? " bad row" : " bad rows")
              + " seen, more than max_bad_rows = " + options.maxBadRows() + ")",
          BAD_ROWS_HINT);
    }
  }

  long rowsRead() { return rowsRead; }

  ExtractResult finish() {
    progress.update("read", rowsRead, rowsRead, "rows");
    if (builder.rows() == 0) {
      String why = rowsRead == 0 ? "no interactions: no data rows"
          : "no interactions: all " + rowsRead + " rows were bad or below min_weight";
      throw new InputException(source, 0, null, why,
          rowsRead == 0 ? "check the file or query and the header setting" : "check min_weight and the bad rows");
    }
    var interactions = builder.build();
    return new ExtractResult(interactions, rowsRead, builder.rows(), badRows, builder.belowMinWeight(),
        builder.duplicatesMerged(), samples, builder.lastSeen());
  }
}
