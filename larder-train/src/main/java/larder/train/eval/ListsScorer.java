package larder.train.eval;

import larder.core.SparseMatrix;
import larder.train.kernel.TopN;

/**
 * The top-k lists of several models at once, one list per model for each user: what lets a search measure a family
 * of configurations that share their work (item-kNN's k values of one form, scored in one pass over each user's
 * votes) for the cost of about one. {@link Evaluation#evaluateEach} turns the lists into each model's metrics.
 */
public interface ListsScorer {
  /** How many models. */
  int models();

  /** Items the models rank. */
  int itemCount();

  /** Users the models score. */
  int userCount();

  /** One worker's scorer: its own scratch, used by one thread. */
  Lists newLists(SparseMatrix seen);

  /** One thread's scorer. */
  interface Lists {
    /**
     * Offers every item but the user's seen ones to {@code tops[m]} with model m's score, as scoring the model alone
     * would (so each heap ends with exactly that model's top list); the heaps come in empty.
     */
    void top(int user, TopN[] tops);
  }
}
