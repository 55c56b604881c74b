package larder.train.recommend.blend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.Holdout;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring;

/**
 * A blend of two or more recommenders ({@code type: blend}): each is fitted on the same interactions and a
 * {@link BlendModel} ranks by the weighted sum of their per-user scales. Weights given in the config are used as
 * they are; otherwise they are chosen on a validation split carved from the training data (a random share of each
 * user's interactions, seeded): every part is fitted on the rest, its top {@link #DEPTH} lists for the validation
 * users are kept, and every weight vector on a 0.1-step simplex, on both scales, is scored by nDCG@10 from those
 * lists (no part is scored twice). The parts are then fitted again on all the training data with the chosen
 * weights, so choosing costs one more fit of each part. Ties go to the first vector in the simplex's order, so the
 * choice is reproducible.
 *
 * <p>Measured on the two public data sets (BENCHMARKS.md, "A blend"), a blend helps where the models are close and
 * differ in what they get right (Last.fm) and adds little where one model leads (MovieLens, EASE).
 */
public final class Blend implements Recommender {
  /** How many of each part's best items count. */
  public static final int DEPTH = 200;
  private static final int STEPS = 10;
  private static final int K = 10;

  private final List<Recommender> parts;
  private final double[] weights;
  private final BlendModel.Scale scale;
  private final double validation;
  private final long seed;
  /** What the last fit chose (or was given), for {@link #params()}: weights, scale, validation nDCG. */
  private volatile Choice chosen;

  private record Choice(double[] weights, BlendModel.Scale scale, double validationNdcg, double[] partNdcg) {}

  /**
   * @param weights one per part, or null to choose them on validation
   * @param scale with given weights, how parts are scaled; null: chosen with the weights (range when given)
   * @param validation share of each user's interactions held out to choose weights, strictly between 0 and 1
   */
  public Blend(List<Recommender> parts, double[] weights, BlendModel.Scale scale, double validation, long seed) {
    if (parts.size() < 2) throw new ConfigException("blend.models", parts.size(), "must list at least two models");
    if (weights != null) {
      if (weights.length != parts.size()) {
        throw new ConfigException("blend.weights", Arrays.toString(weights), "must give one weight per model ("
            + parts.size() + ")");
      }
      double sum = 0;
      for (double w : weights) {
        if (!(w >= 0) || Double.isInfinite(w)) throw new ConfigException("blend.weights", Arrays.toString(weights),
            "must be numbers >= 0");
        sum += w;
      }
      if (sum <= 0) throw new ConfigException("blend.weights", Arrays.toString(weights), "must not all be 0");
    }
    if (!(validation > 0 && validation < 1)) {
      throw new ConfigException("blend.validation", validation, "must be a share strictly between 0 and 1");
    }
    this.parts = List.copyOf(parts);
    this.weights = weights == null ? null : weights.clone();
    this.scale = scale;
    this.validation = validation;
    this.seed = seed;
  }

  @Override public String name() { return "blend"; }

