package larder.train.recommend.ease;

import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * EASE's λ path for tuning: the work that does not depend on λ done once on a training matrix
 * ({@link #prepare}), then a model per λ ({@link #at}) that scores the training users as {@link Ease#fit} with
 * that λ would, for much less.
 *
 * <p><b>Fewer users m than items n</b> (user space, {@link UserSpace}): prepare counts the users' overlaps
 * {@code K = XXᵀ} ({@code Σ c_i²/2} for item i's c_i users); each λ then inverts {@code K + λI} ({@code m³},
 * LAPACK or Java) and sums it over every item's pairs of users for {@code diag P} ({@code Σ c_i²/2} again). The
 * model never forms B: scoring user u is one pass over X's non-zeros ({@code nnz}), so all users cost
 * {@code m·nnz}, against {@code n³} for a fit. On ml-latest-small (610 × 9,724) and Last.fm 2k (1,892 × 17,632)
 * see BENCHMARKS.md, "EASE in user space and the λ path".
 *
 * <p><b>Otherwise</b> (item space): prepare builds the items' Gram matrix once ({@code 8n²} bytes, kept), and each
 * λ is a full item-space fit from a copy of it: an {@code n³} inverse and B ({@code 12n²} bytes more), the cost of
 * {@link Ease#fit} less its Gram matrix. The model is an ordinary {@link Ease.Model}.
 *
 * <p>Either way, the result does not depend on the thread count, and {@code at} may be called for any number of λ
 * in any order; it is not thread-safe.
 */
public final class EasePath {
  private final EaseParams params;
  private final SparseMatrix x;
  private final UserSpace users;
  private final double[] gram;
  private final double[][] gramRows;

  private EasePath(EaseParams params, SparseMatrix x, UserSpace users, double[] gram, double[][] gramRows) {
    this.params = params;
    this.x = x;
    this.users = users;
    this.gram = gram;
    this.gramRows = gramRows;
  }

  /** {@link #prepare(Interactions, EaseParams, Progress)} without progress. */
  public static EasePath prepare(Interactions train, EaseParams params) {
    return prepare(train, params, Progress.NONE);
  }

  /**
   * The λ-independent work on {@code train} (binarised as {@link Ease} does): user space when there are fewer users
   * than items, else the items' Gram matrix. {@code params}' λ is not used; its item cap, threads and precision are.
   *
   * @throws ModelException when the catalogue is above {@code ease.max_items} or the path would not fit the heap
   */
  public static EasePath prepare(Interactions train, EaseParams params, Progress progress) {
    int n = train.itemCount();
    if (n > params.maxItems()) {
      throw new ModelException("ease: the catalogue has " + n + " items, above ease.max_items = "
          + params.maxItems() + "; tuning its lambda would need about " + EaseCost.gigabytes(20L * n * n)
          + " of memory", "raise ease.max_items or use als / itemknn");
    }
    SparseMatrix x = train.byUser().mapValues(v -> 1f);
    SparseMatrix xt = x.transpose();
    long heap = Runtime.getRuntime().maxMemory();
    if (EaseCost.userSpacePossible(x)) {
      int m = x.rows();
      Ease.requireFits(n, 24L * m * m + 8L * n * Math.max(1, params.threads()), heap);
      return new EasePath(params, x, UserSpace.of(x, xt, progress), null, null);
    }
    // the Gram matrix kept, plus one fit's 12n² at a time
    Ease.requireFits(n, 8L * n * n + EaseCost.bytesNeeded(n), heap);
    if (LapackInverse.available(n)) {
      return new EasePath(params, x, null, Ease.gramColumnMajor(x, xt, progress), null);
    }
    return new EasePath(params, x, null, null, Ease.gram(x, xt, progress));
  }

  /** Whether each λ is cheap (user space), or a full item-space inverse of {@code n³}. */
  public boolean userSpace() {
    return users != null;
  }

  /** {@link #at(double, Progress)} without progress. */
  public TrainedModel at(double lambda) {
    return at(lambda, Progress.NONE);
  }

  /**
   * The model for {@code lambda}: it scores each training user as {@link Ease#fit} with that λ does (B in double,
   * before its rounding to float). In user space it has no item scorer, since it holds no B.
   */
  public TrainedModel at(double lambda, Progress progress) {
    EaseParams p = params.withLambda(lambda);
    if (users != null) {
      double[] mInv = users.inverse(lambda, p.threads(), progress);
      return new PathModel(users, lambda, mInv, users.oneMinusD(mInv));
    }
    int n = x.columns();
    if (gram != null) {
      double[] g = gram.clone();
      for (int i = 0; i < n; i++) g[i + i * n] += lambda;
      LapackInverse.invertLower(g, n, progress);
      return new Ease.Model(x, Ease.weights(g, n));
    }
    double[][] g = new double[n][];
    for (int i = 0; i < n; i++) {
      g[i] = gramRows[i].clone();
      g[i][i] += lambda;
    }
    SpdInverse.invertUpper(g, p.threads(), progress);
    return new Ease.Model(x, Ease.weights(g));
  }

  /** EASE's full model for {@code lambda}, B included, from the prepared work: what {@link Ease#fit} returns. */
  public Ease.Model fit(double lambda, Progress progress) {
    if (users != null) return new Ease.Model(x, users.weights(lambda, params.threads(), progress));
    return (Ease.Model) at(lambda, progress);
  }

  /** A λ of the user-space path: {@code (K + λI)⁻¹} and {@code λ·diag P}, no B. */
  private static final class PathModel implements TrainedModel {
    private final UserSpace users;
    private final double lambda;
    private final double[] mInv;
    private final double[] oneMinusD;

    PathModel(UserSpace users, double lambda, double[] mInv, double[] oneMinusD) {
      this.users = users;
      this.lambda = lambda;
      this.mInv = mInv;
      this.oneMinusD = oneMinusD;
    }

    @Override public int userCount() { return users.users(); }

    @Override public int itemCount() { return users.items(); }

    @Override public UserScorer newUserScorer() {
      return users.scorer(lambda, mInv, oneMinusD);
    }
  }
}
