package larder.train.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;

/**
 * One searched parameter. The samplers work in an internal space: a number, on a log scale when {@code log}, or a
 * choice's index; {@link #toValue} turns an internal value back into what the model is configured with.
 */
public sealed interface Param {
  /** The key the parameter has in the model's {@code model:} section (or a tuner key such as ALS's {@code rho}). */
  String name();

  /** The value the model gets for internal value {@code v}. */
  Object toValue(double v);

  /** How the parameter is described in a stored search record. */
  Map<String, Object> describe();

  /** A real number in [lo, hi], uniform or log-uniform. */
  record Real(String name, double lo, double hi, boolean log) implements Param {
    public Real {
      if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi) || log && !(lo > 0)) {
        throw new ConfigException("space." + name, "[" + lo + ", " + hi + "]",
            log ? "must be a range 0 < min <= max" : "must be a range min <= max");
      }
    }

    double internalLo() { return log ? Math.log(lo) : lo; }
    double internalHi() { return log ? Math.log(hi) : hi; }

    @Override public Object toValue(double v) {
      double x = log ? Math.exp(v) : v;
      return Math.min(hi, Math.max(lo, x));
    }

    @Override public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("min", lo);
      m.put("max", hi);
      m.put("scale", log ? "log" : "linear");
      return m;
    }
  }

  /** A whole number in [lo, hi], uniform or log-uniform. */
  record Int(String name, int lo, int hi, boolean log) implements Param {
    public Int {
      if (lo > hi || log && lo < 1) {
        throw new ConfigException("space." + name, "[" + lo + ", " + hi + "]",
            log ? "must be a range 1 <= min <= max" : "must be a range min <= max");
      }
    }

    // Each whole number owns the unit around it (Optuna widens integer ranges the same way).
    double internalLo() { return log ? Math.log(lo - 0.5 > 0 ? lo - 0.5 : lo * 0.5) : lo - 0.5; }
    double internalHi() { return log ? Math.log(hi + 0.5) : hi + 0.5; }

    @Override public Object toValue(double v) {
      long x = Math.round(log ? Math.exp(v) : v);
      return (int) Math.min(hi, Math.max(lo, x));
    }

    @Override public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("min", lo);
      m.put("max", hi);
      m.put("scale", log ? "log" : "linear");
      m.put("whole", true);
      return m;
    }
  }

  /**
   * One of a list of values (numbers or words), tried in order by an exhaustive search. With {@code refine}, a
   * one-parameter ladder of positive numbers: after the ladder, the best value's neighbours halfway (on a log scale)
   * to the next rungs are tried too.
   */
  record Choice(String name, List<Object> values, boolean refine) implements Param {
    public Choice {
      if (values == null || values.isEmpty()) throw new ConfigException("space." + name, null, "must list at least one value");
      values = List.copyOf(values);
      if (refine) {
        for (Object v : values) {
          if (!(v instanceof Number n) || !(n.doubleValue() > 0)) {
            throw new ConfigException("space." + name, v, "a refined ladder holds positive numbers only");
          }
        }
      }
    }

    public Choice(String name, List<Object> values) {
      this(name, values, false);
    }

    @Override public Object toValue(double v) {
      return values.get((int) v);
    }

    @Override public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("values", values);
      if (refine) m.put("refine", true);
      return m;
    }
  }
}
