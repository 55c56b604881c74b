package larder.train.recommend.kept;

import java.io.InputStream;
import java.io.OutputStream;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;

/**
 * A fitted model in the kept format ({@link KeptOutput}), and back: what a batch keeps so that users can be scored
 * again later against the same model. The model artifact holds only the item side ({@link ItemSide}), what scores
 * any user from their history: a refresh reads it and nothing about the users it leaves alone. The kind in the
 * header is the model's name; format version 2 of each kind is (after the header, little-endian, arrays
 * length-prefixed):
 * <pre>
 * popularity  users int32, scores float32[items]
 * itemknn     (version 3) weighting string (BINARY | WEIGHTS | LOG), neighbourhood form string (HISTORY |
 *             CANDIDATE), normalisation string (NONE | ROWS), neighbour rows int32, ptr int32[], cols int32[],
 *             similarities float32[]: row j holds j's neighbours best first. Version 2 lacks the two strings and
 *             is read as the history form without normalisation, as it was written
 * ease        items int32, then B's rows float32[items] each (B[j] = how item j votes for every item)
 * als         (version 3) factors int32, iterations int32, regularization float32, weighting string (WEIGHTED |
 *             CONSTANT), regularization scale float32 (the training data's), alpha float32, confidence string
 *             (LINEAR | LOG), epsilon float32, cg_steps int32, seed int64: the solve parameters; items int32,
 *             item factors float32[items × factors], entity-major. Version 2 lacks the weighting and the scale
 *             and is read as constant λ, as it was trained
 * </pre>
 * ALS's user factors are an artifact of their own ({@link #writeUserFactors}, kind {@code als-users} version 2:
 * users int32, factors int32, user factors float32[users × factors], entity-major), so that the batch's own
 * model can be rebuilt bit for bit ({@link #read}) while a refresh, which folds users in afresh, never reads them.
 * The histories are not in either: they are kept once for every kind ({@link KeptHistory}, {@link UserHistory}),
 * as the source merged them, and each kind derives its own from them (item-kNN weights them, EASE binarises).
 * Version 1 (item and user side in one artifact) is no longer read.
 */
public final class KeptModel {
  static final int VERSION = 2;
  /** Item-kNN's format, which adds the neighbourhood form and normalisation to version 2. */
  static final int ITEMKNN_VERSION = 3;
  /** ALS's format, which adds weighted regularization and its scale to version 2. */
  static final int ALS_VERSION = 3;
  static final String USER_FACTORS = "als-users";

  private KeptModel() {}

  /** Whether {@link #write} can keep this model. */
  public static boolean canKeep(TrainedModel model) {
    return model instanceof Popularity.Model || model instanceof ItemKnn.Model || model instanceof Ease.Model
        || model instanceof AlsModel;
  }

  /**
   * Why a refresh cannot score users of {@code recommender}'s batches from their kept model and histories, or
   * null when it can.
   */
  public static String refreshable(Recommender recommender) {
    if (recommender instanceof Popularity p) {
      if (p.parameters().halfLife() != null) {
        return "model.half_life decays each interaction by its age, and a refresh keeps no times: it would serve the"
            + " base run's decayed scores as if they were current; remove half_life or run the job in full";
      }
      return null;
    }
    if (recommender instanceof ItemKnn || recommender instanceof Ease || recommender instanceof Als) return null;
    return "model " + recommender.name() + " keeps no model to refresh from; run the job in full";
  }

