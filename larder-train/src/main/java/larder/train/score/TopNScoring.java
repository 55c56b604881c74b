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
 * selection runs inside its tile loop on scores still in cache and no block of scores is ever written out
 * (a scorer that asks each user's {@link TopN#floor} may even skip the ranges that cannot enter its list);
 * otherwise the block is scored into one {@code float[block * items]} per thread first.
 * Either way memory does not grow with the number of users. Selection ({@link TopN#offerAll}) rejects
 * most items with one compare against the worst kept score. Already-seen and disallowed items are
 * never emitted, nor NaN scores; users left with an empty list are counted but not sent to the sink.
 * The allowed items are one mask for the whole run, applied during selection as seen items are: the
 * disallowed ones are overwritten with NaN in the tile when they are the fewer, otherwise only the allowed
 * ones are offered; either way no allocation per user and no second pass over the scores.
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
    ItemMask mask = ItemMask.of(allowedItems, itemCount);
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
      BlockSelection selection = new BlockSelection(blockSize, keep, exclude, mask);
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
    return scoreSimilarItems(model, n, null, threads, sink, progress);
  }

  /**
   * Top-{@code n} most similar allowed items for each allowed item, the item itself left out. A disallowed
   * item gets no list of its own: applications are not meant to show it, so nothing should lead from it.
   *
   * @param allowedItems items that may be listed, and that get a list, or null for all
   * @throws IllegalArgumentException when the model has no item scorer
   */
  public static ScoringSummary scoreSimilarItems(TrainedModel model, int n, BitSet allowedItems, int threads,
      TopNSink sink, Progress progress) {
    long start = System.nanoTime();
    if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
    checkThreads(threads);
    int itemCount = model.itemCount();
    if (model.newItemScorer() == null) {
      throw new IllegalArgumentException("model " + model.getClass().getSimpleName() + " has no item scorer");
    }
    ItemMask mask = ItemMask.of(allowedItems, itemCount);
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
            if (allowedItems != null && !allowedItems.get(item)) continue;
            scorer.score(item, out);
            out[item] = Float.NaN;
            top.reset(keep);
            mask.offer(top, out, 0, 0, itemCount, 0);
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
   * The items that may be recommended, as whichever list is shorter: the blocked items, overwritten with NaN
   * before the usual selection over every item, or the allowed items, the only ones offered. Either costs
   * about as much as the shorter list per user and tile, so a short deny list is nearly free and so is a
   * small catalogue. Immutable and shared by every worker; the position in the list is the caller's cursor.
   */
  static final class ItemMask {
    private static final ItemMask ALL = new ItemMask(null, null);

    /** Disallowed items in increasing order, or null when the allowed list is used (or nothing is blocked). */
    private final int[] blocked;
    /** Allowed items in increasing order, or null when every item not blocked is allowed. */
    private final int[] allowed;

    private ItemMask(int[] blocked, int[] allowed) {
      this.blocked = blocked;
      this.allowed = allowed;
    }

    /** @param allowedItems null for all; ids at or past {@code itemCount} are ignored */
    static ItemMask of(BitSet allowedItems, int itemCount) {
      if (allowedItems == null) return ALL;
      int allowedCount = allowedItems.get(0, itemCount).cardinality();
      if (allowedCount == itemCount) return ALL;
      if (itemCount - allowedCount <= allowedCount) {
        int[] blocked = new int[itemCount - allowedCount];
        int k = 0;
        for (int i = allowedItems.nextClearBit(0); i < itemCount; i = allowedItems.nextClearBit(i + 1)) blocked[k++] = i;
        return new ItemMask(blocked, null);
      }
      return new ItemMask(null, allowedItems.stream().filter(i -> i < itemCount).toArray());
    }

    /**
     * Offers items {@code from..to-1} that are allowed, item i's score at {@code scores[offset + i]}, from the
     * cursor {@code at} (0 for the first tile, then what the previous tile returned); may overwrite blocked
     * items' scores with NaN. Returns the cursor for the items from {@code to} on.
     */
    int offer(TopN top, float[] scores, int offset, int from, int to, int at) {
      if (allowed != null) {
        // Items before `from` were skipped by the scorer (below the floor): step over them unoffered.
        int start = upTo(allowed, at, from);
        int end = upTo(allowed, start, to);
        top.offerEach(scores, offset, allowed, start, end);
        return end;
      }
      if (blocked != null) {
        int[] b = blocked;
        for (; at < b.length && b[at] < from; at++) {}
        for (; at < b.length && b[at] < to; at++) scores[offset + b[at]] = Float.NaN;
      }
      top.offerAll(scores, offset + from, offset + to, from);
      return at;
    }

    /** The first position at or after {@code at} whose item is {@code >= to}. */
    private static int upTo(int[] items, int at, int to) {
      int end = java.util.Arrays.binarySearch(items, at, items.length, to);
      return end >= 0 ? end : -end - 1;
    }
  }

  /**
   * Top-N state of every user of a block: one heap each, and cursors into the user's seen items and into
   * the item mask, which advance with the tiles (both lists are sorted, tiles come in item order), so a
   * user costs O(items + seen) however the items are cut. Seen items are overwritten with NaN in the
   * scorer's scratch, which every compare rejects. One per worker.
   */
  private static final class BlockSelection implements TileScorer.TileConsumer {
    private final TopN[] tops;
    private final int keep;
    private final SparseMatrix exclude;
    private final ItemMask mask;
    private final int[] seenAt;
    private final int[] seenEnd;
    private final int[] maskAt;

    BlockSelection(int block, int keep, SparseMatrix exclude, ItemMask mask) {
      this.tops = new TopN[block];
      for (int j = 0; j < block; j++) tops[j] = new TopN(keep);
      this.keep = keep;
      this.exclude = exclude;
      this.mask = mask;
      this.seenAt = new int[block];
      this.seenEnd = new int[block];
      this.maskAt = new int[block];
    }

    void start(int[] users, int count) {
      for (int j = 0; j < count; j++) {
        tops[j].reset(keep);
        maskAt[j] = 0;
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

    @Override
    public float floor(int slot) {
      return tops[slot].floor();
    }

    /** Offers items {@code from..to-1} of the user in {@code slot}, item i's score at {@code scores[offset + i]}. */
    void select(int slot, float[] scores, int offset, int from, int to) {
      if (exclude != null) {
        int[] cols = exclude.cols();
        int p = seenAt[slot];
        int end = seenEnd[slot];
        for (; p < end && cols[p] < from; p++) {} // in ranges the scorer skipped
        for (; p < end && cols[p] < to; p++) scores[offset + cols[p]] = Float.NaN;
        seenAt[slot] = p;
      }
      maskAt[slot] = mask.offer(tops[slot], scores, offset, from, to, maskAt[slot]);
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
