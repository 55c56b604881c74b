package larder.train.recommend.ease;

import java.util.Arrays;
import java.util.Map;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): an item-item weight
 * matrix B with a zero diagonal, fitted in closed form to reconstruct the binary interaction matrix X:
 * {@code G = XᵀX + λI, P = G⁻¹, B_ij = -P_ij / P_jj (i != j), B_jj = 0}. A user's scores are
 * {@code x_u B}, the sum of the rows of B over the user's items.
 *
 * <p>Interactions are binarised, as in the paper. The work is dense: {@code n²} floats kept for scoring and,
 * in item space, {@code n²} doubles while fitting and an {@code n³} inverse (LAPACK's, or {@link SpdInverse}).
 * With fewer users m than items the same B comes from user space ({@link UserSpace}): an {@code m³} inverse
 * and sparse products, {@code 4n² + 8mn} bytes. The catalogue is capped by {@link EaseParams#maxItems()}, and
 * the chosen way's memory ({@link EaseCost}) checked against the heap before anything large is allocated.
 */
public final class Ease implements Recommender {
  private final EaseParams params;

  public Ease() {
    this(EaseParams.defaults());
  }

  public Ease(EaseParams params) {
    this.params = params;
  }

  @Override public String name() { return "ease"; }

  @Override public Map<String, Object> params() { return params.toMap(); }

  /** Bytes the fit needs at its peak for {@code items} items ({@link EaseCost#bytesNeeded}). */
  public static long bytesNeeded(int items) {
    return EaseCost.bytesNeeded(items);
  }

  @Override public Model fit(Interactions train, Progress progress) {
    int n = train.itemCount();
    long bytes = bytesNeeded(n);
    if (n > params.maxItems()) {
      throw new ModelException("ease: the catalogue has " + n + " items, above ease.max_items = "
          + params.maxItems() + "; fitting would need about " + gigabytes(bytes) + " of memory",
          "raise ease.max_items or use als / itemknn");
    }
    long heap = Runtime.getRuntime().maxMemory();
    SparseMatrix x = train.byUser().mapValues(v -> 1f);
    EaseCost cost = cost(x, params);
    requireFits(n, cost.bytes(), heap);
    progress.note("ease", "expected for " + cost.describe(heap));
    SparseMatrix xt = x.transpose();
    float[][] b;
    if (cost.userSpace()) {
      b = UserSpace.of(x, xt, progress).weights(params.lambda(), params.threads(), progress);
    } else if (params.singlePrecision() && LapackInverse.available(n)) {
      float[] g = gramColumnMajorFloat(x, xt, progress);
      for (int i = 0; i < n; i++) g[i + i * n] += (float) params.lambda();
      LapackInverse.invertLower(g, n, progress);
      b = weights(g, n);
    } else if (LapackInverse.available(n)) {
      double[] g = gramColumnMajor(x, xt, progress);
      for (int i = 0; i < n; i++) g[i + i * n] += params.lambda();
      LapackInverse.invertLower(g, n, progress);
      b = weights(g, n);
    } else {
      double[][] g = gram(x, xt, progress);
      for (int i = 0; i < n; i++) g[i][i] += params.lambda();
      SpdInverse.invertUpper(g, params.threads(), progress);
      b = weights(g);
    }
    return new Model(x, b);
  }

  /**
   * The way {@link #fit} takes for the binary histories {@code x} and what it costs: in user space
   * ({@link UserSpace}) when there are fewer users than items and the estimate says it is quicker, else the
   * item-space inverse (in single precision when asked and a native LAPACK loads). {@code -Dlarder.ease.space=items}
   * or {@code users} forces a way (users only where it is possible), for comparing them.
   */
  static EaseCost cost(SparseMatrix x, EaseParams params) {
    int n = x.columns();
    boolean lapack = LapackInverse.available(n);
    EaseCost items = EaseCost.itemSpace(x, params.threads(), lapack);
    if (params.singlePrecision() && lapack) items = items.single();
    String forced = System.getProperty("larder.ease.space", "");
    if (forced.equals("items") || !EaseCost.userSpacePossible(x)) return items;
    EaseCost users = EaseCost.userSpace(x, params.threads(), LapackInverse.available(x.rows()));
    return forced.equals("users") ? users : EaseCost.cheaper(items, users);
  }

  /** Refuses, with what to change, a catalogue whose fit would not fit in {@code heap} bytes. */
  static void requireFits(int n, long heap) {
    requireFits(n, bytesNeeded(n), heap);
  }

  /** {@link #requireFits(int, long)} for a fit that needs {@code bytes}. */
  static void requireFits(int n, long bytes, long heap) {
    if (heap != Long.MAX_VALUE && bytes > heap) {
      throw new ModelException("ease: " + n + " items need about " + gigabytes(bytes)
          + " of memory but the JVM may use at most " + gigabytes(heap),
          "give Java more memory, e.g. LARDER_JAVA_OPTS=-Xmx" + suggestedHeapGigabytes(bytes)
              + "g, lower ease.max_items (the run then stops here), precision: float (half the memory, with a"
              + " native LAPACK), or use als / itemknn");
    }
  }

  /** Whole gigabytes of heap that hold {@code bytes} with a quarter to spare for the rest of the run. */
  static long suggestedHeapGigabytes(long bytes) {
    return (long) Math.ceil(bytes * 1.25 / (1L << 30));
  }

  /** {@link #gram(SparseMatrix, SparseMatrix, Progress)} without progress. */
  static double[][] gram(SparseMatrix x, SparseMatrix xt) {
    return gram(x, xt, Progress.NONE);
  }

  /** Upper triangle of XᵀX: row j walks j's users and, in each user's sorted history, the items from j on. */
  static double[][] gram(SparseMatrix x, SparseMatrix xt, Progress progress) {
    int n = x.columns();
    double[][] g = new double[n][n];
    walkGram(x, xt, progress, (j, cols, from, to) -> {
      double[] row = g[j];
      for (int q = from; q < to; q++) row[cols[q]] += 1.0;
    });
    return g;
  }

  /**
   * {@link #gram(SparseMatrix, SparseMatrix, Progress)} into one column-major array for LAPACK: row j of
   * the upper triangle lands in column j of the lower one ({@code [i + j n]}, i >= j).
   */
  static double[] gramColumnMajor(SparseMatrix x, SparseMatrix xt, Progress progress) {
    int n = x.columns();
    double[] g = new double[n * n];
    walkGram(x, xt, progress, (j, cols, from, to) -> {
      int base = j * n;
      for (int q = from; q < to; q++) g[base + cols[q]] += 1.0;
    });
    return g;
  }

  /** {@link #gramColumnMajor} in float (counts up to 2²⁴ are exact). */
  static float[] gramColumnMajorFloat(SparseMatrix x, SparseMatrix xt, Progress progress) {
    int n = x.columns();
    float[] g = new float[n * n];
    walkGram(x, xt, progress, (j, cols, from, to) -> {
      int base = j * n;
      for (int q = from; q < to; q++) g[base + cols[q]] += 1f;
    });
    return g;
  }

  /** Receives, for row j of the Gram matrix, one user's items from j on: {@code cols[from, to)}. */
  private interface GramRun {
    void add(int j, int[] cols, int from, int to);
  }

  /** The walk the three Gram layouts share: for each item j, each of j's users' items from j on, with progress. */
  private static void walkGram(SparseMatrix x, SparseMatrix xt, Progress progress, GramRun run) {
    int n = x.columns();
    int[] users = xt.cols();
    int[] cols = x.cols();
    int[] ptr = x.ptr();
    for (int j = 0; j < n; j++) {
      for (int p = xt.rowStart(j), end = xt.rowEnd(j); p < end; p++) {
        int u = users[p];
        run.add(j, cols, Arrays.binarySearch(cols, ptr[u], ptr[u + 1], j), ptr[u + 1]);
      }
      if ((j & 255) == 255) progress.update("ease gram", j + 1, n, "items");
    }
    progress.update("ease gram", n, n, "items");
  }

  /** {@link #weights(double[], int)} from a float P. */
  static float[][] weights(float[] p, int n) {
    float[] diag = new float[n];
    for (int i = 0; i < n; i++) diag[i] = p[i + i * n];
    float[][] b = new float[n][n];
    int block = 64;
    for (int j0 = 0; j0 < n; j0 += block) {
      int j1 = Math.min(n, j0 + block);
      for (int i = 0; i < j1; i++) {
        int base = i * n;
        float d = diag[i];
        for (int j = Math.max(j0, i + 1); j < j1; j++) b[j][i] = -p[base + j] / d;
      }
      for (int j = j0; j < j1; j++) {
        int base = j * n;
        float[] out = b[j];
        for (int i = j + 1; i < n; i++) out[i] = -p[base + i] / diag[i];
        out[j] = 0f;
      }
    }
    return b;
  }

  /**
   * B as float rows from P held column-major in its lower triangle ({@code P_ij}, i >= j, at {@code [i + j n]}),
   * {@code B_ji = -P_ij / P_ii}: row j reads column j below the diagonal and, a block of rows at a time,
   * short contiguous runs of the columns before it.
   */
  static float[][] weights(double[] p, int n) {
    double[] diag = new double[n];
    for (int i = 0; i < n; i++) diag[i] = p[i + i * n];
    float[][] b = new float[n][n];
    int block = 64;
    for (int j0 = 0; j0 < n; j0 += block) {
      int j1 = Math.min(n, j0 + block);
      for (int i = 0; i < j1; i++) {
        int base = i * n;
        double d = diag[i];
        for (int j = Math.max(j0, i + 1); j < j1; j++) b[j][i] = (float) (-p[base + j] / d);
      }
      for (int j = j0; j < j1; j++) {
        int base = j * n;
        float[] out = b[j];
        for (int i = j + 1; i < n; i++) out[i] = (float) (-p[base + i] / diag[i]);
        out[j] = 0f;
      }
    }
    return b;
  }

  /**
   * B as float rows from the upper triangle of P, freeing P's rows as it goes (last block first, since
   * row j of B reads only rows 0..j of P), so the peak is about the double matrix alone.
   */
  static float[][] weights(double[][] p) {
    int n = p.length;
    double[] diag = new double[n];
    for (int i = 0; i < n; i++) diag[i] = p[i][i];
    float[][] b = new float[n][];
    int block = 64;
    for (int j1 = n; j1 > 0; j1 -= block) {
      int j0 = Math.max(0, j1 - block);
      for (int j = j0; j < j1; j++) b[j] = new float[n];
      for (int i = 0; i < j1; i++) {
        double[] row = p[i];
        double d = diag[i];
        for (int j = Math.max(j0, i + 1); j < j1; j++) b[j][i] = (float) (-row[j] / d);
      }
      for (int j = j0; j < j1; j++) {
        double[] row = p[j];
        float[] out = b[j];
        for (int i = j + 1; i < n; i++) out[i] = (float) (-row[i] / diag[i]);
        out[j] = 0f;
      }
      for (int j = j0; j < j1; j++) p[j] = null;
    }
    return b;
  }

  private static String gigabytes(long bytes) {
    return EaseCost.gigabytes(bytes);
  }

  /** The fitted weights (row j: how item j votes for every item) and the binary histories. */
  public static final class Model implements TrainedModel {
    private final SparseMatrix history;
    private final float[][] b;

    Model(SparseMatrix history, float[][] b) {
      this.history = history;
      this.b = b;
    }

    /** The model over other users' binary histories with the same weights (the rows given are not copied). */
    public static Model of(SparseMatrix history, float[][] b) {
      if (history.columns() != b.length) {
        throw new IllegalArgumentException(history.columns() + " history columns for " + b.length + " items");
      }
      return new Model(history, b);
    }

    /** The binary histories the model scores (row u: user u's items, each 1). */
    public SparseMatrix history() { return history; }

    /** The weight rows themselves, B[j] for item j (not copied: for handing to another process as they are). */
    public float[][] weights() { return b; }

    @Override public int userCount() { return history.rows(); }

    @Override public int itemCount() { return b.length; }

    /** B[j][i], the weight of item j in the reconstruction of item i; the diagonal is zero. */
    public float weight(int j, int i) { return b[j][i]; }

    @Override public UserScorer newUserScorer() {
      int n = b.length;
      int[] cols = history.cols();
      return (users, count, out) -> {
        Arrays.fill(out, 0, count * n, 0f);
        for (int u = 0; u < count; u++) {
          int base = u * n;
          int user = users[u];
          for (int p = history.rowStart(user), end = history.rowEnd(user); p < end; p++) {
            float[] row = b[cols[p]];
            for (int i = 0; i < n; i++) out[base + i] += row[i];
          }
        }
      };
    }

    @Override public ItemScorer newItemScorer() {
      return (item, out) -> System.arraycopy(b[item], 0, out, 0, b.length);
    }
  }
}
