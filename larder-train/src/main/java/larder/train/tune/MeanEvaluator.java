package larder.train.tune;

import java.util.List;
import java.util.Map;
import larder.core.Progress;
import larder.train.eval.Metrics;

/**
 * Measures each configuration on several validation draws, one evaluator per draw, in draw order, and reports the
 * mean of every metric: the search ranks configurations, and the configured model's margin is judged, by means. The
 * draws' evaluators keep their own state (ALS's factors, EASE's path, item-kNN's similarity passes), so the cost is
 * that of one draw times their number.
 */
final class MeanEvaluator implements TrialEvaluator {
  private final List<TrialEvaluator> draws;

  MeanEvaluator(List<TrialEvaluator> draws) {
    if (draws.isEmpty()) throw new IllegalArgumentException("no validation draws");
    this.draws = List.copyOf(draws);
  }

  @Override public int[] rungs() {
    return draws.get(0).rungs();
  }

  @Override
  public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
    if (draws.size() == 1) return draws.get(0).evaluate(trial, params, rung, progress);
    Metrics[] m = new Metrics[draws.size()];
    for (int r = 0; r < m.length; r++) m[r] = draws.get(r).evaluate(trial, params, rung, progress);
    return mean(m);
  }

  /** Every metric's mean over the draws; {@code users} is the mean users a draw evaluated, rounded. */
  static Metrics mean(Metrics... m) {
    double users = 0, precision = 0, recall = 0, ndcg = 0, map = 0, hit = 0, coverage = 0;
    for (Metrics x : m) {
      users += x.users();
      precision += x.precision();
      recall += x.recall();
      ndcg += x.ndcg();
      map += x.map();
      hit += x.hitRate();
      coverage += x.coverage();
    }
    int n = m.length;
    return new Metrics(m[0].k(), Math.round(users / n), precision / n, recall / n, ndcg / n, map / n, hit / n,
        coverage / n);
  }

  @Override public void release(int trial) {
    for (TrialEvaluator e : draws) e.release(trial);
  }

  @Override public void close() {
    for (TrialEvaluator e : draws) e.close();
  }
}
