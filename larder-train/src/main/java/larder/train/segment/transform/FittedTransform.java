package larder.train.segment.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import larder.core.ConfigException;
import larder.core.InputException;

/**
 * A {@link Transform} with its parameters fitted on one batch's features: which features are logged, and the
 * mean and scale of each feature for standardisation. It maps any point of the original space into the
 * fitted space ({@link #applyRow}) and back ({@link #invertRow}): this batch's centroids are reported in
 * original units by inverting them, and the previous batch's centroids (stored in original units) are
 * compared with this batch's by applying this transform to them. Serializable, so a cluster can apply it to
 * customers where they are.
 *
 * <p>Inverting a centroid gives the point whose transform is the centroid. Under log1p that is the
 * expm1 of the mean of the logs, a geometric-style mean below the arithmetic mean of the segment; profiles
 * report arithmetic means and medians beside it.
 */
public final class FittedTransform implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names;
  private final List<Fitted> steps;

  private FittedTransform(List<String> names, List<Fitted> steps) {
    this.names = List.copyOf(names);
    this.steps = List.copyOf(steps);
  }

  /** Feature names, in the order of each row. */
  public List<String> names() { return names; }

  public int dimensions() { return names.size(); }

  /** True when feature {@code f} goes through a log1p step. */
  public boolean logged(int f) {
    for (Fitted s : steps) if (s instanceof Log1pFitted l && l.mask[f]) return true;
    return false;
  }

  /** Mean subtracted from feature {@code f} by the last standardise step (in that step's input units); 0 without one. */
  public double mean(int f) {
    for (int i = steps.size() - 1; i >= 0; i--) if (steps.get(i) instanceof StandardiseFitted z) return z.mean[f];
    return 0;
  }

  /** Divisor of feature {@code f} in the last standardise step; 1 without one or for a constant feature. */
  public double scale(int f) {
    for (int i = steps.size() - 1; i >= 0; i--) if (steps.get(i) instanceof StandardiseFitted z) return z.scale[f];
    return 1;
  }

  /** Transforms {@code n} row-major points into a new array. Log1p of a negative value gives NaN here. */
  public double[] apply(double[] x, int n) {
    double[] out = x.clone();
    for (Fitted s : steps) s.apply(out, n, names.size());
    return out;
  }

  /** Transforms one point in place. */
  public void applyRow(double[] row) {
    check(row);
    for (Fitted s : steps) s.apply(row, 1, names.size());
  }

  /** Maps one transformed point back to original units, in place. */
  public void invertRow(double[] row) {
    check(row);
    for (int i = steps.size() - 1; i >= 0; i--) steps.get(i).invert(row);
  }

  /** E.g. {@code "log1p(recency_days, frequency, monetary), standardise"}. */
  @Override public String toString() {
    if (steps.isEmpty()) return "none";
    List<String> s = new ArrayList<>();
    for (Fitted f : steps) s.add(f.describe(names));
    return String.join(", ", s);
  }

  private void check(double[] row) {
    if (row.length != names.size()) {
      throw new IllegalArgumentException("row has " + row.length + " values for " + names.size() + " features");
    }
  }

  private static void validate(double[] x, int n, List<String> names) {
    int d = names.size();
    if (d < 1) throw new IllegalArgumentException("no features");
    if (x.length != (long) n * d) {
      throw new IllegalArgumentException(x.length + " values for " + n + " points of " + d + " features");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new InputException("features", i / d + 1, names.get(i % d), "is " + x[i],
            "fill in or drop the missing value; k-means needs a number for every feature");
      }
    }
  }

  /** Fits every step on the output of the previous one, transforming a copy of {@code x} as it goes. */
  static Transform.Fitted fit(Transform spec, double[] x, int n, List<String> names) {
    validate(x, n, names);
    int d = names.size();
    double[] out = x.clone();
    List<Fitted> fitted = new ArrayList<>();
    for (Transform.Step step : spec.steps()) {
      Fitted f;
      if (step instanceof Transform.Log1p l) {
        f = Log1pFitted.fit(l, out, n, names);
      } else {
        f = StandardiseFitted.fit(out, n, d);
      }
      f.apply(out, n, d);
      fitted.add(f);
    }
    return new Transform.Fitted(new FittedTransform(names, fitted), out);
  }

  private interface Fitted extends java.io.Serializable {
    void apply(double[] x, int n, int d);

    void invert(double[] row);

    String describe(List<String> names);
  }

  private static final class Log1pFitted implements Fitted {
    final boolean[] mask;

    Log1pFitted(boolean[] mask) { this.mask = mask; }

    static Log1pFitted fit(Transform.Log1p spec, double[] x, int n, List<String> names) {
      int d = names.size();
      boolean[] mask = new boolean[d];
      if (spec.features().isEmpty()) {
        Arrays.fill(mask, true);
      } else {
        for (String f : spec.features()) {
          int at = names.indexOf(f);
          if (at < 0) {
            throw new ConfigException("segment.transform", f, "is not a feature",
                "the features are " + String.join(", ", names));
          }
          mask[at] = true;
        }
      }
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) {
          double v = x[i * d + t];
          if (mask[t] && v < 0) {
            throw new InputException("features", i + 1, names.get(t),
                String.format(Locale.ROOT, "is %s, but log1p needs values >= 0", v),
                "leave this feature out of log1p, or shift it to be non-negative");
          }
        }
      }
      return new Log1pFitted(mask);
    }

    @Override public void apply(double[] x, int n, int d) {
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) if (mask[t]) x[i * d + t] = Math.log1p(x[i * d + t]);
      }
    }

    @Override public void invert(double[] row) {
      for (int t = 0; t < row.length; t++) if (mask[t]) row[t] = Math.expm1(row[t]);
    }

    @Override public String describe(List<String> names) {
      List<String> on = new ArrayList<>();
      for (int t = 0; t < mask.length; t++) if (mask[t]) on.add(names.get(t));
      return "log1p(" + String.join(", ", on) + ")";
    }
  }

  private static final class StandardiseFitted implements Fitted {
    final double[] mean;
    final double[] scale;

    StandardiseFitted(double[] mean, double[] scale) {
      this.mean = mean;
      this.scale = scale;
    }

    /** Two passes per feature (mean, then squared deviations) for accuracy. */
    static StandardiseFitted fit(double[] x, int n, int d) {
      double[] mean = new double[d];
      double[] scale = new double[d];
      double[] min = new double[d];
      double[] max = new double[d];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) {
          double v = x[i * d + t];
          mean[t] += v;
          min[t] = Math.min(min[t], v);
          max[t] = Math.max(max[t], v);
        }
      }
      for (int t = 0; t < d; t++) mean[t] = n == 0 ? 0 : mean[t] / n;
      double[] ss = new double[d];
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) {
          double diff = x[i * d + t] - mean[t];
          ss[t] += diff * diff;
        }
      }
      for (int t = 0; t < d; t++) {
        // A constant feature: its mean may differ from the value by rounding, giving a tiny non-zero variance
        // that would blow the rounding up to whole units. Only centre it.
        double sd = n == 0 ? 0 : Math.sqrt(ss[t] / n);
        scale[t] = max[t] > min[t] && sd > 0 ? sd : 1;
        if (!(max[t] > min[t]) && n > 0) mean[t] = min[t];
      }
      return new StandardiseFitted(mean, scale);
    }

    @Override public void apply(double[] x, int n, int d) {
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) x[i * d + t] = (x[i * d + t] - mean[t]) / scale[t];
      }
    }

    @Override public void invert(double[] row) {
      for (int t = 0; t < row.length; t++) row[t] = row[t] * scale[t] + mean[t];
    }

    @Override public String describe(List<String> names) {
      return "standardise";
    }
  }
}
