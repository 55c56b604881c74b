package larder.train.kernel;

/**
 * A user scorer that hands out each user's scores one item tile at a time, while the tile is still in
 * L1/L2, instead of writing a whole block of users × items out to memory to be read again. Optional:
 * {@code TopNScoring} selects top-N inside the tile loop when a model's user scorer also implements
 * this, and uses the plain block call otherwise. Not thread-safe: one per thread.
 */
public interface TileScorer {
  /** Receives scores of one user of the block for one tile of items. */
  @FunctionalInterface
  interface TileConsumer {
    /**
     * The score of item i, for i in {@code from..to-1}, is {@code scores[i]} (indexed by item id). The
     * array is the scorer's scratch: valid only during the call, and the consumer may overwrite that range.
     *
     * @param slot the user's position j in the block, {@code users[j]}
     */
    void accept(int slot, float[] scores, int from, int to);

    /**
     * A score the slot's user needs to reach for an item to matter (to enter its top-N): a scorer may leave
     * out a range whose every score is below it, NaN included. Negative infinity (the default) asks for
     * every range.
     */
    default float floor(int slot) {
      return Float.NEGATIVE_INFINITY;
    }
  }

  /**
   * Scores {@code users[0..count)} against every item. For each slot the tiles arrive in increasing item
   * order and cover each item at most once: every item, but for ranges whose scores are all below the
   * consumer's {@link TileConsumer#floor} when the scorer asked it; calls for different slots interleave.
   */
  void scoreTiles(int[] users, int count, TileConsumer consumer);
}
