package larder.dashboard.segments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.core.BatchMetrics;

/**
 * The k-choice table a {@code k: auto} run stored in its metrics ({@code k_choice}): inertia and silhouette per k
 * tried. The chosen k is the one with the best silhouette, the smaller on a tie, as the run chose it.
 */
public record KChoice(List<Row> rows) {
  public record Row(int k, double inertia, double silhouette, boolean chosen) {
    public String inertiaText() { return String.format(Locale.ROOT, "%,.1f", inertia); }

    public String silhouetteText() { return String.format(Locale.ROOT, "%.4f", silhouette); }
  }

  /** The batch's table; empty when k was fixed or the job used rules. */
  static KChoice of(BatchMetrics metrics) {
    List<Row> rows = new ArrayList<>();
    if (metrics.get(BatchMetrics.K_CHOICE) instanceof List<?> list) {
      int best = -1;
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("k") instanceof Number k && m.get("inertia") instanceof Number i
            && m.get("silhouette") instanceof Number s) {
          rows.add(new Row(k.intValue(), i.doubleValue(), s.doubleValue(), false));
        }
      }
      rows.sort(java.util.Comparator.comparingInt(Row::k));
      for (int r = 0; r < rows.size(); r++) {
        if (best < 0 || rows.get(r).silhouette() > rows.get(best).silhouette()) best = r;
      }
      if (best >= 0) {
        Row b = rows.get(best);
        rows.set(best, new Row(b.k(), b.inertia(), b.silhouette(), true));
      }
    }
    return new KChoice(rows);
  }

  public boolean isEmpty() { return rows.isEmpty(); }
}
