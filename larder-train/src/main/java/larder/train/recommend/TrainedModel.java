package larder.train.recommend;

/**
 * A fitted model that can score every item for any known user. Scoring is by blocks of users so
 * that dense models can run a register-blocked kernel; each thread takes its own {@link UserScorer}.
 */
public interface TrainedModel {
  int userCount();

  int itemCount();

  /** A scorer for one thread, holding that thread's scratch memory. */
  UserScorer newUserScorer();

  /** Item-to-item scorer for "similar items" lists, or null when the model has none. */
  default ItemScorer newItemScorer() {
    return null;
  }

  /** How many users one {@link UserScorer#score} call should take for the best throughput. */
  default int preferredBlock() {
    return 64;
  }
}
