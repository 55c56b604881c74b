package larder.train.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.Holdout;
import larder.train.recommend.Recommender;

/**
 * Tunes a model on a training part T only: carves a validation part V out of T by the evaluation's own method
 * (each user's latest interactions, or a seeded random share with a seed derived from the tune seed), searches on
 * (T′, V), and returns the winner configured with the model's full budget. Whatever T was split from (the
 * evaluation's test part, or everything else) is never seen, so the test part can still judge the winner. With
 * {@code repeats} above 1, every configuration is measured on that many random validation parts of T (each with its
 * own derived seed) and the search compares the means ({@link MeanEvaluator}).
 */
public final class Tuning {
  private Tuning() {}

  /**
   * A finished search.
   *
   * @param model the winner with the model's own budget, ready to fit on T (for the gate) and on all data
   * @param space what was searched
   * @param search the trials and the winner
   * @param trainInteractions interactions in T′ (the first validation draw's)
   * @param validationInteractions interactions in V (the first draw's)
   * @param validationUsers users with at least one interaction in V
   */
  public record Outcome(Recommender model, SearchSpace space, Search.Result search, long trainInteractions,
      long validationInteractions, long validationUsers, TuneSettings settings) {

    /**
     * The search as stored with the batch: config, T′/V sizes, every trial, the winner, what stopped it, its cost.
     * With {@code timings} false, seconds are left out (for byte-for-byte comparisons of runs).
     */
    public Map<String, Object> record(String model, boolean timings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", model);
      m.put("config", config(settings, space));
      Map<String, Object> sizes = new LinkedHashMap<>();
      sizes.put("train_interactions", trainInteractions);
      sizes.put("validation_interactions", validationInteractions);
      sizes.put("validation_users", validationUsers);
      m.put("sizes", sizes);
      boolean budgets = search.rungs().length > 1;
      if (budgets) m.put("rungs", java.util.Arrays.stream(search.rungs()).boxed().toList());
      List<Object> trials = new ArrayList<>();
      for (Trial t : search.trials()) trials.add(t.toMap(budgets, timings));
      m.put("trials", trials);
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("trial", search.winner().number());
      w.put("params", search.winner().params());
      w.put("validation", search.winner().metrics().toMap());
      w.put("model_params", this.model.params());
      m.put("winner", w);
      m.put("stopped_by", search.stoppedBy());
      m.put("fits", search.fits());
      if (timings) m.put("search_seconds", Math.round(search.seconds() * 1000) / 1000.0);
      return m;
    }
  }

  /**
   * The validation draws carved from T: each user's latest interactions for a time split (one draw), else
   * {@code s.repeats()} seeded random shares, the first with the seed a search without repeats used.
   */
  static List<Holdout.Split> draws(Interactions train, TuneSettings s) {
    if (s.byTime()) {
      if (train.times() == null) {
        throw new ConfigException(s.at() + ".validation", s.validation(), "a time split needs the interactions' times",
            "fill the source's timestamp column, or use evaluate.split: random");
      }
      return List.of(Holdout.latestPerUser(train, train.times(), s.validation()));
    }
    List<Holdout.Split> out = new ArrayList<>();
    for (int r = 0; r < s.repeats(); r++) out.add(Holdout.perUser(train, s.validation(), s.drawSeed(r)));
    return out;
  }

  /** The {@code config} object of a stored record: what a later run must match to reuse it. */
  public static Map<String, Object> config(TuneSettings s, SearchSpace space) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("metric", s.metric().key());
    c.put("k", s.k());
    c.put("validation", s.validation());
    c.put("split", s.byTime() ? "time" : "random");
    c.put("repeats", s.repeats());
    c.put("trials", s.trials());
    if (s.maxTime() != null) c.put("max_time", DurationText.format(s.maxTime()));
    c.put("seed", s.seed());
    c.put("space", space.describe());
    c.put("space_hash", space.hash());
    return c;
  }

  /** The settings with {@code repeats} 0 (the model's default) replaced by the model's number of draws. */
  public static TuneSettings resolved(Recommender model, TuneSettings s) {
    return resolved(tunable(model, s), s);
  }

  private static TuneSettings resolved(Tunable t, TuneSettings s) {
    return s.repeats() > 0 ? s : s.withRepeats(s.byTime() ? 1 : t.defaultRepeats());
  }

  /** The space a model is searched in under these settings. */
  public static SearchSpace space(Recommender model, TuneSettings s) {
    return tunable(model, s).space(s.space(), s.at() + ".space");
  }

  private static Tunable tunable(Recommender model, TuneSettings s) {
    Tunable t = Tunables.of(model, s.threads());
    if (t == null) {
      throw new ConfigException(s.at(), null, "model " + model.name() + " has no parameters to tune",
          "remove tune:, or use als, ease or itemknn");
    }
    return t;
  }

  /**
   * Searches {@code model}'s parameters on {@code train} (the evaluation's training part) alone.
   *
   * @param train T, with its times when {@code s.byTime()}
   */
  public static Outcome tune(Recommender model, Interactions train, TuneSettings s, Progress progress) {
    Tunable tunable = tunable(model, s);
    s = resolved(tunable, s);
    SearchSpace space = tunable.space(s.space(), s.at() + ".space");
    List<Holdout.Split> draws = draws(train, s);
    Interactions t = draws.get(0).train();
    Interactions v = draws.get(0).test();
    long vUsers = 0;
    for (int u = 0; u < v.userCount(); u++) if (v.byUser().rowLength(u) > 0) vUsers++;
    progress.note("tune", String.format(Locale.ROOT, "searching %s on %,d interactions, validated on %,d of %,d users%s",
        tunable.model(), t.size(), vUsers, v.userCount(), draws.size() == 1 ? ""
            : String.format(Locale.ROOT, " (mean of %d validation draws)", draws.size())));
    Search.Result result;
    List<TrialEvaluator> evaluators = new ArrayList<>();
    for (Holdout.Split d : draws) evaluators.add(tunable.evaluator(d.train(), d.test(), s.k(), s.threads(), space));
    try (TrialEvaluator evaluator = new MeanEvaluator(evaluators)) {
      result = new Search(space, evaluator, s.metric(), s.trials(), s.maxTime(), s.derived(2), progress)
          .startingFrom(tunable.current()).thenTrying(tunable.priors()).run();
    }
    Recommender winner = tunable.configure(result.winner().params());
    return new Outcome(winner, space, result, t.size(), v.size(), vUsers, s);
  }
}
