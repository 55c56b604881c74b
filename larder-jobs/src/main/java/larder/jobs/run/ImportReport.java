package larder.jobs.run;

import java.util.Locale;
import java.util.Map;
import larder.core.BatchKind;
import larder.core.BatchInfo;

/**
 * What one import run did.
 *
 * @param kind scores or recommendations
 * @param keys entities (scores) or users (lists) published
 * @param rows rows published
 * @param scoreStats min, mean and max of the published scores
 * @param labels entities per label (scores with labels), most common first; empty when none
 */
public record ImportReport(String job, BatchKind kind, BatchInfo batch, long rowsRead, long badRows, long keys, long rows,
    double[] scoreStats, Map<String, Long> labels, long totalNanos) implements JobReport {

  @Override public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "job %s: published batch %d (imported %s) in %.1f s%n", job, batch.id(), kind,
        totalNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  input      %,d rows read, %,d bad; %,d %s, %,d rows%n", rowsRead, badRows, keys,
        kind == BatchKind.SCORES ? "entities" : "users", rows));
    s.append(String.format(Locale.ROOT, "  scores     min %.4g, mean %.4g, max %.4g%n", scoreStats[0], scoreStats[1], scoreStats[2]));
    if (!labels.isEmpty()) {
      StringBuilder l = new StringBuilder();
      labels.forEach((k, v) -> l.append(l.length() == 0 ? "" : ", ").append(k).append(' ')
          .append(String.format(Locale.ROOT, "%,d", v)));
      s.append("  labels     ").append(l).append(String.format("%n"));
    }
    return s.toString();
  }
}
