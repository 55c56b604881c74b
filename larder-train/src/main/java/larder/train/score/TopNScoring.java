package larder.train.score;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.train.kernel.TileScorer;
import larder.train.kernel.TopN;
import larder.train.kernel.WorkerPool;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * Scores every requested user against every item and streams each user's top-N to a sink. Workers
 * pull blocks of users ({@link TrainedModel#preferredBlock()}) from a shared counter, each with its
 * own scratch and one {@link TopN} per user of the block. When the model's scorer is a {@link TileScorer},
 * selection runs inside its tile loop on scores still in cache and no block of scores is ever written out;
 * otherwise the block is scored into one {@code float[block * items]} per thread first.
 * Either way memory does not grow with the number of users. Selection ({@link TopN#offerAll}) rejects
 * most items with one compare against the worst kept score. Already-seen and disallowed items are
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
    int total = todo.length;
    // Keep the scratch row block addressable by one int index, and give every thread several blocks.
    int block = Math.max(1, Math.min(model.preferredBlock(), Integer.MAX_VALUE / Math.max(1, itemCount)));
    block = Math.min(block, Math.max(1, (total + 4 * threads - 1) / (4 * threads)));
    int keep = Math.min(n, itemCount);
    final int[] order = todo;
    final int blockSize = block;
    AtomicInteger next = new AtomicInteger();
    WorkerPool pool = new WorkerPool(threads, "score");
    AtomicLong done = new AtomicLong();
    AtomicLong rows = new AtomicLong();
    Runnable worker = () -> {
      UserScorer scorer = model.newUserScorer();
      // Fused path: select from each tile while it is in cache; otherwise score the whole block first.
      TileScorer tiles = scorer instanceof TileScorer t ? t : null;
      float[] out = tiles != null ? null : new float[Math.min(blockSize, Math.max(1, total)) * itemCount];
      int[] blockUsers = new int[blockSize];
      BlockSelection selection = new BlockSelection(blockSize, keep, exclude, candidates);
      int[] outItems = new int[keep];
      float[] outScores = new float[keep];
      long emitted = 0;
      try {
        int from;
        while (!pool.stopped() && (from = next.getAndAdd(blockSize)) < total) {
          int count = Math.min(blockSize, total - from);
          System.arraycopy(order, from, blockUsers, 0, count);
          selection.start(blockUsers, count);
          if (tiles != null) {
            tiles.scoreTiles(blockUsers, count, selection);
          } else {
            scorer.score(blockUsers, count, out);
            for (int j = 0; j < count; j++) selection.select(j, out, j * itemCount, 0, itemCount);
          }
          for (int j = 0; j < count; j++) {
            int got = selection.top(j).drainSorted(outItems, outScores);
            if (got > 0) {
              sink.accept(blockUsers[j], outItems, outScores, got);
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
            top.offerAll(out, 0, itemCount, 0);
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

  /**
   * Top-N state of every user of a block: one heap each, and cursors into the user's seen items and into
   * the allowed items, which advance with the tiles (both lists are sorted, tiles come in item order), so
   * a user costs O(items + seen) however the items are cut. Seen items are overwritten with NaN in the
   * scorer's scratch, which every compare rejects. One per worker.
   */
  private static final class BlockSelection implements TileScorer.TileConsumer {
    private final TopN[] tops;
    private final int keep;
    private final SparseMatrix exclude;
    private final int[] candidates;
    private final int[] seenAt;
    private final int[] seenEnd;
    private final int[] candidateAt;

    BlockSelection(int block, int keep, SparseMatrix exclude, int[] candidates) {
      this.tops = new TopN[block];
      for (int j = 0; j < block; j++) tops[j] = new TopN(keep);
      this.keep = keep;
      this.exclude = exclude;
      this.candidates = candidates;
      this.seenAt = new int[block];
      this.seenEnd = new int[block];
      this.candidateAt = new int[block];
    }

    void start(int[] users, int count) {
      for (int j = 0; j < count; j++) {
        tops[j].reset(keep);
        candidateAt[j] = 0;
        if (exclude != null) {
          seenAt[j] = exclude.rowStart(users[j]);
          seenEnd[j] = exclude.rowEnd(users[j]);
        }
      }
    }

    TopN top(int slot) {
      return tops[slot];
    }

    @Override
    public void accept(int slot, float[] scores, int from, int to) {
      select(slot, scores, 0, from, to);
    }

    /** Offers items {@code from..to-1} of the user in {@code slot}, item i's score at {@code scores[offset + i]}. */
    void select(int slot, float[] scores, int offset, int from, int to) {
      if (exclude != null) {
        int[] cols = exclude.cols();
        int p = seenAt[slot];
        for (int end = seenEnd[slot]; p < end && cols[p] < to; p++) scores[offset + cols[p]] = Float.NaN;
        seenAt[slot] = p;
      }
      TopN top = tops[slot];
      if (candidates == null) {
        top.offerAll(scores, offset + from, offset + to, from);
      } else {
        int p = candidateAt[slot];
        for (; p < candidates.length && candidates[p] < to; p++) {
          top.offer(candidates[p], scores[offset + candidates[p]]);
        }
        candidateAt[slot] = p;
      }
    }
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