  /**
   * Writes the item side of {@code model}, fitted by {@code recommender}, to {@code out} and closes it. ALS's user
   * factors go apart, through {@link #writeUserFactors}.
   *
   * @throws IllegalArgumentException for a model this format has no kind for
   */
  public static void write(Recommender recommender, TrainedModel model, OutputStream out) {
    if (!canKeep(model)) throw new IllegalArgumentException("no kept format for " + model.getClass().getName());
    int version = model instanceof ItemKnn.Model ? ITEMKNN_VERSION : model instanceof AlsModel ? ALS_VERSION : VERSION;
    try (KeptOutput o = new KeptOutput(out, recommender.name(), version)) {
      if (model instanceof Popularity.Model m) {
        o.int32(m.userCount());
        o.floats(m.itemScores());
      } else if (model instanceof ItemKnn.Model m) {
        o.string(((ItemKnn) recommender).itemKnnParams().weighting().name());
        o.string(m.form().name());
        o.string(m.normalize().name());
        SparseMatrix n = m.neighbours();
        o.int32(n.rows());
        o.ints(n.ptr(), 0, n.rows() + 1);
        o.ints(n.cols(), 0, (int) n.nonZeros());
        o.floats(n.vals(), 0, (int) n.nonZeros());
      } else if (model instanceof Ease.Model m) {
        float[][] b = m.weights();
        o.int32(b.length);
        for (float[] row : b) o.floats(row);
      } else if (model instanceof AlsModel m) {
        AlsParams p = ((Als) recommender).alsParams();
        o.int32(p.factors());
        o.int32(p.iterations());
        o.float32(p.regularization());
        o.string(p.weightedRegularization() ? "WEIGHTED" : "CONSTANT");
        if (p.weightedRegularization() && !(m.regularizationScale() >= 1)) {
          throw new IllegalArgumentException("an ALS model with weighted regularization needs its training data's"
              + " scale to be kept, not " + m.regularizationScale());
        }
        o.float32(p.weightedRegularization() ? (float) m.regularizationScale() : 1f);
        o.float32(p.alpha());
        o.string(p.confidence().name());
        o.float32(p.epsilon());
        o.int32(p.cgSteps());
        o.int64(p.seed());
        o.int32(m.itemCount());
        o.floats(m.itemFactors());
      }
    }
  }

  /** Writes ALS's user factors, the batch's users' side of {@code model}, to {@code out} and closes it. */
  public static void writeUserFactors(AlsModel model, OutputStream out) {
    try (KeptOutput o = new KeptOutput(out, USER_FACTORS, VERSION)) {
      o.int32(model.userCount());
      o.int32(model.factors());
      o.floats(model.userFactors());
    }
  }

  /**
   * Reads the item side written by {@link #write} and closes the stream.
   *
   * @param what names the artifact in errors ("the kept model of batch 12")
   * @throws ModelException when the bytes are not a kept model this Larder reads
   */
  public static ItemSide readItemSide(InputStream in, String what) {
    try (KeptInput i = new KeptInput(in, what)) {
      boolean itemKnn = i.kind().equals("itemknn");
      boolean als = i.kind().equals("als");
      int newest = itemKnn ? ITEMKNN_VERSION : als ? ALS_VERSION : VERSION;
      if (i.version() != VERSION && i.version() != newest) {
        throw new ModelException(what + " has format version " + i.version() + " of '" + i.kind()
            + "'; this Larder reads version " + (newest != VERSION ? VERSION + " or " + newest : VERSION),
            "run the job again to keep a fresh model");
      }
      return switch (i.kind()) {
        case "popularity" -> {
          int users = i.int32();
          yield new ItemSide.PopularitySide(users, i.floats());
        }
        case "itemknn" -> {
          ItemKnnParams.Weighting weighting = ItemKnnParams.Weighting.valueOf(i.string());
          boolean v2 = i.version() == VERSION;
          ItemKnnParams.Form form = v2 ? ItemKnnParams.Form.HISTORY : ItemKnnParams.Form.valueOf(i.string());
          ItemKnnParams.Normalize normalize = v2 ? ItemKnnParams.Normalize.NONE
              : ItemKnnParams.Normalize.valueOf(i.string());
          int rows = i.int32();
          int[] ptr = i.ints();
          int[] cols = i.ints();
          float[] vals = i.floats();
          yield new ItemSide.ItemKnnSide(weighting, form, normalize, new SparseMatrix(rows, rows, ptr, cols, vals));
        }
        case "ease" -> {
          float[][] b = new float[i.int32()][];
          for (int j = 0; j < b.length; j++) b[j] = i.floats();
          yield new ItemSide.EaseSide(b);
        }
        case "als" -> {
          int factors = i.int32();
          int iterations = i.int32();
          float lambda = i.float32();
          boolean v2 = i.version() == VERSION;
          boolean weighted = !v2 && weighting(i.string(), what);
          double scale = v2 ? 1 : i.float32();
          float alpha = i.float32();
          AlsParams.Confidence confidence = AlsParams.Confidence.valueOf(i.string());
          float epsilon = i.float32();
          int cgSteps = i.int32();
          long seed = i.int64();
          AlsParams params = new AlsParams(factors, iterations, lambda, weighted, alpha, confidence, epsilon, cgSteps,
              seed, 1);
          int items = i.int32();
          float[] y = i.floats();
          if (y.length != (long) items * factors) {
            throw new ModelException(what + " holds " + y.length + " item factor values for " + items + " items × "
                + factors + " factors", "run the job again to keep a fresh model");
          }
          yield new ItemSide.AlsSide(params, items, y, scale);
        }
        default -> throw new ModelException(what + " keeps a model of unknown kind '" + i.kind() + "'",
            "use the Larder version that wrote it, or run the job again");
      };
    }
  }

