package larder.jobs.run;

import java.util.List;
import java.util.Locale;
import larder.core.BatchInfo;
import larder.core.segment.SegmentProfile;

/**
 * What one segmentation run did, for the summary printed at its end: input, how k was chosen, how ids were
 * kept, and every segment's profile as a readable table.
 *
 * @param kTable the inertia/silhouette table when k was chosen automatically, else null
 * @param idDecisions how each new segment got its id (matched to a previous one, or fresh)
 * @param stayed share of the previous batch's customers still in a segment of the same id; NaN on a first run
 * @param readNanos extract and features; {@code segmentNanos} the segmentation; {@code publishNanos} loading
 *     the rows, profiles and transitions and switching the batch in
 */
public record SegmentsReport(
    String job,
    String method,
    BatchInfo batch,
    long rowsRead,
    long badRows,
    int customers,
    int customersLeftOut,
    String asOf,
    String kTable,
    String idDecisions,
    List<SegmentProfile> profiles,
    double stayed,
    long readNanos,
    long segmentNanos,
    long publishNanos,
    long totalNanos) implements JobReport {

  @Override
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "job %s: published batch %d (%s, %d segments) in %.1f s%n", job, batch.id(),
        method, profiles.size(), totalNanos / 1e9));
    s.append(String.format(Locale.ROOT, "  input      %,d rows read, %,d bad; %,d customers segmented", rowsRead, badRows,
        customers));
    if (customersLeftOut > 0) s.append(String.format(Locale.ROOT, " (%,d left out: no paid order up to as-of)", customersLeftOut));
    s.append(String.format("%n"));
    if (asOf != null) s.append("  as of      ").append(asOf).append(String.format("%n"));
    s.append(String.format(Locale.ROOT, "  timing     read %.1f s, segmenting %.1f s, publish %.1f s (%,.0f customers/s)%n",
        readNanos / 1e9, segmentNanos / 1e9, publishNanos / 1e9, customers / Math.max(1e-9, publishNanos / 1e9)));
    if (!Double.isNaN(stayed)) {
      s.append(String.format(Locale.ROOT, "  stability  %.1f%% of the previous batch's customers kept their segment id%n",
          stayed * 100));
    }
    s.append(profileTable(profiles));
    return s.toString();
  }

  /** Segments as a table: id, label, size, share, then mean/median R, F, M when known, else the centroid. */
  public static String profileTable(List<SegmentProfile> profiles) {
    StringBuilder s = new StringBuilder();
    boolean rfm = !profiles.isEmpty() && profiles.get(0).recencyMean() != null;
    int labelWidth = 12;
    for (SegmentProfile p : profiles) labelWidth = Math.max(labelWidth, p.label().length());
    String head = "  %4s  %-" + labelWidth + "s %10s %7s";
    if (rfm) {
      s.append(String.format(Locale.ROOT, head + "  %17s  %13s  %19s%n", "id", "segment", "customers", "share",
          "recency days", "orders", "spend"));
      s.append(String.format(Locale.ROOT, head + "  %8s %8s  %6s %6s  %9s %9s%n", "", "", "", "", "mean", "median",
          "mean", "median", "mean", "median"));
    } else {
      s.append(String.format(Locale.ROOT, head + "  %s%n", "id", "segment", "customers", "share", "centroid"));
    }
    for (SegmentProfile p : profiles) {
      s.append(String.format(Locale.ROOT, head, p.segmentId(), p.label(), String.format(Locale.ROOT, "%,d", p.size()),
          String.format(Locale.ROOT, "%.1f%%", p.share() * 100)));
      if (rfm) {
        s.append(String.format(Locale.ROOT, "  %8.1f %8.1f  %6.2f %6.1f  %9.2f %9.2f", p.recencyMean(), p.recencyMedian(),
            p.frequencyMean(), p.frequencyMedian(), p.monetaryMean(), p.monetaryMedian()));
      } else {
        StringBuilder c = new StringBuilder();
        p.centroid().forEach((k, v) -> c.append(c.length() == 0 ? "" : ", ").append(k).append(' ')
            .append(String.format(Locale.ROOT, "%.3g", v)));
        s.append("  ").append(c);
      }
      s.append(String.format("%n"));
    }
    return s.toString();
  }
}
