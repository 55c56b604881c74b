package larder.extract;

import java.time.Instant;
import java.util.List;
import larder.core.Interactions;

/**
 * What a source read and what it did with the rows.
 *
 * @param interactions the aggregated interactions (duplicates summed)
 * @param rowsRead data rows seen (header and empty lines not counted)
 * @param rowsKept rows added to the interactions ({@code rowsRead - badRows - belowMinWeight - rowsBefore})
 * @param badRows rows skipped as malformed (at most the source's {@code maxBadRows})
 * @param belowMinWeight rows dropped because their weight was below the minimum
 * @param duplicatesMerged kept rows that repeated a (user, item) pair already seen
 * @param badRowSamples the first 10 bad rows, each as {@code source:line: field 'x': problem}
 * @param lastSeen per stored interaction, aligned with {@code interactions.byUser().cols()}, the latest
 *     epoch second of its rows ({@link InteractionsBuilder#NO_TIME} when none); null when the source has no
 *     timestamps
 * @param rowsBefore rows skipped because they were not after {@link ReadOptions#after()}: covered by the serving
 *     batch (or, without a time, left for the next full run); 0 when every row was read
 */
public record ExtractResult(Interactions interactions, long rowsRead, long rowsKept, long badRows,
    long belowMinWeight, long duplicatesMerged, List<String> badRowSamples, long[] lastSeen, long rowsBefore) {

  public ExtractResult {
    badRowSamples = List.copyOf(badRowSamples);
  }

  /** A result of every row. */
  public ExtractResult(Interactions interactions, long rowsRead, long rowsKept, long badRows,
      long belowMinWeight, long duplicatesMerged, List<String> badRowSamples, long[] lastSeen) {
    this(interactions, rowsRead, rowsKept, badRows, belowMinWeight, duplicatesMerged, badRowSamples, lastSeen, 0);
  }

  /** A result without timestamps. */
  public ExtractResult(Interactions interactions, long rowsRead, long rowsKept, long badRows,
      long belowMinWeight, long duplicatesMerged, List<String> badRowSamples) {
    this(interactions, rowsRead, rowsKept, badRows, belowMinWeight, duplicatesMerged, badRowSamples, null, 0);
  }

  /**
   * The latest time of the rows kept, to the second: the data high-water mark of a batch built from them. Null
   * when the source gave no timestamps. One pass over {@link #lastSeen}, small beside reading the rows.
   */
  public Instant newest() {
    if (lastSeen == null) return null;
    long max = InteractionsBuilder.NO_TIME;
    for (long t : lastSeen) max = Math.max(max, t);
    return max == InteractionsBuilder.NO_TIME ? null : Instant.ofEpochSecond(max);
  }

  /** True when the source gave at least one timestamp. */
  public boolean hasTimestamps() {
    return lastSeen != null;
  }
}
