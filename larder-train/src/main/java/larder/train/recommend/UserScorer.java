package larder.train.recommend;

/** Scores all items for a block of users. Not thread-safe: one per thread. */
public interface UserScorer {
  /**
   * Writes the score of item i for user {@code users[j]} into {@code out[j * itemCount + i]}, for
   * j below {@code count}. Higher is better; already-seen items are excluded by the caller.
   */
  void score(int[] users, int count, float[] out);
}
