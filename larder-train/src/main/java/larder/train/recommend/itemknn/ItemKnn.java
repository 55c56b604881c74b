package larder.train.recommend.itemknn;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.Evaluation;
import larder.train.kernel.TopN;
import larder.train.kernel.TopSelect;
import larder.train.kernel.WorkerPool;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;
import larder.train.recommend.itemknn.ItemKnnParams.Similarity;

/**
 * Item-based top-N recommendation (Deshpande and Karypis, "Item-based top-N recommendation algorithms", ACM TOIS
 * 22(1), 2004): each item keeps its {@code k} most similar items N_k, and a user's score for item i sums
 * {@code w_uj * sim(i, j)} over history items j in one of two neighbourhoods ({@link ItemKnnParams.Form}):
 * <ul>
 *   <li><b>candidate</b> (the default): j ∈ N_k(i), i's own nearest items, as Dacrema, Cremonesi and Jannach's
 *       baseline scores ("Are we really making much progress?", RecSys 2019: {@code URM · W} with the top-k kept per
 *       column). No item collects more than k votes.
 *   <li><b>history</b>: i ∈ N_k(j), each history item voting for its own nearest items. An item that sits in many
 *       lists, as popular items do, collects a vote from every history item that lists it. On MovieLens and
 *       Last.fm (shrink 10, k 50 or 100) the 1% most popular items sit in 8 to 28 times as many lists as the
 *       median item, and this form trails the candidate form by 15% nDCG@10 on MovieLens (BENCHMARKS.md,
 *       "Item-kNN neighbourhood forms").
 * </ul>
 * Both similarities are symmetric to the bit, so both forms use the same lists: the candidate form scores with
 * their transpose, and with {@code k >= items - 1} the two forms are equal. {@link ItemKnnParams.Normalize#ROWS}
 * scales each list to sum one before scoring.
 *
 * <p>Similarities are computed sparsely: for item i, walk its users (item-major matrix) and each of
 * their items (user-major matrix), accumulating co-occurrence into a dense per-thread row; only the
 * touched entries are read back and reset. Cost is {@code sum over users of |history|^2}, spread over
 * threads by item. Cosine is {@code <x_i, x_j> / (|x_i| |x_j| + shrink)}, Jaccard
 * {@code |U_i ∩ U_j| / (|U_i ∪ U_j| + shrink)}; the shrink term damps pairs supported by few users.
 *
 * <p><b>Many models from one pass</b> (for tuning): the pass is the whole cost of a fit; k, the form and the
 * normalisation only cut and arrange its result. {@link #neighbours(Interactions, ItemKnnParams, int, Progress)}
 * computes the best-first lists once at the largest k wanted for one (similarity, shrink, weighting), and
 * {@link Neighbours#model(int, ItemKnnParams.Form, ItemKnnParams.Normalize)} then yields the model for any smaller k
 * and either form, equal bit for bit to a fit with those parameters (a list's first k entries are the k nearest,
 * ties going to the lower item id):
 * <pre>
 *   ItemKnn.Neighbours lists = ItemKnn.neighbours(train, params, 400, progress);  // one similarity pass
 *   for (int k : new int[] {10, 25, 50, 100, 200, 400}) {
 *     TrainedModel m = lists.model(k, Form.CANDIDATE);    // a truncation and a transpose: milliseconds
 *     ...
 *   }
 * </pre>
 * {@link ItemKnnTrials} wraps this for a search: it takes whole {@link ItemKnnParams} and holds the passes.
 */
