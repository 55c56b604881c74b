package larder.train.tune;

import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.Interactions;
import larder.train.recommend.Recommender;

/**
 * A configured model that a search can re-configure: its default search space, the keys a space may name, the model
 * for one configuration, and the evaluator that measures configurations ({@link FitEvaluator}, one ordinary fit
 * each, unless the model has a faster path). Built by {@link Tunables#of}; a {@link Recommender} may also implement
 * it itself.
 */
public interface Tunable {
  /** The model's name ("als"). */
  String model();

  /** The space searched when the config gives none (BENCHMARKS.md and the tuning note, §2.1). */
  SearchSpace defaultSpace();

  /** The keys a space may name. */
  Set<String> keys();

  /**
   * The space a config's {@code space:} makes: the default with the given parameters in place of its own.
   *
   * @param at the config key of the space, for errors ({@code jobs.shop.tune.space})
   */
  default SearchSpace space(List<Param> overrides, String at) {
    return defaultSpace().with(overrides, keys(), at);
  }

  /** The model as configured, with {@code params} (keyed as in the space) in place of its own values. */
  Recommender configure(Map<String, Object> params);

  /**
   * What measures configurations fitted on {@code train} against {@code validation} (same users and items) at k.
   * Models with a cheaper path than one fit per configuration return their own here.
   */
  default TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads) {
    return new FitEvaluator(this, train, validation, k, threads);
  }

  /**
   * {@link #evaluator(Interactions, Interactions, int, int)} for a search of {@code space}, for models whose fast
   * path measures several of the space's configurations at once (item-kNN's k values).
   */
  default TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads,
      SearchSpace space) {
    return evaluator(train, validation, k, threads);
  }

  /**
   * The configured model's values of the space's parameters, keyed as in the space, for the search to start from;
   * empty when the model does not say.
   */
  default Map<String, Object> current() {
    return Map.of();
  }

  /**
   * Configurations a sampled search tries right after the configured one, before its random ones, keyed as in the
   * space: regions that did well on other data; those outside the space are skipped. None by default.
   */
  default List<Map<String, Object>> priors() {
    return List.of();
  }

  /**
   * Validation draws per configuration when the config does not say ({@code tune.repeats}) and the split is random:
   * {@link TuneSettings#DEFAULT_REPEATS} unless one draw is too noisy a judge for the model's space.
   */
  default int defaultRepeats() {
    return TuneSettings.DEFAULT_REPEATS;
  }

  /** A number from a space value (whole numbers and decimals alike). */
  static double number(Map<String, Object> params, String key, double fallback) {
    Object v = params.get(key);
    return v instanceof Number n ? n.doubleValue() : fallback;
  }
}
