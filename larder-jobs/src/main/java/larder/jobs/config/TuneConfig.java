package larder.jobs.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.train.eval.Metric;
import larder.train.tune.Param;
import larder.train.tune.TuneSettings;

/**
 * A recommendations job's {@code tune:} section: search the model's parameters on a validation part carved from the
 * evaluation's training part, then fit the winner (see {@link larder.train.tune.Tuning}).
 *
 * @param metric what the search maximises, at {@code evaluate.k}
 * @param validation share of each user's training interactions held out for the search
 * @param repeats validation draws each configuration is measured on, or null for the model's default (1 with a time
 *     split)
 * @param trials configurations a sampled search starts
 * @param maxTime stop before the next fit after this long, or null
 * @param every reuse the newest batch's tuned parameters this long, or null to search every run
 * @param seed the search's seed, or null for one derived from {@code evaluate.seed}
 * @param space parameters replacing the model's default ones
 * @param at the section's key ({@code jobs.shop.tune})
 */
public record TuneConfig(Metric metric, double validation, Integer repeats, int trials, Duration maxTime, Duration every, Long seed,
    List<Param> space, String at) {

  /** The same settings with the model's default space (for another model than the job's own). */
  public TuneConfig withDefaultSpace() {
    return new TuneConfig(metric, validation, repeats, trials, maxTime, every, seed, List.of(), at);
  }

  /** The search's settings within a job with this evaluation and thread count. */
  public TuneSettings settings(RecommendationsJob.EvaluationConfig ev, int threads) {
    boolean byTime = ev.split() == RecommendationsJob.EvaluationConfig.Split.TIME;
    return new TuneSettings(metric, ev.k(), validation, byTime, repeats != null ? repeats
        : TuneSettings.defaultRepeats(byTime), trials, maxTime, seed != null ? seed : TuneSettings.defaultSeed(ev.seed()), threads, space, at);
  }

  /** {@code tune: { metric, validation, repeats, trials, max_time, every, seed, space }}. */
  static TuneConfig parse(ConfigNode t) {
    String at = t.path();
    String m = t.string("metric", "ndcg");
    Metric metric = Metric.byKey(m);
    if (metric == null) throw new ConfigException(t.key("metric"), m, "is not a metric", "use one of " + Metric.names());
    double validation = t.number("validation", TuneSettings.DEFAULT_VALIDATION);
    Integer repeats = t.has("repeats") ? t.integer("repeats", 1) : null;
    if (repeats != null && repeats < 1) {
      throw new ConfigException(t.key("repeats"), repeats, "must be between 1 and " + TuneSettings.MAX_REPEATS);
    }
    int trials = t.integer("trials", TuneSettings.DEFAULT_TRIALS);
    String mt = t.string("max_time", null);
    Duration maxTime = mt == null ? null : DurationText.parse(t.key("max_time"), mt);
    String ev = t.string("every", null);
    Duration every = ev == null ? null : DurationText.parse(t.key("every"), ev);
    if (every != null && (every.isZero() || every.isNegative())) {
      throw new ConfigException(t.key("every"), ev, "must be a positive duration such as 7d");
    }
    Long seed = t.has("seed") ? t.longValue("seed", 0) : null;
    List<Param> space = new ArrayList<>();
    ConfigNode s = t.childOrNull("space");
    if (s != null) {
      for (String name : s.keys()) space.add(param(s, name));
    }
    t.finish();
    // checked here so that a bad value names its key before any data is read
    new TuneSettings(metric, 10, validation, false, repeats != null ? repeats : 1, trials, maxTime, 0, 1, space, at);
    return new TuneConfig(metric, validation, repeats, trials, maxTime, every, seed, space, at);
  }

  /**
   * One parameter of {@code space:}: a list of values ({@code factors: [32, 64, 128]}), a single value (fixed), or a
   * range ({@code alpha: {min: 0.3, max: 200, scale: log}}, {@code whole: true} for whole numbers).
   */
  private static Param param(ConfigNode s, String name) {
    String key = s.key(name);
    try {
      ConfigNode r = s.isMapping(name) ? s.child(name) : null;
      if (r == null) {
        List<String> texts = s.strings(name);
        if (texts == null || texts.isEmpty()) throw new ConfigException(key, null, "must list at least one value");
        List<Object> values = new ArrayList<>();
        for (String v : texts) values.add(value(v));
        return new Param.Choice(name, values);
      }
      double min = r.number("min", Double.NaN);
      double max = r.number("max", Double.NaN);
      if (Double.isNaN(min) || Double.isNaN(max)) {
        throw new ConfigException(key, null, "a range needs min and max", "e.g. {min: 0.3, max: 200, scale: log}");
      }
      boolean log = r.choice("scale", "linear", "linear", "log").equals("log");
      boolean whole = r.bool("whole", false);
      r.finish();
      if (whole) {
        if (min != Math.rint(min) || max != Math.rint(max)) {
          throw new ConfigException(key, "[" + min + ", " + max + "]", "whole: true needs whole min and max");
        }
        return new Param.Int(name, (int) min, (int) max, log);
      }
      return new Param.Real(name, min, max, log);
    } catch (ConfigException e) {
      // Param names itself "space.alpha"; under the section it is jobs.shop.tune.space.alpha
      if (e.key().startsWith("space.")) throw e.under(s.path().substring(0, s.path().length() - ".space".length()));
      throw e;
    }
  }

  /** A number when the text is one (a whole number as an int), else the word. */
  private static Object value(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e2) {
        return text.toLowerCase(java.util.Locale.ROOT);
      }
    }
  }
}
