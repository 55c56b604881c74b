package larder.extract;

import larder.core.ConfigException;
import larder.extract.formats.TimeWindow;

/**
 * How a source treats rows, whatever the source.
 *
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 * @param minWeight rows below this weight are dropped; {@code Float.NEGATIVE_INFINITY} keeps all
 * @param binary every stored (user, item) gets weight 1
 * @param timeWindow the plausible times; a time outside makes the row bad
 */
public record ReadOptions(long maxBadRows, float minWeight, boolean binary, TimeWindow timeWindow) {
  public static final ReadOptions DEFAULT = new ReadOptions(0, Float.NEGATIVE_INFINITY, false, TimeWindow.DEFAULT);

  public ReadOptions {
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    if (Float.isNaN(minWeight)) throw new ConfigException("min_weight", minWeight, "must be a number");
    if (timeWindow == null) timeWindow = TimeWindow.DEFAULT;
  }

  /** The default time window. */
  public ReadOptions(long maxBadRows, float minWeight, boolean binary) {
    this(maxBadRows, minWeight, binary, TimeWindow.DEFAULT);
  }

  public ReadOptions withMaxBadRows(long v) { return new ReadOptions(v, minWeight, binary, timeWindow); }
  public ReadOptions withMinWeight(float v) { return new ReadOptions(maxBadRows, v, binary, timeWindow); }
  public ReadOptions withBinary(boolean v) { return new ReadOptions(maxBadRows, minWeight, v, timeWindow); }
  public ReadOptions withTimeWindow(TimeWindow v) { return new ReadOptions(maxBadRows, minWeight, binary, v); }

  InteractionsBuilder newBuilder() {
    return new InteractionsBuilder(1 << 16).minWeight(minWeight).binary(binary);
  }
}
