package larder.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import larder.core.BatchMetrics;

/**
 * A recommendations batch's quality gate as its run recorded it in the metrics ({@code "gate": {"passed",
 * "checks": [{"condition", "metric", "value", "threshold", "passed", "text"}]}}), read back for display.
 *
 * @param passed whether every condition held
 * @param texts each condition as measured, e.g. "ndcg@10 0.0410 is below min 0.05"
 * @param failures the conditions that did not hold
 */
public record GateVerdict(boolean passed, List<String> texts, List<String> failures, List<Map<?, ?>> checks) {

  /** The batch's gate, or null when its run had none. */
  public static GateVerdict of(BatchMetrics m) {
    if (!(m.get("gate") instanceof Map<?, ?> gate)) return null;
    List<Map<?, ?>> checks = new ArrayList<>();
    List<String> texts = new ArrayList<>(), failures = new ArrayList<>();
    if (gate.get("checks") instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> check)) continue;
        checks.add(check);
        String text = String.valueOf(check.get("text"));
        texts.add(text);
        if (!Boolean.TRUE.equals(check.get("passed"))) failures.add(text);
      }
    }
    return new GateVerdict(Boolean.TRUE.equals(gate.get("passed")), texts, failures, checks);
  }

  /**
   * The least value of {@code metric} (e.g. "ndcg") that met every condition on it: a "min" floor, or min_lift
   * times the popularity baseline's value on the same holdout; the higher when both apply. Empty when no
   * condition is on that metric.
   */
  public OptionalDouble floor(String metric, BatchMetrics m) {
    double floor = Double.NaN;
    for (Map<?, ?> c : checks) {
      if (!metric.equals(c.get("metric")) || !(c.get("threshold") instanceof Number t)) continue;
      double v = Double.NaN;
      if ("min".equals(c.get("condition"))) {
        v = t.doubleValue();
      } else if ("min_lift".equals(c.get("condition"))) {
        OptionalDouble base = m.number(BatchMetrics.POPULARITY, metric);
        if (base.isPresent()) v = t.doubleValue() * base.getAsDouble();
      }
      if (!Double.isNaN(v) && (Double.isNaN(floor) || v > floor)) floor = v;
    }
    return Double.isNaN(floor) ? OptionalDouble.empty() : OptionalDouble.of(floor);
  }
}
