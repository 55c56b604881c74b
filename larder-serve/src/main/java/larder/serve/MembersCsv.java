package larder.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import larder.core.CsvFields;

/**
 * A segment's members as CSV, the export campaign tools read: {@code customer_id, distance, recency_days,
 * frequency, monetary, rfm_score}, one row per member, empty fields for values the job does not have.
 * Used as the {@link MemberConsumer} of {@link SegmentReader#forEachMember}, so any segment size streams.
 */
public final class MembersCsv implements MemberConsumer {
  public static final String HEADER = "customer_id,distance,recency_days,frequency,monetary,rfm_score\n";

  private final Writer out;

  public MembersCsv(Writer out) {
    this.out = out;
  }

  @Override public void start(larder.core.BatchInfo batch, String segmentLabel) {
    write(HEADER);
  }

  @Override public void accept(SegmentMember m) {
    write(CsvFields.quote(m.customerId()) + "," + values(m) + "\n");
  }

  /** A member's columns after its id: {@code distance,recency_days,frequency,monetary,rfm_score}. */
  public static String values(SegmentMember m) {
    return m.distance() + "," + num(m.recencyDays()) + "," + num(m.frequency()) + "," + num(m.monetary()) + ","
        + (m.rfmScore() == null ? "" : m.rfmScore());
  }

  /** A nullable number as a CSV field: empty for null. */
  public static String num(Double v) {
    return v == null ? "" : String.valueOf(v);
  }

  private void write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
