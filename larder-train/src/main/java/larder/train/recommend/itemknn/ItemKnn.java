package larder.train.recommend.itemknn;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.kernel.WorkerPool;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.itemknn.ItemKnnParams.Similarity;

/**
 * Item-based top-N recommendation (Deshpande and Karypis, "Item-based top-N recommendation
 * algorithms", ACM TOIS 22(1), 2004): each item keeps its {@code k} most similar items, and a user's
 * score for item i is {@code sum over history items j of w_uj * sim(j, i)}, counting only pairs where
 * i is among j's neighbours.
 *
 * <p>Similarities are computed sparsely: for item i, walk its users (item-major matrix) and each of
 * their items (user-major matrix), accumulating co-occurrence into a dense per-thread row; only the
 * touched entries are read back and reset. Cost is {@code sum over users of |history|^2}, spread over
 * threads by item. Cosine is {@code <x_i, x_j> / (|x_i| |x_j| + shrink)}, Jaccard
 * {@code |U_i ∩ U_j| / (|U_i ∪ U_j| + shrink)}; the shrink term damps pairs supported by few users.
 */
public final class ItemKnn implements Recommender {
  private static final int ITEMS_PER_TASK = 64;

  private final ItemKnnParams params;

  public ItemKnn() {
    this(ItemKnnParams.defaults());
  }

  public ItemKnn(ItemKnnParams params) {
    this.params = params;
  }

  @Override public String name() { return "itemknn"; }

  @Override public Map<String, Object> params() { return params.toMap(); }

  public ItemKnnParams itemKnnParams() { return params; }

  @Override public Model fit(Interactions train, Progress progress) {
    SparseMatrix byUser = weighted(train.byUser(), params.weighting());
    SparseMatrix byItem = byUser.transpose();
    int items = train.itemCount();
    boolean jaccard = params.similarity() == Similarity.JACCARD;
    float[] norms = new float[items];
    for (int i = 0; i < items; i++) {
      if (jaccard) {
        norms[i] = byItem.rowLength(i);
      } else {
        double s = 0;
        float[] v = byItem.vals();
        for (int p = byItem.rowStart(i); p < byItem.rowEnd(i); p++) s += (double) v[p] * v[p];
        norms[i] = (float) Math.sqrt(s);
      }
    }
    int k = Math.min(params.neighbors(), Math.max(0, items - 1));
    int[][] nbrs = new int[items][];
    float[][] sims = new float[items][];
    AtomicInteger next = new AtomicInteger();
    AtomicLong done = new AtomicLong();
    try (WorkerPool pool = new WorkerPool(params.threads(), "itemknn")) {
      pool.runAll(() -> computeNeighbours(pool, next, done, items, k, jaccard, norms, byItem, byUser, nbrs, sims,
          progress));
    }
    progress.update("itemknn", items, items, "items");
    int[] ptr = new int[items + 1];
    for (int i = 0; i < items; i++) ptr[i + 1] = ptr[i] + nbrs[i].length;
    int[] cols = new int[ptr[items]];
    float[] vals = new float[ptr[items]];
    for (int i = 0; i < items; i++) {
      System.arraycopy(nbrs[i], 0, cols, ptr[i], nbrs[i].length);
      System.arraycopy(sims[i], 0, vals, ptr[i], sims[i].length);
    }
    // Neighbour lists come best first; the scorer scatters them, so order does not matter there.
    return new Model(byUser, new SparseMatrix(items, items, ptr, cols, vals));
  }

  /** One worker: takes items in chunks and keeps each one's top-k most similar items. */
  private void computeNeighbours(WorkerPool pool, AtomicInteger next, AtomicLong done, int items, int k,
      boolean jaccard, float[] norms, SparseMatrix byItem, SparseMatrix byUser, int[][] nbrs, float[][] sims,
      Progress progress) {
    float[] acc = new float[items];
    int[] stamp = new int[items];
    Arrays.fill(stamp, -1);
    int[] touched = new int[items];
    TopN top = new TopN(k);
    int[] outItems = new int[k];
    float[] outSims = new float[k];
    int from;
    while (!pool.stopped() && (from = next.getAndAdd(ITEMS_PER_TASK)) < items) {
      int to = Math.min(items, from + ITEMS_PER_TASK);
      for (int i = from; i < to; i++) {
        int count = coOccurrence(i, byItem, byUser, jaccard, acc, stamp, touched);
        top.reset(k);
        float ni = norms[i];
        float shrink = params.shrink();
        for (int t = 0; t < count; t++) {
          int j = touched[t];
          if (j == i) continue;
          float denom = jaccard ? ni + norms[j] - acc[j] + shrink : ni * norms[j] + shrink;
          if (denom > 0) top.offer(j, acc[j] / denom);
        }
        int got = top.drainSorted(outItems, outSims);
        nbrs[i] = Arrays.copyOf(outItems, got);
        sims[i] = Arrays.copyOf(outSims, got);
      }
      long d = done.addAndGet(to - from);
      if (d % 4096 < ITEMS_PER_TASK) progress.update("itemknn", d, items, "items");
    }
  }