  @Override public Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> models = new ArrayList<>();
    for (Recommender r : parts) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("type", r.name());
      p.putAll(r.params());
      models.add(p);
    }
    m.put("models", models);
    Choice c = chosen;
    double[] w = c != null ? c.weights() : weights;
    if (w != null) m.put("weights", toList(w));
    BlendModel.Scale s = c != null ? c.scale() : scale;
    if (s != null) m.put("scale", s.name().toLowerCase(java.util.Locale.ROOT));
    m.put("weights_from", weights != null ? "config" : "validation");
    if (weights == null) {
      m.put("validation", validation);
      m.put("seed", seed);
    }
    if (c != null && c.partNdcg() != null) {
      m.put("validation_ndcg", round(c.validationNdcg()));
      m.put("validation_ndcg_of_models", toList(roundAll(c.partNdcg())));
    }
    return m;
  }

  public List<Recommender> parts() { return parts; }

  @Override public TrainedModel fit(Interactions train, Progress progress) {
    Choice c = weights != null ? new Choice(weights, scale == null ? BlendModel.Scale.RANGE : scale, Double.NaN, null)
        : choose(train, progress);
    chosen = c;
    List<TrainedModel> fitted = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      // a part with weight 0 is not needed: fit it anyway only if all would be skipped (cannot be: sum > 0)
      fitted.add(c.weights()[p] == 0 ? null : parts.get(p).fit(train, progress));
    }
    List<TrainedModel> used = new ArrayList<>();
    List<Double> usedWeights = new ArrayList<>();
    for (int p = 0; p < fitted.size(); p++) {
      if (fitted.get(p) != null) {
        used.add(fitted.get(p));
        usedWeights.add(c.weights()[p]);
      }
    }
    if (used.size() == 1) return new Single(used.get(0)); // one part carries all the weight: it alone
    return new BlendModel(used, usedWeights.stream().mapToDouble(Double::doubleValue).toArray(), train.byUser(),
        c.scale(), DEPTH);
  }

  /** Fits every part on a validation split of {@code train} and picks the weights and scale with the best nDCG@10. */
  private Choice choose(Interactions train, Progress progress) {
    Holdout.Split split = Holdout.perUser(train, validation, seed);
    SparseMatrix held = split.test().byUser();
    int[] users = usersWithHeldItems(held);
    int[][][] lists = new int[parts.size()][][];
    float[][][] scores = new float[parts.size()][][];
    double[] partNdcg = new double[parts.size()];
    for (int p = 0; p < parts.size(); p++) {
      TrainedModel m = parts.get(p).fit(split.train(), progress);
      int[][] li = new int[held.rows()][];
      float[][] sc = new float[held.rows()][];
      TopNScoring.scoreUsers(m, split.train().byUser(), users, DEPTH, null, Runtime.getRuntime().availableProcessors(),
          (user, items, s, n) -> {
            li[user] = Arrays.copyOf(items, n);
            sc[user] = Arrays.copyOf(s, n);
          }, Progress.NONE);
      lists[p] = li;
      scores[p] = sc;
      double[] one = new double[parts.size()];
      one[p] = 1;
      partNdcg[p] = ListBlend.ndcg(lists, scores, one, BlendModel.Scale.RANK, held, users, K);
    }
    Choice best = null;
    for (BlendModel.Scale s : scale == null ? BlendModel.Scale.values() : new BlendModel.Scale[] {scale}) {
      for (double[] w : ListBlend.simplex(parts.size(), STEPS)) {
        double v = ListBlend.ndcg(lists, scores, w, s, held, users, K);
        if (best == null || v > best.validationNdcg()) best = new Choice(w, s, v, partNdcg);
      }
    }
    return best;
  }

  /**
   * The one part a blend kept, scoring as that part: a model of its own type, so that nothing takes it for a
   * model of the part's kind (a kept model, a refresh) while the job's model is a blend.
   */
  static final class Single implements TrainedModel {
    private final TrainedModel part;

    Single(TrainedModel part) {
      this.part = part;
    }

    @Override public int userCount() { return part.userCount(); }
    @Override public int itemCount() { return part.itemCount(); }
    @Override public UserScorer newUserScorer() { return part.newUserScorer(); }
    @Override public larder.train.recommend.ItemScorer newItemScorer() { return part.newItemScorer(); }
    @Override public int preferredBlock() { return part.preferredBlock(); }
  }

  private static int[] usersWithHeldItems(SparseMatrix held) {
    int n = 0;
    for (int u = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) n++;
    int[] users = new int[n];
    for (int u = 0, at = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) users[at++] = u;
    return users;
  }

  private static List<Double> toList(double[] a) {
    List<Double> l = new ArrayList<>();
    for (double x : a) l.add(x);
    return l;
  }

  private static double round(double x) {
    return Math.round(x * 1e4) / 1e4;
  }

  private static double[] roundAll(double[] a) {
    double[] r = a.clone();
    for (int i = 0; i < r.length; i++) r[i] = round(r[i]);
    return r;
  }
}