public final class ItemKnn implements Recommender {
  private static final int ITEMS_PER_TASK = 64;
  /**
   * A list is selected ({@link TopSelect}) rather than kept in a heap ({@link TopN}) when k is at least 1/32 of the
   * co-occurring items: on ml-latest-small's training part that made a fit at k 100 25% faster and the k-400 pass of
   * a search 2× faster (0.69 to 0.34 s); the heap stays faster at k 10 and below (BENCHMARKS.md, "Tuning within the
   * budget").
   */
  private static final int SELECT_RATIO = 32;

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
    int k = params.neighbors();
    return neighbours(train, params, k, progress).model(k, params.neighborhood(), params.normalize());
  }

  /**
   * Every item's {@code maxK} most similar items under {@code p}'s similarity, shrink and weighting (its
   * neighbours, form and normalisation are ignored): one similarity pass from which {@link Neighbours#model} then
   * cuts a model for any smaller k and either form, at the cost of a truncation and, for the candidate form, a
   * transpose. A fit is {@code neighbours(train, p, k).model(k, p.neighborhood(), p.normalize())}, bit for bit.
   *
   * @param maxK the largest k wanted (>= 1); more than the items minus one keeps every positive similarity
   */
  public static Neighbours neighbours(Interactions train, ItemKnnParams p, int maxK, Progress progress) {
    if (maxK < 1) throw new ConfigException("itemknn.neighbors", maxK, "must be >= 1");
    SparseMatrix byUser = weighted(train.byUser(), p.weighting());
    SparseMatrix byItem = byUser.transpose();
    int items = train.itemCount();
    boolean jaccard = p.similarity() == Similarity.JACCARD;
    float[] norms = new float[items];
    for (int i = 0; i < items; i++) {
      if (jaccard) {
        norms[i] = byItem.rowLength(i);
      } else {
        double s = 0;
        float[] v = byItem.vals();
        for (int q = byItem.rowStart(i); q < byItem.rowEnd(i); q++) s += (double) v[q] * v[q];
        norms[i] = (float) Math.sqrt(s);
      }
    }
    int k = Math.min(maxK, Math.max(0, items - 1));
    int[][] nbrs = new int[items][];
    float[][] sims = new float[items][];
    AtomicInteger next = new AtomicInteger();
    AtomicLong done = new AtomicLong();
    try (WorkerPool pool = new WorkerPool(p.threads(), "itemknn")) {
      pool.runAll(() -> computeNeighbours(pool, next, done, items, k, jaccard, p.shrink(), norms, byItem, byUser,
          nbrs, sims, progress));
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
    return new Neighbours(byUser, new SparseMatrix(items, items, ptr, cols, vals), maxK);
  }

  /**
   * The result of one similarity pass ({@link ItemKnn#neighbours}): each item's best-first list of its most similar
   * items, up to {@link #maxK()}, and the weighted histories. Since the lists are sorted best first with ties
   * broken by the lower item id ({@link TopN}), the first k entries of a list are exactly the k-nearest list a fit
   * at k would keep.
   */
  public static final class Neighbours {
    private final SparseMatrix history;
    private final SparseMatrix lists;
    private final int maxK;

    Neighbours(SparseMatrix history, SparseMatrix lists, int maxK) {
      this.history = history;
      this.lists = lists;
      this.maxK = maxK;
    }

    /** The k these lists were computed for; {@link #model} takes any k up to it. */
    public int maxK() { return maxK; }

    /** Row i holds i's most similar items (up to {@link #maxK()}), best first, with their similarities. */
    public SparseMatrix lists() { return lists; }

    /** {@link #model(int, Form, Normalize)} without normalisation. */
    public Model model(int k, Form form) {
      return model(k, form, Normalize.NONE);
    }

    /**
     * The model that keeps each item's first {@code k} neighbours and scores in {@code form}: equal, bit for bit,
     * to a fit with {@code neighbors = k} and the same similarity, shrink and weighting. Costs one pass over the
     * lists (and for the candidate form a transpose); the lists are shared, not copied, when nothing is cut.
     *
     * @throws IllegalArgumentException when k is not in 1..{@link #maxK()}
     */
    public Model model(int k, Form form, Normalize normalize) {
      if (k < 1 || k > maxK) throw new IllegalArgumentException("k must be in 1.." + maxK + ", got " + k);
      return new Model(history, prefix(lists, k), form, normalize);
    }

    /**
     * The models at every k of {@code ks} in one form and normalisation, scored together: each user's votes are
     * walked once, at the largest k, and a vote from a neighbour at rank r (in the list it comes from) is added to
     * the score of every k above r. The scores, and so the lists and metrics ({@link Evaluation#evaluateEach}), are
     * those of {@code model(k, form, normalize)} for each k, bit for bit: an item gets at most one vote per history
     * item, in history order, with the same float value, as the model alone adds them.
     *
     * @param ks ascending, distinct, each in 1..{@link #maxK()}
     */
    public Family family(int[] ks, Form form, Normalize normalize) {
      return new Family(history, lists, maxK, ks, form, normalize);
    }

    /** Each row's first k entries. */
    static SparseMatrix prefix(SparseMatrix m, int k) {
      int rows = m.rows();
      boolean cut = false;
      for (int r = 0; r < rows && !cut; r++) cut = m.rowLength(r) > k;
      if (!cut) return m;
      int[] ptr = new int[rows + 1];
      for (int r = 0; r < rows; r++) ptr[r + 1] = ptr[r] + Math.min(k, m.rowLength(r));
      int[] cols = new int[ptr[rows]];
      float[] vals = new float[ptr[rows]];
      for (int r = 0; r < rows; r++) {
        int n = ptr[r + 1] - ptr[r];
        System.arraycopy(m.cols(), m.rowStart(r), cols, ptr[r], n);
        System.arraycopy(m.vals(), m.rowStart(r), vals, ptr[r], n);
      }
      return new SparseMatrix(rows, m.columns(), ptr, cols, vals);
    }
  }

  /** One worker: takes items in chunks and keeps each one's top-k most similar items. */
  private static void computeNeighbours(WorkerPool pool, AtomicInteger next, AtomicLong done, int items, int k,
      boolean jaccard, float shrink, float[] norms, SparseMatrix byItem, SparseMatrix byUser, int[][] nbrs,
      float[][] sims, Progress progress) {
    float[] acc = new float[items];
    int[] stamp = new int[items];
    Arrays.fill(stamp, -1);
    int[] touched = new int[items];
    TopN top = new TopN(k);
    long[] keys = new long[items];
    int[] outItems = new int[k];
    float[] outSims = new float[k];
    int from;
    while (!pool.stopped() && (from = next.getAndAdd(ITEMS_PER_TASK)) < items) {
      int to = Math.min(items, from + ITEMS_PER_TASK);
      for (int i = from; i < to; i++) {
        int count = coOccurrence(i, byItem, byUser, jaccard, acc, stamp, touched);
        float ni = norms[i];
        int got;
        if ((long) k * SELECT_RATIO > count) {
          int c = 0;
          for (int t = 0; t < count; t++) {
            int j = touched[t];
            if (j == i) continue;
            float denom = jaccard ? ni + norms[j] - acc[j] + shrink : ni * norms[j] + shrink;
            if (denom > 0) keys[c++] = TopSelect.key(j, acc[j] / denom);
          }
          got = TopSelect.select(keys, c, k, outItems, outSims);
        } else {
          top.reset(k);
          for (int t = 0; t < count; t++) {
            int j = touched[t];
            if (j == i) continue;
            float denom = jaccard ? ni + norms[j] - acc[j] + shrink : ni * norms[j] + shrink;
            if (denom > 0) top.offer(j, acc[j] / denom);
          }
          got = top.drainSorted(outItems, outSims);
        }
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

  /**
   * The fitted neighbour lists, the form they score in and the (weighted) histories they score. Scoring scatters
   * one row of a vote matrix per history item j: in the history form row j is j's own list, in the candidate
   * form it lists the items that have j among their neighbours (the transpose). One kernel serves both; a history
   * row holds k entries, a candidate row as many as the lists j sits in.
   */
  public static final class Model implements TrainedModel {
    private final SparseMatrix history;
    private final SparseMatrix neighbours;
    private final Form form;
    private final Normalize normalize;
    private final SparseMatrix votes;

    /**
     * A model over another set of users with the same neighbours: how a Spark partition or a refresh scores its
     * own users with the item side trained once.
     *
     * @param history the users' interactions, user-major, over the same items, already weighted
     * @param neighbours row i holds i's neighbours best first, with their similarities ({@link #neighbours()})
     */
    public static Model of(SparseMatrix history, SparseMatrix neighbours, Form form, Normalize normalize) {
      if (history.columns() != neighbours.rows()) {
        throw new IllegalArgumentException(history.columns() + " history columns for " + neighbours.rows() + " items");
      }
      return new Model(history, neighbours, form, normalize);
    }

    Model(SparseMatrix history, SparseMatrix neighbours, Form form, Normalize normalize) {
      if (form == null || normalize == null) throw new IllegalArgumentException("form and normalize are required");
      this.history = history;
      this.neighbours = neighbours;
      this.form = form;
      this.normalize = normalize;
      SparseMatrix scaled = normalize == Normalize.ROWS ? rowsSummingToOne(neighbours) : neighbours;
      this.votes = form == Form.CANDIDATE ? scaled.transpose() : scaled;
    }

    @Override public int userCount() { return history.rows(); }

    @Override public int itemCount() { return neighbours.rows(); }

    /** The users' interactions as the model scores them (after its weighting), user-major. */
    public SparseMatrix history() { return history; }

    /** Row i holds i's neighbours (best first) and their similarities, whatever the form. */
    public SparseMatrix neighbours() { return neighbours; }

    public Form form() { return form; }

    public Normalize normalize() { return normalize; }

    /** Row j holds the items history item j votes for, with the weight of its vote. */
    public SparseMatrix votes() { return votes; }

    @Override public UserScorer newUserScorer() {
      int n = itemCount();
      int[] hCols = history.cols();
      float[] hVals = history.vals();
      int[] vPtr = votes.ptr();
      int[] vCols = votes.cols();
      float[] vVals = votes.vals();
      return (users, count, out) -> {
        Arrays.fill(out, 0, count * n, 0f);
        for (int b = 0; b < count; b++) {
          int u = users[b];
          int base = b * n;
          for (int p = history.rowStart(u), end = history.rowEnd(u); p < end; p++) {
            int j = hCols[p];
            float w = hVals[p];
            for (int q = vPtr[j], qe = vPtr[j + 1]; q < qe; q++) out[base + vCols[q]] += w * vVals[q];
          }
        }
      };
    }

    /**
     * An item's neighbours with their similarities, in either form; every other item is NaN, so it is never
     * listed.
     */
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

    /** Each row divided by its sum; a row summing to zero or less stays as it is. */
    private static SparseMatrix rowsSummingToOne(SparseMatrix m) {
      float[] vals = Arrays.copyOf(m.vals(), (int) m.nonZeros());
      for (int r = 0; r < m.rows(); r++) {
        double sum = 0;
        for (int q = m.rowStart(r); q < m.rowEnd(r); q++) sum += vals[q];
        if (sum > 0) for (int q = m.rowStart(r); q < m.rowEnd(r); q++) vals[q] = (float) (vals[q] / sum);
      }
      return new SparseMatrix(m.rows(), m.columns(), m.ptr(), m.cols(), vals);
    }
  }
}
