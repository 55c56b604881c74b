package larder.train.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.Evaluation;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.ease.EasePath;

/**
 * EASE's search: λ is added to the item counts on the Gram matrix's diagonal, so its scale grows with the data; the
 * default is a wide log ladder, 3 values a decade over [1, 10⁵] (16 values), then the best one's two half-step
 * neighbours. Each λ is measured on EASE's λ path ({@link #evaluator}).
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

  /** The configured λ: measured beside the ladder when it is not on it, so that it can stay. */
  @Override public Map<String, Object> current() {
    return Map.of("lambda", base.lambda());
  }

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

  /**
   * The λ path: the λ-independent work once on the training part ({@link EasePath#prepare}), then a model per λ that
   * scores without forming B (with fewer users than items; otherwise a fit per λ from a Gram matrix built once).
   */
  @Override
  public TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads) {
    return new TrialEvaluator() {
      private EasePath path;

      @Override public int[] rungs() {
        return new int[] {0};
      }

      @Override
      public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
        if (path == null) path = EasePath.prepare(train, base, progress);
        double lambda = Tunable.number(params, "lambda", base.lambda());
        return Evaluation.evaluate(path.at(lambda), train, validation, k, threads);
      }

      @Override public void close() {
        path = null;
      }
    };
  }
}
