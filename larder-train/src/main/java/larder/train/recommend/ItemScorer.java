package larder.train.recommend;

/** Scores all items by similarity to one item. Not thread-safe: one per thread. */
public interface ItemScorer {
  /** Writes the similarity of every item to {@code item} into {@code out} (length itemCount). */
  void score(int item, float[] out);
}
