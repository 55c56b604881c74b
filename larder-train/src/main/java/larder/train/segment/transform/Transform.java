package larder.train.segment.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import larder.core.ConfigException;

/**
 * How features are transformed before clustering: a sequence of steps, each fitted on the output of the
 * one before. k-means measures Euclidean distance, so a feature with a large spread (spend in euros) would
 * drown one with a small spread (orders); {@link Standardise} puts every feature on the same scale, and
 * {@link Log1p} first tames the long right tails of counts and amounts so that a few big spenders do not
 * become a segment of their own. {@code log1p, standardise} is the usual choice for RFM.
 *
 * <p>Fitting returns a {@link FittedTransform} that keeps its parameters, can transform other points (a
 * previous batch's centroids) into the same space and back (this batch's centroids into original units).
 *
 * @param steps applied in order; empty for no transformation
 */
public record Transform(List<Step> steps) {

  /** One transformation step. */
  public sealed interface Step permits Log1p, Standardise {}

  /**
   * {@code x -> ln(1 + x)}, inverse {@code expm1}; for non-negative features only.
   *
   * @param features the features to transform, by name; empty for every feature
   */
  public record Log1p(List<String> features) implements Step {
    public Log1p {
      features = List.copyOf(features);
    }

    @Override public String toString() {
      return features.isEmpty() ? "log1p" : "log1p(" + String.join(", ", features) + ")";
    }
  }

  /**
   * z-score: {@code (x - mean) / standard deviation}, the population standard deviation of the points it is
   * fitted on. A feature that is constant is only centred (divided by 1, not by zero).
   */
  public record Standardise() implements Step {
    @Override public String toString() { return "standardise"; }
  }

  public Transform {
    steps = List.copyOf(steps);
  }

  public static Transform of(Step... steps) { return new Transform(List.of(steps)); }

  /** No transformation: clustering in the features' own units. */
  public static Transform none() { return new Transform(List.of()); }

  /** {@code log1p} on every feature, then {@code standardise}: the default for RFM features. */
  public static Transform log1pStandardise() { return of(new Log1p(List.of()), new Standardise()); }

  /**
   * Parses a configuration value: {@code none}, or steps separated by commas or '+', each {@code log1p} or
   * {@code standardise} (also spelt {@code standardize}, {@code zscore}), e.g. {@code "log1p, standardise"}.
   *
   * @param key the configuration key, for the error message
   */
  public static Transform parse(String key, String spec) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty() || s.equals("none")) return none();
    List<Step> out = new ArrayList<>();
    for (String part : s.split("[,+]")) {
      switch (part.trim()) {
        case "log1p": case "log": out.add(new Log1p(List.of())); break;
        case "standardise": case "standardize": case "zscore": case "z-score": out.add(new Standardise()); break;
        default:
          throw new ConfigException(key, spec, "'" + part.trim() + "' is not a transformation",
              "use none, log1p, standardise, or a list such as \"log1p, standardise\"");
      }
    }
    return new Transform(out);
  }

  /**
   * Fits every step on {@code n} points of {@code names.size()} features ({@code x} row-major, not modified)
   * and returns the fitted transform with the transformed copy of the points.
   *
   * @throws larder.core.InputException when a value is NaN or infinite, or negative under log1p
   * @throws ConfigException when a log1p step names a feature that does not exist
   */
  public Fitted fit(double[] x, int n, List<String> names) {
    return FittedTransform.fit(this, x, n, names);
  }

  /** A fitted transform and the points it was fitted on, transformed. */
  public record Fitted(FittedTransform transform, double[] points) {}

  @Override public String toString() {
    if (steps.isEmpty()) return "none";
    List<String> s = new ArrayList<>();
    for (Step st : steps) s.add(st.toString());
    return String.join(", ", s);
  }
}