  private static boolean weighting(String name, String what) {
    return switch (name) {
      case "WEIGHTED" -> true;
      case "CONSTANT" -> false;
      default -> throw new ModelException(what + " keeps ALS regularization weighting '" + name + "'",
          "use the Larder version that wrote it, or run the job again");
    };
  }

  /**
   * Reads ALS's user factors written by {@link #writeUserFactors} and closes the stream.
   *
   * @return entity-major, {@code users × factors}
   */
  public static float[] readUserFactors(InputStream in, int users, int factors, String what) {
    try (KeptInput i = new KeptInput(in, what)) {
      if (!i.kind().equals(USER_FACTORS) || i.version() != VERSION) {
        throw new ModelException(what + " holds '" + i.kind() + "' version " + i.version() + ", not '"
            + USER_FACTORS + "' version " + VERSION, "run the job again to keep a fresh model");
      }
      int u = i.int32();
      int f = i.int32();
      if (u != users || f != factors) {
        throw new ModelException(what + " holds " + u + " users × " + f + " factors, where the batch has " + users
            + " users and its model " + factors + " factors", "run the job again to keep a fresh model");
      }
      return i.floats();
    }
  }

  /**
   * The batch's own model, scoring its users exactly as the one that produced it: the item side over the kept
   * histories, and for ALS the kept user factors rather than a fold-in.
   *
   * @param history the batch's users' merged histories ({@link KeptHistory#readHistory}), user-major
   * @param userFactors ALS's kept user factors ({@link #writeUserFactors}), read and closed; ignored (may be
   *     null) for the other kinds
   * @param batch names the batch in errors ("batch 12")
   * @throws ModelException when the artifacts do not belong together
   */
  public static Kept read(ItemSide side, SparseMatrix history, InputStream userFactors, String batch) {
    if (history.columns() != side.itemCount()) {
      throw new ModelException("the kept histories of " + batch + " have " + history.columns() + " items, its kept "
          + side.kind() + " model " + side.itemCount(), "run the job again to keep a fresh model");
    }
    if (side instanceof ItemSide.AlsSide als) {
      if (userFactors == null) throw new IllegalArgumentException("an ALS model needs its user factors");
      int f = als.params().factors();
      float[] x = readUserFactors(userFactors, history.rows(), f, "the kept user factors of " + batch);
      return new Kept(AlsModel.of(history.rows(), als.items(), f, x, als.itemFactors(), als.regularizationScale()),
          als.params());
    }
    if (side instanceof ItemSide.PopularitySide p && p.users() != history.rows()) {
      throw new ModelException("the kept histories of " + batch + " have " + history.rows() + " users, its kept "
          + "popularity model " + p.users(), "run the job again to keep a fresh model");
    }
    return new Kept(side.forUsers(history, 1, Progress.NONE), null);
  }

  /**
   * A reloaded model, and for ALS the parameters of the solve that produced it (a fold-in solves with the same
   * λ and confidence); null for the other kinds, whose parameters are in the batch's params.
   */
  public record Kept(TrainedModel model, AlsParams alsParams) {}
}
