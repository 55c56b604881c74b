package larder.jobs.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.core.BatchInfo;
import larder.extract.ExtractResult;

/** What one recommendations job run did, for the summary printed at its end. */
public record RunReport(
    String job,
    String model,
    BatchInfo batch,
    long rowsRead,
    long badRows,
    int users,
    int items,
    long interactions,
    long trainNanos,
    long usersScored,
    long recommendationRows,
    long scoreNanos,
    long similarRows,
    Map<String, Object> metrics,
    int segmentLists,
    long totalNanos) implements JobReport {

  /** Receives one line per step as a job runs. */
  @FunctionalInterface
  public interface Listener {
    void step(String job, String message);

    Listener NONE = (job, message) -> {};
  }

  /** A short multi-line summary of the run. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "job %s: published batch %d (%s) in %.1f s%n", job, batch.id(), model, totalNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  input      %,d rows read, %,d bad; %,d users x %,d items, %,d interactions%n",
        rowsRead, badRows, users, items, interactions));
    s.append(String.format(Locale.ROOT, "  training   %.1f s%n", trainNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  scoring    %,d users, %,d rows in %.1f s (%,.0f users/s)%n",
        usersScored, recommendationRows, scoreNanos / 1e9, usersScored / Math.max(1e-9, scoreNanos / 1e9)));
    if (similarRows > 0) s.append(String.format(Locale.ROOT, "  similar    %,d rows%n", similarRows));
    if (segmentLists > 0) s.append(String.format(Locale.ROOT, "  fallback   %d per-segment lists%n", segmentLists));
    if (metrics != null && metrics.get("model") instanceof Map<?, ?> m && metrics.get("popularity") instanceof Map<?, ?> p) {
      Object users = m.get("users") instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : m.get("users");
      s.append(String.format(Locale.ROOT, "  evaluation @%s on %s held-out users:%n", metrics.get("k"), users));
      for (String key : new String[] {"precision", "recall", "ndcg", "map", "hit_rate", "coverage"}) {
        double model = ((Number) m.get(key)).doubleValue(), base = ((Number) p.get(key)).doubleValue();
        s.append(String.format(Locale.ROOT, "    %-10s %.4f   popularity %.4f   %s%n", key, model, base,
            base > 0 ? String.format(Locale.ROOT, "%.2fx", model / base) : ""));
      }
    }
    if (metrics != null && metrics.get("gate") instanceof Map<?, ?> gate && gate.get("checks") instanceof List<?> checks) {
      List<String> texts = new ArrayList<>();
      for (Object c : checks) if (c instanceof Map<?, ?> check) texts.add(String.valueOf(check.get("text")));
      s.append(String.format(Locale.ROOT, "  gate       %s: %s%n",
          Boolean.TRUE.equals(gate.get("passed")) ? "passed" : "failed", String.join("; ", texts)));
    }
    return s.toString();
  }

  static final class Builder {
    private final String job;
    private final String model;
    private long rowsRead, badRows, interactions, trainNanos, usersScored, recRows, scoreNanos, similarRows;
    private int users, items, segmentLists;
    private Map<String, Object> metrics = Map.of();

    Builder(String job, String model) {
      this.job = job;
      this.model = model;
    }

    void extracted(ExtractResult r) {
      rowsRead = r.rowsRead();
      badRows = r.badRows();
      users = r.interactions().userCount();
      items = r.interactions().itemCount();
      interactions = r.interactions().size();
    }

    void metrics(Map<String, Object> m) { metrics = m; }
    void trainNanos(long n) { trainNanos = n; }
    void scored(long users, long rows, long nanos) { usersScored = users; recRows = rows; scoreNanos = nanos; }
    void similar(long rows) { similarRows = rows; }
    void segmentLists(int n) { segmentLists = n; }

    RunReport published(BatchInfo batch, long totalNanos) {
      return new RunReport(job, model, batch, rowsRead, badRows, users, items, interactions, trainNanos,
          usersScored, recRows, scoreNanos, similarRows, metrics, segmentLists, totalNanos);
    }
  }
}
