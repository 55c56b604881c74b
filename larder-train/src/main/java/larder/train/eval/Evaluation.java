package larder.train.eval;

import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.score.TopNScoring;

/** Offline evaluation of a trained model on a holdout: top-k ranking metrics over the test users. */
public final class Evaluation {
  private Evaluation() {}

  /**
   * Scores every user with at least one test item, leaving out their training items, and compares the
   * top {@code k} with the test items. The lists are consumed as they are produced.
   *
   * @param model fitted on {@code train}
   * @param train the training part (its items are excluded from the lists)
   * @param test the held-out part, same users and items as {@code train}
   */
  public static Metrics evaluate(TrainedModel model, Interactions train, Interactions test, int k, int threads) {
    return evaluate(model, train, test, k, threads, Progress.NONE);
  }

  /** {@link #evaluate(TrainedModel, Interactions, Interactions, int, int)}, reporting the users scored. */
  public static Metrics evaluate(TrainedModel model, Interactions train, Interactions test, int k, int threads,
      Progress progress) {
    return accumulate(model, train.byUser(), test.byUser(), k, threads, progress).finish();
  }

  /**
   * {@link #evaluate}'s sums, before averaging: users with a row in {@code held} scored against {@code model}
   * (whose user r is row r of both matrices), their {@code seen} items left out. Accumulators of disjoint users
   * {@link MetricsAccumulator#merge merge} into the metrics of all of them, so a part of the users (a Spark
   * partition's) can be evaluated where it is.
   */
  public static MetricsAccumulator accumulate(TrainedModel model, SparseMatrix seen, SparseMatrix held, int k,
      int threads) {
    return accumulate(model, seen, held, k, threads, Progress.NONE);
  }

  /** {@link #accumulate(TrainedModel, SparseMatrix, SparseMatrix, int, int)}, reporting the users scored. */
  public static MetricsAccumulator accumulate(TrainedModel model, SparseMatrix seen, SparseMatrix held, int k,
      int threads, Progress progress) {
    if (k < 1) throw new ConfigException("eval.k", k, "must be >= 1");
    if (threads < 1) throw new ConfigException("eval.threads", threads, "must be >= 1");
    if (seen.rows() != held.rows() || seen.columns() != held.columns()
        || model.userCount() != seen.rows() || model.itemCount() != seen.columns()) {
      throw new IllegalArgumentException("model " + model.userCount() + "x" + model.itemCount() + ", train "
          + seen.rows() + "x" + seen.columns() + " and test " + held.rows() + "x" + held.columns()
          + " must have the same users and items");
    }
    int count = 0;
    for (int u = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) count++;
    int[] users = new int[count];
    for (int u = 0, at = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) users[at++] = u;
    MetricsAccumulator acc = new MetricsAccumulator(k, seen.columns());
    acc.countUsers(count);
    int[] cols = held.cols();
    TopNScoring.scoreUsers(model, seen, users, k, null, threads,
        (user, items, scores, n) -> acc.add(items, n, cols, held.rowStart(user), held.rowEnd(user)),
        progress);
    return acc;
  }
}
