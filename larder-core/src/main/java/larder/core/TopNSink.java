package larder.core;

/**
 * Receives ranked lists as they are produced, so that no stage holds every user's scores at once.
 * Scoring calls it from several threads; implementations must be thread-safe and must copy the
 * arrays, which the caller reuses.
 */
public interface TopNSink {
  /**
   * @param key dense id of the user (or item, for similar items)
   * @param items dense item ids, best first
   * @param scores their scores, same order
   * @param count how many entries of the arrays are valid
   */
  void accept(int key, int[] items, float[] scores, int count);
}
