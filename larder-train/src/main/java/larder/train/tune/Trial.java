package larder.train.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.train.eval.Metrics;

/**
 * One configuration of a search and what it scored.
 *
 * @param number 0-based order of start; ties between equal scores go to the lower number
 * @param params the configuration, keyed as in the space
 * @param budget the budget (ALS iterations) of its last measurement; 0 when it never finished one
 * @param values the chosen metric at each rung reached, first to last
 * @param metrics every metric of its last measurement on the validation part, or null
 * @param seconds time spent fitting and measuring it, all rungs
 * @param status how it ended
 * @param error why it failed, or null
 */
public record Trial(int number, Map<String, Object> params, int budget, List<Double> values, Metrics metrics,
    double seconds, Status status, String error) {

  public enum Status {
    /** Measured at the full budget. */
    COMPLETE,
    /** Stopped below the full budget: not among the best at its rung. */
    PRUNED,
    /** The model refused the configuration or failed on it. */
    FAILED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Trial {
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    values = List.copyOf(values);
  }

  /** The chosen metric at the last rung reached, or NaN. */
  public double value() {
    return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
  }

  /**
   * As stored: {@code trial, params, iterations (when budgets differ), status, validation, seconds}. With
   * {@code timings} false the seconds are left out, so that runs can be compared byte for byte.
   */
  public Map<String, Object> toMap(boolean budgets, boolean timings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trial", number);
    m.put("params", params);
    if (budgets) {
      m.put("iterations", budget);
      m.put("path", new ArrayList<>(values));
    }
    m.put("status", status.key());
    if (metrics != null) m.put("validation", metrics.toMap());
    if (error != null) m.put("error", error);
    if (timings) m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    return m;
  }
}
