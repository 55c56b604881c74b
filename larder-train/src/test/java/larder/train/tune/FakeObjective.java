package larder.train.tune;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import larder.core.Progress;
import larder.train.eval.Metrics;

/**
 * An evaluator without a model: the "ndcg" of a configuration is a given function of its parameters, plus seeded
 * noise; with budgets, a lower rung sees the value shrunk and noisier. Records every request.
 */
final class FakeObjective implements TrialEvaluator {
  final ToDoubleFunction<Map<String, Object>> f;
  final int[] rungs;
  final double noise;
  final java.util.List<int[]> asked = new java.util.ArrayList<>();

  FakeObjective(ToDoubleFunction<Map<String, Object>> f, double noise, int... rungs) {
    this.f = f;
    this.noise = noise;
    this.rungs = rungs.length == 0 ? new int[] {0} : rungs;
  }

  /** A bump peaking at 1 where log-distance to the peak is 0, with width {@code w} (in natural-log units). */
  static double bump(Map<String, Object> p, String a, double peakA, String b, double peakB, double w) {
    double x = Math.log(((Number) p.get(a)).doubleValue() / peakA);
    double y = Math.log(((Number) p.get(b)).doubleValue() / peakB);
    return Math.exp(-(x * x + y * y) / (2 * w * w));
  }

  @Override public int[] rungs() {
    return rungs.clone();
  }

  @Override
  public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
    asked.add(new int[] {trial, rung});
    double share = (rung + 1.0) / rungs.length;
    SplittableRandom r = new SplittableRandom(params.hashCode() * 31L + rung);
    double v = f.applyAsDouble(params) * (0.5 + 0.5 * share) + noise * (r.nextDouble() - 0.5) / share;
    v = Math.max(0, Math.min(1, v));
    return new Metrics(10, 100, v / 2, v, v, v, v, 0.5);
  }
}
