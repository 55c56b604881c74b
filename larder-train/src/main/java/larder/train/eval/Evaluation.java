package larder.train.eval;

import java.util.concurrent.atomic.AtomicInteger;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.kernel.WorkerPool;
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
    int[] users = heldOutUsers("model", model.userCount(), model.itemCount(), seen, held, k, threads);
    int count = users.length;
    MetricsAccumulator acc = new MetricsAccumulator(k, seen.columns());
    acc.countUsers(count);
    int[] cols = held.cols();
    TopNScoring.scoreUsers(model, seen, users, k, null, threads,
        (user, items, scores, n) -> acc.add(items, n, cols, held.rowStart(user), held.rowEnd(user)),
        progress);
    return acc;
  }

  /**
   * Checks k, threads and that the model and both parts have the same users and items; returns the users with
   * something held out, in increasing order.
   */
  private static int[] heldOutUsers(String what, int modelUsers, int modelItems, SparseMatrix seen,
      SparseMatrix held, int k, int threads) {
    if (k < 1) throw new ConfigException("eval.k", k, "must be >= 1");
    if (threads < 1) throw new ConfigException("eval.threads", threads, "must be >= 1");
    if (seen.rows() != held.rows() || seen.columns() != held.columns()
        || modelUsers != seen.rows() || modelItems != seen.columns()) {
      throw new IllegalArgumentException(what + " " + modelUsers + "x" + modelItems + ", train "
          + seen.rows() + "x" + seen.columns() + " and test " + held.rows() + "x" + held.columns()
          + " must have the same users and items");
    }
    int count = 0;
    for (int u = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) count++;
    int[] users = new int[count];
    for (int u = 0, at = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) users[at++] = u;
    return users;
  }

  /**
   * {@link #evaluate}'s metrics for each of the scorer's models, from one pass over the users: model m's lists are
   * the top {@code k} of {@code tops[m]}, so its metrics equal those of evaluating it alone (the sums are exact, so
   * neither the thread count nor the order of users changes a bit).
   */
  public static Metrics[] evaluateEach(ListsScorer scorer, SparseMatrix seen, SparseMatrix held, int k, int threads) {
    int[] users = heldOutUsers("models", scorer.userCount(), scorer.itemCount(), seen, held, k, threads);
    int count = users.length;
    int models = scorer.models();
    MetricsAccumulator[] acc = new MetricsAccumulator[models];
    for (int m = 0; m < models; m++) {
      acc[m] = new MetricsAccumulator(k, seen.columns());
      acc[m].countUsers(count);
    }
    int keep = Math.min(k, seen.columns());
    int[] cols = held.cols();
    AtomicInteger next = new AtomicInteger();
    try (WorkerPool pool = new WorkerPool(threads, "evaluate")) {
      pool.runAll(() -> {
        ListsScorer.Lists lists = scorer.newLists(seen);
        TopN[] tops = new TopN[models];
        for (int m = 0; m < models; m++) tops[m] = new TopN(keep);
        int[] items = new int[keep];
        float[] scores = new float[keep];
        int from;
        while (!pool.stopped() && (from = next.getAndAdd(16)) < users.length) {
          for (int x = from, to = Math.min(users.length, from + 16); x < to; x++) {
            int u = users[x];
            for (TopN t : tops) t.reset(keep);
            lists.top(u, tops);
            for (int m = 0; m < models; m++) {
              int got = tops[m].drainSorted(items, scores);
              if (got > 0) acc[m].add(items, got, cols, held.rowStart(u), held.rowEnd(u));
            }
          }
        }
      });
    }
    Metrics[] out = new Metrics[models];
    for (int m = 0; m < models; m++) out[m] = acc[m].finish();
    return out;
  }
}