  /**
   * Accumulates item i's co-occurrence with every item into {@code acc} and lists the touched items in
   * {@code touched}; returns how many. {@code stamp[j] == i} marks j as already touched for i.
   */
  private static int coOccurrence(int i, SparseMatrix byItem, SparseMatrix byUser, boolean binary,
      float[] acc, int[] stamp, int[] touched) {
    int count = 0;
    int[] users = byItem.cols();
    float[] xi = byItem.vals();
    int[] cols = byUser.cols();
    float[] vals = byUser.vals();
    int[] ptr = byUser.ptr();
    for (int p = byItem.rowStart(i), end = byItem.rowEnd(i); p < end; p++) {
      int u = users[p];
      float a = binary ? 1f : xi[p];
      for (int q = ptr[u], qe = ptr[u + 1]; q < qe; q++) {
        int j = cols[q];
        if (stamp[j] != i) {
          stamp[j] = i;
          acc[j] = 0f;
          touched[count++] = j;
        }
        acc[j] += binary ? a : a * vals[q];
      }
    }
    return count;
  }

  /** The interaction values the model works with. */
  public static SparseMatrix weighted(SparseMatrix m, ItemKnnParams.Weighting weighting) {
    return switch (weighting) {
      case BINARY -> m.mapValues(v -> 1f);
      case WEIGHTS -> m;
      case LOG -> m.mapValues(v -> (float) Math.log1p(Math.max(0f, v)));
    };
  }

  /** The fitted neighbour matrix and the (weighted) histories it scores. */
  public static final class Model implements TrainedModel {
    private final SparseMatrix history;
    private final SparseMatrix neighbours;

    /**
     * A model over another set of users with the same neighbours: how a Spark partition scores its own users
     * with the item side trained once on the driver.
     *
     * @param history the users' interactions, user-major, over the same items
     */
    public static Model of(SparseMatrix history, SparseMatrix neighbours) {
      if (history.columns() != neighbours.rows()) {
        throw new IllegalArgumentException(history.columns() + " history columns for " + neighbours.rows() + " items");
      }
      return new Model(history, neighbours);
    }

    Model(SparseMatrix history, SparseMatrix neighbours) {
      this.history = history;
      this.neighbours = neighbours;
    }

    @Override public int userCount() { return history.rows(); }

    @Override public int itemCount() { return neighbours.rows(); }

    /** The users' interactions as the model scores them (after its weighting), user-major. */
    public SparseMatrix history() { return history; }

    /** Row j holds j's neighbours (best first) and their similarities. */
    public SparseMatrix neighbours() { return neighbours; }

    @Override public UserScorer newUserScorer() {
      int n = itemCount();
      int[] hCols = history.cols();
      float[] hVals = history.vals();
      int[] nPtr = neighbours.ptr();
      int[] nCols = neighbours.cols();
      float[] nVals = neighbours.vals();
      return (users, count, out) -> {
        Arrays.fill(out, 0, count * n, 0f);
        for (int b = 0; b < count; b++) {
          int u = users[b];
          int base = b * n;
          for (int p = history.rowStart(u), end = history.rowEnd(u); p < end; p++) {
            int j = hCols[p];
            float w = hVals[p];
            for (int q = nPtr[j], qe = nPtr[j + 1]; q < qe; q++) out[base + nCols[q]] += w * nVals[q];
          }
        }
      };
    }

    /** An item's neighbours with their similarities; every other item is NaN, so it is never listed. */
    @Override public ItemScorer newItemScorer() {
      int[] nCols = neighbours.cols();
      float[] nVals = neighbours.vals();
      return (item, out) -> {
        Arrays.fill(out, Float.NaN);
        for (int q = neighbours.rowStart(item), end = neighbours.rowEnd(item); q < end; q++) {
          out[nCols[q]] = nVals[q];
        }
      };
    }
  }
}
