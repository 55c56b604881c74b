package larder.train.tune;

import java.util.Map;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.Evaluation;
import larder.train.eval.Metrics;
import larder.train.recommend.TrainedModel;

/** The generic path: each configuration is one ordinary fit on the training part, measured on the validation part. */
public final class FitEvaluator implements TrialEvaluator {
  private final Tunable tunable;
  private final Interactions train;
  private final Interactions validation;
  private final int k;
  private final int threads;

  public FitEvaluator(Tunable tunable, Interactions train, Interactions validation, int k, int threads) {
    this.tunable = tunable;
    this.train = train;
    this.validation = validation;
    this.k = k;
    this.threads = threads;
  }

  @Override public int[] rungs() {
    return new int[] {0};
  }

  @Override
  public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
    TrainedModel model = tunable.configure(params).fit(train, Progress.NONE);
    return Evaluation.evaluate(model, train, validation, k, threads);
  }
}
