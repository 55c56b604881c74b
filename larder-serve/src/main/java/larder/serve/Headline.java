package larder.serve;

import java.util.Locale;
import java.util.OptionalDouble;
import larder.core.BatchInfo;
import larder.core.BatchMetrics;

/**
 * The one figure that says most about a batch: its evaluation (recommendations), its segments' stability
 * (segments), its scores (imports).
 *
 * @param text in words, e.g. "ndcg@10 0.182 (2.31x popularity)"; empty when the batch measured nothing
 * @param name what {@code value} is, e.g. "ndcg@10", "kept their id", "mean score"; empty when no value
 * @param value the figure compared across batches, when there is one
 */
public record Headline(String text, String name, OptionalDouble value) {
  /** The headline of {@code b}; empty for null (no batch). */
  public static Headline of(BatchInfo b) {
    if (b == null) return new Headline("", "", OptionalDouble.empty());
    BatchMetrics m = b.metrics();
    if (m.ndcg().isPresent() && m.popularityNdcg().isPresent()) {
      double model = m.ndcg().getAsDouble(), base = m.popularityNdcg().getAsDouble();
      String name = "ndcg@" + m.k().orElse(0);
      return new Headline(String.format(Locale.ROOT, "%s %.3f (%.2fx popularity)", name, model,
          base > 0 ? model / base : Double.NaN), name, OptionalDouble.of(model));
    }
    if (m.segments().isPresent()) {
      int segments = (int) m.segments().getAsLong();
      return m.stayedShare().isPresent()
          ? new Headline(String.format(Locale.ROOT, "%d segments, %.1f%% kept their id", segments,
              m.stayedShare().getAsDouble() * 100), "kept their id", m.stayedShare())
          : new Headline(String.format(Locale.ROOT, "%d segments", segments), "segments", OptionalDouble.of(segments));
    }
    if (m.scoreMean().isPresent()) {
      return new Headline(String.format(Locale.ROOT, "scores %.3g..%.3g, mean %.3g", m.scoreMin().orElse(0),
          m.scoreMax().orElse(0), m.scoreMean().getAsDouble()), "mean score", m.scoreMean());
    }
    return new Headline("", "", OptionalDouble.empty());
  }

  /**
   * This figure less {@code previous}'s, when both batches measured the same thing; empty otherwise (a first
   * batch, or a model that changed its measure).
   */
  public OptionalDouble change(Headline previous) {
    if (previous == null || value.isEmpty() || previous.value.isEmpty() || !name.equals(previous.name)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value.getAsDouble() - previous.value.getAsDouble());
  }
}
