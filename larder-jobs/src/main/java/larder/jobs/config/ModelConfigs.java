package larder.jobs.config;

import java.time.Duration;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.train.recommend.Recommender;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
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
    String type = n.choice("type", null, "popularity", "itemknn", "als", "ease");
    if (type == null) throw new ConfigException(n.key("type"), null, "is required: popularity, itemknn, als or ease");
    try {
      Recommender r = switch (type) {
        case "popularity" -> popularity(n);
        case "itemknn" -> itemKnn(n, threads);
        case "als" -> als(n, threads);
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
}
