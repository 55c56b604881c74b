package larder.jobs.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.train.recommend.Recommender;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.blend.Blend;
import larder.train.recommend.blend.BlendModel;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;

/**
 * Reads a job's {@code model:} mapping into a recommender. Absent keys take the model's defaults
 * (chosen on real data, see BENCHMARKS.md); the job's {@code threads} applies unless the model sets its own.
 */
final class ModelConfigs {
  private ModelConfigs() {}

  static Recommender parse(ConfigNode n, int threads) {
    String type = n.choice("type", null, "popularity", "itemknn", "als", "ease", "blend");
    if (type == null) throw new ConfigException(n.key("type"), null, "is required: popularity, itemknn, als, ease or blend");
    try {
      Recommender r = switch (type) {
        case "popularity" -> popularity(n);
        case "itemknn" -> itemKnn(n, threads);
        case "als" -> als(n, threads);
        case "blend" -> blend(n, threads);
        default -> ease(n, threads);
      };
      n.finish();
      return r;
    } catch (ConfigException e) {
      if (e.key().startsWith("jobs.")) throw e;
      throw ConfigException.of(n.path(), e.getMessage(), e.hint(), e);
    }
  }

  private static Recommender popularity(ConfigNode n) {
    PopularityParams.Count count = PopularityParams.Count.parse(n.string("count", "users"));
    String halfLife = n.string("half_life", null);
    Duration decay = halfLife == null ? null : DurationText.parse(n.key("half_life"), halfLife);
    PopularityParams.checkHalfLife(n.key("half_life"), decay);
    return new Popularity(new PopularityParams(count, decay));
  }

  private static Recommender als(ConfigNode n, int threads) {
    AlsParams d = AlsParams.defaults();
    AlsParams.Confidence confidence = switch (n.choice("confidence", d.confidence().name().toLowerCase(), "linear", "log")) {
      case "linear" -> AlsParams.Confidence.LINEAR;
      default -> AlsParams.Confidence.LOG;
    };
    return new Als(new AlsParams(
        n.integer("factors", d.factors()),
        n.integer("iterations", d.iterations()),
        (float) n.number("regularization", d.regularization()),
        n.bool("weighted_regularization", d.weightedRegularization()),
        (float) n.number("alpha", d.alpha()),
        confidence,
        (float) n.number("epsilon", d.epsilon()),
        n.integer("cg_steps", d.cgSteps()),
        n.longValue("seed", d.seed()),
        n.integer("threads", threads)));
  }

  private static Recommender itemKnn(ConfigNode n, int threads) {
    ItemKnnParams d = ItemKnnParams.defaults();
    return new ItemKnn(new ItemKnnParams(
        n.integer("neighbors", d.neighbors()),
        (float) n.number("shrink", d.shrink()),
        n.has("similarity") ? ItemKnnParams.similarity(n.string("similarity")) : d.similarity(),
        n.has("weighting") ? ItemKnnParams.weighting(n.string("weighting")) : d.weighting(),
        n.has("neighborhood") ? ItemKnnParams.neighborhood(n.string("neighborhood")) : d.neighborhood(),
        n.has("normalize") ? ItemKnnParams.normalize(n.string("normalize")) : d.normalize(),
        n.integer("threads", threads)));
  }

  private static Recommender ease(ConfigNode n, int threads) {
    EaseParams d = EaseParams.defaults();
    return new Ease(new EaseParams(
        n.number("lambda", d.lambda()),
        n.integer("max_items", d.maxItems()),
        n.integer("threads", threads),
        n.has("precision") ? EaseParams.singlePrecision(n.string("precision")) : d.singlePrecision()));
  }

  /**
   * {@code type: blend}: {@code models:} two or more model mappings (not blends), {@code weights:} one per model
   * (else chosen on a validation split), {@code scale: range|rank}, {@code validation:} share held out to choose,
   * {@code seed:}.
   */
  private static Recommender blend(ConfigNode n, int threads) {
    List<ConfigNode> models = n.children("models");
    if (models == null || models.size() < 2) {
      throw new ConfigException(n.key("models"), models == null ? null : models.size() + " models",
          "must list at least two models, e.g. models: [{ type: ease }, { type: als }]");
    }
    List<Recommender> parts = new ArrayList<>();
    for (ConfigNode m : models) {
      if ("blend".equalsIgnoreCase(m.string("type", ""))) {
        throw new ConfigException(m.key("type"), "blend", "a blend cannot hold a blend", "list its models instead");
      }
      parts.add(parse(m, threads));
    }
    double[] weights = null;
    List<String> w = n.strings("weights");
    if (w != null) {
      weights = new double[w.size()];
      for (int i = 0; i < weights.length; i++) {
        try {
          weights[i] = Double.parseDouble(w.get(i));
        } catch (NumberFormatException e) {
          throw new ConfigException(n.key("weights"), w.get(i), "must be numbers, e.g. [0.6, 0.4]");
        }
      }
    }
    String scale = n.choice("scale", null, "range", "rank");
    BlendModel.Scale s = scale == null ? null : scale.equals("rank") ? BlendModel.Scale.RANK : BlendModel.Scale.RANGE;
    return new Blend(parts, weights, s, n.number("validation", 0.2), n.longValue("seed", 7));
  }
}
