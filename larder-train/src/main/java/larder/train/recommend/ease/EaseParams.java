package larder.train.recommend.ease;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.ConfigException;

/**
 * Parameters of {@link Ease}, validated once.
 *
 * @param lambda L2 penalty added to the diagonal of the Gram matrix ({@code ease.lambda}, > 0)
 * @param maxItems largest catalogue EASE will take on ({@code ease.max_items}); its dense n×n matrices
 *     grow as the square of the item count
 * @param threads worker threads for the inverse and, in user space, for B's rows ({@code ease.threads}, >= 1)
 * @param singlePrecision invert in float ({@code ease.precision: float}): half the memory and time, through
 *     the machine's LAPACK only (without one the double Java inverse serves)
 */
public record EaseParams(double lambda, int maxItems, int threads, boolean singlePrecision) {
  public EaseParams(double lambda, int maxItems, int threads) {
    this(lambda, maxItems, threads, false);
  }

  public EaseParams {
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new ConfigException("ease.lambda", lambda, "must be a finite number > 0");
    }
    if (maxItems < 1) throw new ConfigException("ease.max_items", maxItems, "must be >= 1");
    if (threads < 1) throw new ConfigException("ease.threads", threads, "must be >= 1");
  }

  /** Lambda 250, at most 20,000 items, one thread per core. */
  public static EaseParams defaults() {
    return new EaseParams(250, 20_000, Runtime.getRuntime().availableProcessors());
  }

  public EaseParams withLambda(double v) { return new EaseParams(v, maxItems, threads, singlePrecision); }
  public EaseParams withMaxItems(int v) { return new EaseParams(lambda, v, threads, singlePrecision); }
  public EaseParams withThreads(int v) { return new EaseParams(lambda, maxItems, v, singlePrecision); }
  public EaseParams withSinglePrecision(boolean v) { return new EaseParams(lambda, maxItems, threads, v); }

  /** {@code ease.precision}: "double" (the default) or "float". */
  public static boolean singlePrecision(String precision) {
    return switch (precision) {
      case "double" -> false;
      case "float" -> true;
      default -> throw new ConfigException("ease.precision", precision, "must be double or float");
    };
  }

  /** The parameters as stored with a batch; threads are left out since they do not change the model. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lambda", lambda);
    m.put("max_items", maxItems);
    if (singlePrecision) m.put("precision", "float");
    return m;
  }
}
