package larder.dashboard.segments;

import java.util.Locale;
import larder.core.segment.SegmentProfile;

/**
 * One row of the segments table, in words and numbers as shown.
 *
 * @param change the size's change from the previous batch, signed ("+12", "−3"), "new" for a segment the previous
 *     batch did not have, empty for a job's first batch
 * @param recency median days since the last order, frequency median orders, monetary median spend: empty when
 *     the job clustered a feature table
 */
public record SegmentLine(int id, String label, long size, String sizeText, String share, String change,
    String recency, String frequency, String monetary) {

  static SegmentLine of(SegmentProfile p, TransitionMatrix moves) {
    String change = "";
    if (!moves.isEmpty()) {
      long before = moves.previousSize(p.segmentId());
      change = before < 0 ? "new" : signed(p.size() - before);
    }
    return new SegmentLine(p.segmentId(), p.label(), p.size(), String.format(Locale.ROOT, "%,d", p.size()),
        String.format(Locale.ROOT, "%.1f%%", p.share() * 100), change, number(p.recencyMedian(), "%.0f"),
        number(p.frequencyMedian(), "%.1f"), number(p.monetaryMedian(), "%,.2f"));
  }

  /** "3 · recent, frequent, high spend": how charts and the transition table name a segment. */
  static String name(SegmentProfile p) {
    return p.segmentId() + " \u00b7 " + p.label();
  }

  static String signed(long d) {
    return d > 0 ? String.format(Locale.ROOT, "+%,d", d) : d < 0 ? String.format(Locale.ROOT, "\u2212%,d", -d) : "\u00b10";
  }

  private static String number(Double v, String format) {
    return v == null ? "" : String.format(Locale.ROOT, format, v);
  }
}
