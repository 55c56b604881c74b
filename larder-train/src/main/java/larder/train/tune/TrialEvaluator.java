package larder.train.tune;

import java.util.Map;
import larder.core.Progress;
import larder.train.eval.Metrics;

/**
 * Fits configurations on the search's training part and measures them on its validation part: the seam where a
 * model plugs in a fast path (EASE's λ path from one decomposition, item-kNN's many k from one similarity pass).
 * {@link FitEvaluator} is the generic path, an ordinary fit per configuration; {@link AlsEvaluator} continues a
 * promoted trial from its own factors. An evaluator sees the search's two parts only, never the final test part.
 */
public interface TrialEvaluator extends AutoCloseable {
  /**
   * The budgets (ALS iterations) a configuration can be measured at, ascending; the last is the model's own. One
   * budget: no successive halving.
   */
  int[] rungs();

  /**
   * Measures configuration {@code trial} with {@code params} at budget {@code rungs()[rung]}. The search asks for a
   * trial's rungs in increasing order, so an evaluator may continue the trial's previous rung.
   *
   * @param params the configuration, keyed as the space names its parameters
   */
  Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress);

  /** Forgets what was kept for {@code trial}: it will not be asked for again. */
  default void release(int trial) {}

  @Override default void close() {}
}
