package larder.jobs.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;
import larder.train.eval.Metric;
import larder.train.eval.Metrics;

/**
 * What an evaluated model must reach on the holdout before its batch may be published
 * ({@code evaluate.gate}); every condition given must hold.
 *
 * @param minLift the least model / popularity ratio on {@code liftMetric}, or null for no lift condition
 * @param liftMetric the metric the lift is measured on
 * @param floors absolute minimums per metric (none when empty)
 */
public record QualityGate(Double minLift, Metric liftMetric, Map<Metric, Double> floors) {
  public static final Metric DEFAULT_LIFT_METRIC = Metric.NDCG;
  /** Relative slack for rounding: a measured 0.3 / 0.2 is 1.4999999999999998 and must meet min_lift 1.5. */
  private static final double ROUNDING = 1e-9;

  public QualityGate {
    if (liftMetric == null) liftMetric = DEFAULT_LIFT_METRIC;
    EnumMap<Metric, Double> byMetric = new EnumMap<>(Metric.class);
    if (floors != null) byMetric.putAll(floors);
    floors = Collections.unmodifiableMap(byMetric);
    if (minLift != null && !(minLift > 0 && Double.isFinite(minLift))) {
      throw new ConfigException("evaluate.gate.min_lift", minLift, "must be a number above 0",
          "1.1 asks the model to beat popularity by 10%");
    }
    for (Map.Entry<Metric, Double> f : floors.entrySet()) {
      double v = f.getValue() == null ? Double.NaN : f.getValue();
      if (!(v >= 0 && v <= 1)) {
        throw new ConfigException("evaluate.gate.min." + f.getKey().key(), f.getValue(), "must be between 0 and 1",
            "metrics are shares: ndcg 0.05 is 5% of the ideal ranking");
      }
    }
    if (minLift == null && floors.isEmpty()) {
      throw new ConfigException("evaluate.gate", null, "has no condition", "give min_lift, min: { <metric>: <floor> }"
          + " or both; or remove the gate");
    }
  }

  /** One condition as measured. */
  public record Check(String condition, Metric metric, double value, double threshold, boolean passed, String text) {
    /** Plain names and numbers, for the batch's metrics JSON. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("condition", condition);
      m.put("metric", metric.key());
      m.put("value", Double.isFinite(value) ? value : null); // an unbounded lift: popularity scored 0
      m.put("threshold", threshold);
      m.put("passed", passed);
      m.put("text", text);
      return m;
    }
  }

  /** Every condition measured, in the order: floors (in metric order), then lift. */
  public record Verdict(List<Check> checks) {
    public Verdict {
      checks = List.copyOf(checks);
    }

    public boolean passed() {
      return checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
      return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** {@code "passed": bool, "checks": [...], "failures": ["ndcg@10 0.0410 is below min 0.05", ...]}. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("passed", passed());
      m.put("checks", checks.stream().map(Check::toMap).toList());
      m.put("failures", failures().stream().map(Check::text).toList());
      return m;
    }
  }

  /**
   * Measures every condition: the model's metrics against the floors and, for the lift, against
   * popularity's on the same holdout. When popularity scores 0 the lift counts as unbounded if the model
   * scores above 0 and as 0 if it does not: a model that finds nothing never passes.
   */
  public Verdict check(Metrics model, Metrics popularity) {
    List<Check> checks = new ArrayList<>();
    for (Map.Entry<Metric, Double> f : floors.entrySet()) {
      Metric m = f.getKey();
      double v = m.of(model);
      double min = f.getValue();
      boolean ok = v >= min * (1 - ROUNDING);
      checks.add(new Check("min", m, v, min, ok, String.format(Locale.ROOT, "%s %.4f is %s min %s",
          at(m, model), v, ok ? "at or above" : "below", plain(min))));
    }
    if (minLift != null) {
      double v = liftMetric.of(model);
      double base = liftMetric.of(popularity);
      double lift = base > 0 ? v / base : v > 0 ? Double.POSITIVE_INFINITY : 0;
      boolean ok = lift >= minLift * (1 - ROUNDING);
      String measured = base > 0 ? String.format(Locale.ROOT, "lift %.2fx over popularity (%s %.4f vs %.4f)",
          lift, at(liftMetric, model), v, base)
          : String.format(Locale.ROOT, "lift over popularity (%s %.4f vs 0)", at(liftMetric, model), v);
      checks.add(new Check("min_lift", liftMetric, lift, minLift, ok,
          measured + " is " + (ok ? "at or above" : "below") + " min_lift " + plain(minLift)));
    }
    return new Verdict(checks);
  }

  private static String at(Metric m, Metrics measured) {
    return m.key() + "@" + measured.k();
  }

  /** A threshold as written in the config: 0.05, not 0.0500. */
  private static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
