package larder.train.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.train.recommend.Recommender;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;

/**
 * EASE's search: λ is added to the item counts on the Gram matrix's diagonal, so its scale grows with the data; the
 * default is a wide log ladder, 3 values a decade over [1, 10⁵] (16 values), then the best one's two half-step
 * neighbours. Each λ is one ordinary fit here; EASE's λ path (one decomposition, then a cheap model per λ) plugs in
 * through {@link #evaluator}.
 */
final class EaseTunable implements Tunable {
  static final Set<String> KEYS = Set.of("lambda");
  private final EaseParams base;

  /** @param threads the job's, which {@link Ease#params()} leaves out */
  EaseTunable(Ease model, int threads) {
    Map<String, Object> p = model.params();
    this.base = new EaseParams(((Number) p.get("lambda")).doubleValue(), ((Number) p.get("max_items")).intValue(),
        threads, "float".equals(p.get("precision")));
  }

  /** 1, 2.154, 4.642, 10, ... 100000: 10^(i/3), rounded to four significant digits. */
  static List<Object> ladder() {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i <= 15; i++) {
      double v = Math.pow(10, i / 3.0);
      out.add(new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue());
    }
    return out;
  }

  @Override public String model() { return "ease"; }

  @Override public Set<String> keys() { return KEYS; }

  @Override public SearchSpace defaultSpace() {
    return SearchSpace.of(new Param.Choice("lambda", ladder(), true));
  }

  @Override
  public Recommender configure(Map<String, Object> params) {
    EaseParams p = base;
    if (params.containsKey("lambda")) p = p.withLambda(Tunable.number(params, "lambda", p.lambda()));
    return new Ease(p);
  }

  // SEAM(ease): return the λ-path evaluator (EasePath prepared once on train) from evaluator(...) here.
}
