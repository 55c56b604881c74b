package larder.train.recommend.kept;

import java.io.InputStream;
import java.io.OutputStream;
import larder.core.ModelException;
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
 * again later against the same model. The kind in the header is the model's name; format version 1 of each kind is
 * (after the header, little-endian, arrays length-prefixed):
 * <pre>
 * popularity  users int32, scores float32[items]
 * itemknn     weighting string (BINARY | WEIGHTS | LOG), neighbour rows int32, ptr int32[], cols int32[],
 *             similarities float32[]: row j holds j's neighbours best first
 * ease        items int32, then B's rows float32[items] each (B[j] = how item j votes for every item)
 * als         factors int32, iterations int32, regularization float32, alpha float32, confidence string
 *             (LINEAR | LOG), epsilon float32, cg_steps int32, seed int64: the solve parameters;
 *             users int32, items int32, user factors float32[users × factors], item factors
 *             float32[items × factors], both entity-major
 * </pre>
 * The histories the model scores are not in it: they are kept once for every kind ({@link KeptHistory}), as the
 * source merged them, and each kind derives its own from them on reading (item-kNN weights them, EASE binarises).
 * ALS keeps the user factors too, so that a reloaded model scores the batch's users exactly as it did.
 */
public final class KeptModel {
  static final int VERSION = 1;

  private KeptModel() {}

  /** Whether {@link #write} can keep this model. */
  public static boolean canKeep(TrainedModel model) {
    return model instanceof Popularity.Model || model instanceof ItemKnn.Model || model instanceof Ease.Model
        || model instanceof AlsModel;
  }

  /**
   * Writes {@code model}, fitted by {@code recommender}, to {@code out} and closes it.
   *
   * @throws IllegalArgumentException for a model this format has no kind for
   */
  public static void write(Recommender recommender, TrainedModel model, OutputStream out) {
    if (!canKeep(model)) throw new IllegalArgumentException("no kept format for " + model.getClass().getName());
    try (KeptOutput o = new KeptOutput(out, recommender.name(), VERSION)) {
      if (model instanceof Popularity.Model m) {
        o.int32(m.userCount());
        o.floats(m.itemScores());
      } else if (model instanceof ItemKnn.Model m) {
        o.string(((ItemKnn) recommender).itemKnnParams().weighting().name());
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
        o.float32(p.alpha());
        o.string(p.confidence().name());
        o.float32(p.epsilon());
        o.int32(p.cgSteps());
        o.int64(p.seed());
        o.int32(m.userCount());
        o.int32(m.itemCount());
        o.floats(m.userFactors());
        o.floats(m.itemFactors());
      }
    }
  }

  /**
   * Reads a model written by {@link #write} and closes the stream.
   *
   * @param history the users' merged histories as kept with the model ({@link KeptHistory}), user-major
   * @param what names the artifact in errors
   */
  public static Kept read(InputStream in, SparseMatrix history, String what) {
    try (KeptInput i = new KeptInput(in, what)) {
      if (i.version() != VERSION) {
        throw new ModelException(what + " has format version " + i.version() + " of '" + i.kind()
            + "'; this Larder reads version " + VERSION, "run the job again to keep a fresh model");
      }
      return switch (i.kind()) {
        case "popularity" -> {
          int users = i.int32();
          yield new Kept(Popularity.Model.of(users, i.floats()), null);
        }
        case "itemknn" -> {
          ItemKnnParams.Weighting weighting = ItemKnnParams.Weighting.valueOf(i.string());
          int rows = i.int32();
          int[] ptr = i.ints();
          int[] cols = i.ints();
          float[] vals = i.floats();
          SparseMatrix neighbours = new SparseMatrix(rows, rows, ptr, cols, vals);
          yield new Kept(ItemKnn.Model.of(ItemKnn.weighted(history, weighting), neighbours), null);
        }
        case "ease" -> {
          float[][] b = new float[i.int32()][];
          for (int j = 0; j < b.length; j++) b[j] = i.floats();
          yield new Kept(Ease.Model.of(history.mapValues(v -> 1f), b), null);
        }
        case "als" -> {
          int factors = i.int32();
          int iterations = i.int32();
          float lambda = i.float32();
          float alpha = i.float32();
          AlsParams.Confidence confidence = AlsParams.Confidence.valueOf(i.string());
          float epsilon = i.float32();
          int cgSteps = i.int32();
          long seed = i.int64();
          AlsParams params = new AlsParams(factors, iterations, lambda, alpha, confidence, epsilon, cgSteps, seed, 1);
          int users = i.int32();
          int items = i.int32();
          AlsModel model = AlsModel.of(users, items, factors, i.floats(), i.floats());
          yield new Kept(model, params);
        }
        default -> throw new ModelException(what + " keeps a model of unknown kind '" + i.kind() + "'",
            "use the Larder version that wrote it, or run the job again");
      };
    }
  }

  /**
   * A reloaded model, and for ALS the parameters of the solve that produced it (a fold-in solves with the same
   * λ and confidence); null for the other kinds, whose parameters are in the batch's params.
   */
  public record Kept(TrainedModel model, AlsParams alsParams) {}
}
