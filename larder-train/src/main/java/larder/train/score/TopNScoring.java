package larder.train.score;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.train.kernel.TopN;
import larder.train.kernel.WorkerPool;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * Scores every requested user against every item and streams each user's top-N to a sink. Workers
 * pull blocks of users ({@link TrainedModel#preferredBlock()}) from a shared counter, each with its
 * own scratch (one {@code float[block * items]}, a {@link TopN}, output arrays), so memory is
 * O(threads × block × items) however many users there are. Already-seen and disallowed items are
 * never emitted, nor NaN scores; users left with an empty list are counted but not sent to the sink.
 * The first exception in any worker stops the others and is rethrown to the caller.
 */
public final class TopNScoring {
  /** How many keys between two progress updates. */
  private static final int PROGRESS_EVERY = 4096;

  private TopNScoring() {}

  /**
   * What a scoring run did.
   *
   * @param keys users (or items) scored, including those whose list came out empty
   * @param rows list entries sent to the sink
   * @param nanos wall-clock time
   */
  public record ScoringSummary(long keys, long rows, long nanos) {}

  /**
   * Top-{@code n} items for each user.
   *
   * @param exclude user-major matrix of seen items to leave out (its values are ignored), or null
   * @param users dense user ids to score, or null for all users of the model
   * @param allowedItems items that may be recommended, or null for all
   * @param threads worker threads (1 runs in the calling thread)
   */
  public static ScoringSummary scoreUsers(TrainedModel model, SparseMatrix exclude, int[] users, int n,
      BitSet allowedItems, int threads, TopNSink sink, Progress progress) {
    long start = System.nanoTime();
    int userCount = model.userCount();
    int itemCount = model.itemCount();
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    checkThreads(threads);
    if (exclude != null && (exclude.rows() != userCount || exclude.columns() != itemCount)) {
      throw new IllegalArgumentException("exclude is " + exclude.rows() + "x" + exclude.columns()
          + " but the model has " + userCount + " users x " + itemCount + " items");
    }
    int[] todo = users;
    if (todo == null) {
      todo = new int[userCount];
      for (int u = 0; u < userCount; u++) todo[u] = u;
    } else {
      for (int u : todo) {
        if (u < 0 || u >= userCount) {
          throw new IllegalArgumentException("user " + u + " is not in 0.." + (userCount - 1));
        }
      }
    }
    int[] candidates = allowedItems == null ? null : allowedItems.stream().filter(i -> i < itemCount).toArray();
    // Keep the scratch row block addressable by one int index.
    int block = Math.max(1, Math.min(model.preferredBlock(), Integer.MAX_VALUE / Math.max(1, itemCount)));
    int keep = Math.min(n, itemCount);
    int total = todo.length;
    final int[] order = todo;
    AtomicInteger next = new AtomicInteger();
    WorkerPool pool = new WorkerPool(threads, "score");
    AtomicLong done = new AtomicLong();
    AtomicLong rows = new AtomicLong();
    Runnable worker = () -> {
      UserScorer scorer = model.newUserScorer();
      float[] out = new float[Math.min(block, Math.max(1, total)) * itemCount];
      int[] blockUsers = new int[block];
      TopN top = new TopN(keep);
      int[] outItems = new int[keep];
      float[] outScores = new float[keep];
      long emitted = 0;
      try {
        int from;
        while (!pool.stopped() && (from = next.getAndAdd(block)) < total) {
          int count = Math.min(block, total - from);
          System.arraycopy(order, from, blockUsers, 0, count);
          scorer.score(blockUsers, count, out);
          for (int j = 0; j < count; j++) {
            int user = blockUsers[j];
            int base = j * itemCount;
            if (exclude != null) {
              // NaN marks a seen item; TopN never keeps NaN.
              int[] cols = exclude.cols();
              for (int p = exclude.rowStart(user), end = exclude.rowEnd(user); p < end; p++) {
                out[base + cols[p]] = Float.NaN;
              }
            }
            top.reset(keep);
            if (candidates == null) {
              for (int i = 0; i < itemCount; i++) top.offer(i, out[base + i]);
            } else {
              for (int i : candidates) top.offer(i, out[base + i]);
            }
            int got = top.drainSorted(outItems, outScores);
            if (got > 0) {
              sink.accept(user, outItems, outScores, got);
              emitted += got;
            }
          }
          report(progress, "score", done, count, total, "users");
        }
      } finally {
        rows.addAndGet(emitted);
      }
    };
    try (pool) {
      pool.runAll(worker);
    }
    progress.update("score", total, total, "users");
    return new ScoringSummary(total, rows.get(), System.nanoTime() - start);
  }

  /**
   * Top-{@code n} most similar items for each item, the item itself left out.
   *
   * @throws IllegalArgumentException when the model has no item scorer
   */
  public static ScoringSummary scoreSimilarItems(TrainedModel model, int n, int threads, TopNSink sink,
      Progress progress) {
    long start = System.nanoTime();
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    checkThreads(threads);
    int itemCount = model.itemCount();
    if (model.newItemScorer() == null) {
      throw new IllegalArgumentException("model " + model.getClass().getSimpleName() + " has no item scorer");
    }
    int keep = Math.min(n, Math.max(0, itemCount - 1));
    int block = 64;
    AtomicInteger next = new AtomicInteger();
    WorkerPool pool = new WorkerPool(threads, "similar");
    AtomicLong done = new AtomicLong();
    AtomicLong rows = new AtomicLong();
    Runnable worker = () -> {
      ItemScorer scorer = model.newItemScorer();
      float[] out = new float[itemCount];
      TopN top = new TopN(keep);
      int[] outItems = new int[keep];
      float[] outScores = new float[keep];
      long emitted = 0;
      try {
        int from;
        while (!pool.stopped() && (from = next.getAndAdd(block)) < itemCount) {
          int to = Math.min(itemCount, from + block);
          for (int item = from; item < to; item++) {
            scorer.score(item, out);
            out[item] = Float.NaN;
            top.reset(keep);
            for (int i = 0; i < itemCount; i++) top.offer(i, out[i]);
            int got = top.drainSorted(outItems, outScores);
            if (got > 0) {
              sink.accept(item, outItems, outScores, got);
              emitted += got;
            }
          }
          report(progress, "similar", done, to - from, itemCount, "items");
        }
      } finally {
        rows.addAndGet(emitted);
      }
    };
    try (pool) {
      pool.runAll(worker);
    }
    progress.update("similar", itemCount, itemCount, "items");
    return new ScoringSummary(itemCount, rows.get(), System.nanoTime() - start);
  }

  private static void checkThreads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
  }

  private static void report(Progress progress, String phase, AtomicLong done, int count, long total,
      String unit) {
    long after = done.addAndGet(count);
    if (after / PROGRESS_EVERY != (after - count) / PROGRESS_EVERY && after < total) {
      progress.update(phase, after, total, unit);
    }
  }
}
