package larder.train.tune;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.Evaluation;
import larder.train.eval.Metrics;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;

/**
 * ALS's path: configurations are measured after 5 and 15 iterations (scaled to the configured count), and a
 * promoted configuration continues its own factors ({@link Als#resume}), which gives the model a fresh fit with
 * that many iterations would, bit for bit, at the cost of the extra iterations only. No rung at 2 iterations:
 * there, validation nDCG ranks configurations by how they look before converging (on ml-latest-small the region
 * the search favoured scored 0.13 at 2 iterations and 0.12 at 5), and the search kept the defaults where a first
 * rung at 5 found 5-6% better settings on both public data sets (BENCHMARKS.md, tuning).
 */
public final class AlsEvaluator implements TrialEvaluator {
  private final AlsTunable tunable;
  private final Interactions train;
  private final Interactions validation;
  private final int k;
  private final int threads;
  private final int[] rungs;
  private final Map<Integer, AlsModel> kept = new HashMap<>();

  AlsEvaluator(AlsTunable tunable, Interactions train, Interactions validation, int k, int threads) {
    this.tunable = tunable;
    this.train = train;
    this.validation = validation;
    this.k = k;
    this.threads = threads;
    this.rungs = rungs(tunable.base().alsParams().iterations());
  }

  /** 5 and 15 of 15 iterations: a third of another count, then all of it. */
  static int[] rungs(int iterations) {
    TreeSet<Integer> r = new TreeSet<>();
    int first = (int) Math.max(1, Math.round(iterations / 3.0));
    if (first < iterations) r.add(first);
    r.add(iterations);
    return r.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override public int[] rungs() {
    return rungs.clone();
  }

  @Override
  public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
    Als als = tunable.configure(params);
    AlsModel before = rung == 0 ? null : kept.remove(trial);
    AlsModel model = before == null
        ? new Als(als.alsParams().withIterations(rungs[rung])).fit(train, Progress.NONE)
        : als.resume(train, before, rungs[rung] - rungs[rung - 1], Progress.NONE);
    if (rung + 1 < rungs.length) kept.put(trial, model);
    return Evaluation.evaluate(model, train, validation, k, threads);
  }

  @Override public void release(int trial) {
    kept.remove(trial);
  }

  @Override public void close() {
    kept.clear();
  }
}
