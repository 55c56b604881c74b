package larder.extract;

import java.time.Instant;
import larder.core.ConfigException;
import larder.extract.formats.TimeWindow;

/**
 * How a source treats rows, whatever the source.
 *
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 * @param minWeight rows below this weight are dropped; {@code Float.NEGATIVE_INFINITY} keeps all
 * @param binary every stored (user, item) gets weight 1
 * @param timeWindow the plausible times; a time outside makes the row bad
 * @param after read only rows newer than this (a refresh reads what came after the serving batch's high-water
 *     mark): a row at or before it, or without a time, is skipped and counted in {@link
 *     ExtractResult#rowsBefore()}, not as bad; a query's {@code :since} is bound to it. Null reads every row
 */
public record ReadOptions(long maxBadRows, float minWeight, boolean binary, TimeWindow timeWindow, Instant after) {
  public static final ReadOptions DEFAULT = new ReadOptions(0, Float.NEGATIVE_INFINITY, false, TimeWindow.DEFAULT, null);

  public ReadOptions {
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    if (Float.isNaN(minWeight)) throw new ConfigException("min_weight", minWeight, "must be a number");
    if (timeWindow == null) timeWindow = TimeWindow.DEFAULT;
  }

  /** Every row, whatever its time. */
  public ReadOptions(long maxBadRows, float minWeight, boolean binary, TimeWindow timeWindow) {
    this(maxBadRows, minWeight, binary, timeWindow, null);
  }

  /** Every row, the default time window. */
  public ReadOptions(long maxBadRows, float minWeight, boolean binary) {
    this(maxBadRows, minWeight, binary, TimeWindow.DEFAULT, null);
  }

  public ReadOptions withMaxBadRows(long v) { return new ReadOptions(v, minWeight, binary, timeWindow, after); }
  public ReadOptions withMinWeight(float v) { return new ReadOptions(maxBadRows, v, binary, timeWindow, after); }
  public ReadOptions withBinary(boolean v) { return new ReadOptions(maxBadRows, minWeight, v, timeWindow, after); }
  public ReadOptions withTimeWindow(TimeWindow v) { return new ReadOptions(maxBadRows, minWeight, binary, v, after); }
  /** Only rows strictly after {@code v}; null for every row. */
  public ReadOptions withAfter(Instant v) { return new ReadOptions(maxBadRows, minWeight, binary, timeWindow, v); }

  InteractionsBuilder newBuilder() {
    return new InteractionsBuilder(1 << 16).minWeight(minWeight).binary(binary);
  }
}
