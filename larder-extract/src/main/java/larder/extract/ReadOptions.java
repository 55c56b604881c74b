package larder.extract;

import larder.core.ConfigException;

/**
 * How a source treats rows, whatever the source.
 *
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 * @param minWeight rows below this weight are dropped; {@code Float.NEGATIVE_INFINITY} keeps all
 * @param binary every stored (user, item) gets weight 1
 */
public record ReadOptions(long maxBadRows, float minWeight, boolean binary) {
  public static final ReadOptions DEFAULT = new ReadOptions(0, Float.NEGATIVE_INFINITY, false);

  public ReadOptions {
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    if (Float.isNaN(minWeight)) throw new ConfigException("min_weight", minWeight, "must be a number");
  }

  public ReadOptions withMaxBadRows(long v) { return new ReadOptions(v, minWeight, binary); }
  public ReadOptions withMinWeight(float v) { return new ReadOptions(maxBadRows, v, binary); }
  public ReadOptions withBinary(boolean v) { return new ReadOptions(maxBadRows, minWeight, v); }

  InteractionsBuilder newBuilder() {
    return new InteractionsBuilder(1 << 16).minWeight(minWeight).binary(binary);
  }
}
