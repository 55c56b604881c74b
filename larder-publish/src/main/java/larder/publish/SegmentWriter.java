package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.ModelException;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.store.CentroidJson;
import larder.store.Dialect;

/**
 * The rows of a segments batch: every customer's segment (bulk-loaded a range of customers at a time), the
 * segment profiles and the transitions from the previous batch (small: kept here and written in the
 * switching transaction). Each at most once per batch.
 */
public final class SegmentWriter extends KindWriter {
  private long segmentCount;
  private boolean assignmentWritten;
  private List<SegmentProfile> profiles;
  private List<SegmentTransition> transitions;

  SegmentWriter(BatchLoader batch, QueuedRows rows) {
    super(batch, rows);
  }

  /**
   * Every customer's segment: queued for the writer thread a range of customers at a time (the
   * assignment's arrays are read there, not copied: leave them unchanged until {@link BatchLoader#publish}).
   *
   * @throws ModelException when a segment id is below 1, a distance or RFM value is not finite, or an
   *     RFM score is not three digits 1-5 (or 0 for none)
   */
  public void writeAssignment(SegmentAssignment a) {
    synchronized (this) {
      if (assignmentWritten) throw new IllegalStateException(where() + ": segments written twice");
      assignmentWritten = true;
    }
    batch.checkWritable();
    int n = a.size();
    SegmentAssignment.Rfm rfm = a.rfm();
    for (int c = 0; c < n; c++) {
      int s = a.segment()[c];
      if (s < 1) throw badRow(a, c, "segment id " + s + " is below 1");
      if (!Float.isFinite(a.distance()[c])) throw badRow(a, c, "distance " + a.distance()[c]);
      if (rfm != null) {
        if (!Double.isFinite(rfm.recencyDays()[c]) || !Double.isFinite(rfm.frequency()[c])
            || !Double.isFinite(rfm.monetary()[c])) {
          throw badRow(a, c, "RFM values " + rfm.recencyDays()[c] + ", " + rfm.frequency()[c] + ", "
              + rfm.monetary()[c]);
        }
        if (!validRfmScore(rfm.score()[c])) throw badRow(a, c, "RFM score " + rfm.score()[c]);
      }
    }
    int[] ids = a.segment().clone();
    Arrays.sort(ids);
    int distinct = 0;
    for (int i = 0; i < n; i++) if (i == 0 || ids[i] != ids[i - 1]) distinct++;
    synchronized (this) {
      segmentCount = distinct;
    }
    // SQLite inserts into a B-tree clustered on (batch_id, customer_id): in key order each row lands on the
    // last page instead of a random one. Measured at a million random ids: 60-85k rows/s unsorted, 200k
    // sorted (sort included). PostgreSQL builds its indexes after COPY, so order gains it little.
    int[] order = batch.storeKind() == Dialect.Kind.SQLITE ? byExternalId(a.customers()) : null;
    for (int from = 0; from < n; from += CHUNK) {
      offer(new QueuedRows.SegmentChunk(a, order, from, Math.min(n, from + CHUNK)));
    }
  }

  /**
   * What each segment looks like, stored with the batch.
   *
   * @throws ModelException when a segment id repeats or is below 1, a label is empty, or a figure is not
   *     finite
   */
  public void writeProfiles(List<SegmentProfile> segmentProfiles) {
    Set<Integer> ids = new HashSet<>();
    for (SegmentProfile p : segmentProfiles) {
      String at = "segment " + p.segmentId();
      if (p.segmentId() < 1 || !ids.add(p.segmentId())) throw badProfile(at, "segment id is below 1 or repeats");
      if (p.label() == null || p.label().isBlank()) throw badProfile(at, "has no label");
      if (p.size() < 0 || !Double.isFinite(p.share()) || p.share() < 0 || p.share() > 1) {
        throw badProfile(at, "size " + p.size() + " / share " + p.share() + " out of range");
      }
      for (Double v : new Double[] {p.recencyMean(), p.recencyMedian(), p.frequencyMean(), p.frequencyMedian(),
          p.monetaryMean(), p.monetaryMedian()}) {
        if (v != null && !Double.isFinite(v)) throw badProfile(at, "has a figure " + v);
      }
      for (Map.Entry<String, Double> e : p.centroid().entrySet()) {
        if (e.getKey() == null || e.getValue() == null || !Double.isFinite(e.getValue())) {
          throw badProfile(at, "centroid feature '" + e.getKey() + "' is " + e.getValue());
        }
      }
    }
    synchronized (this) {
      batch.checkWritable();
      if (profiles != null) throw new IllegalStateException(where() + ": profiles written twice");
      profiles = List.copyOf(segmentProfiles);
    }
  }

  /**
   * How many customers moved between the previous batch's segments and this one's.
   *
   * @throws ModelException when a (from, to) pair repeats, both ends are null, an id is below 1, or a
   *     count is negative
   */
  public void writeTransitions(List<SegmentTransition> segmentTransitions) {
    Set<List<Integer>> pairs = new HashSet<>();
    for (SegmentTransition t : segmentTransitions) {
      Integer from = t.fromSegment();
      Integer to = t.toSegment();
      String at = "transition " + from + " -> " + to;
      if (from == null && to == null) throw badTransition(at, "has neither end");
      if ((from != null && from < 1) || (to != null && to < 1)) throw badTransition(at, "segment id below 1");
      if (t.customers() < 0) throw badTransition(at, "counts " + t.customers() + " customers");
      if (!pairs.add(Arrays.asList(from, to))) throw badTransition(at, "repeats");
    }
    synchronized (this) {
      batch.checkWritable();
      if (transitions != null) throw new IllegalStateException(where() + ": transitions written twice");
      transitions = List.copyOf(segmentTransitions);
    }
  }

  @Override synchronized BatchTotals totals(BatchRows.Loaded loaded) {
    // one row per customer; rows loaded in parts leave the segments to be counted from the profiles
    long segments = segmentCount == 0 && profiles != null ? profiles.size() : segmentCount;
    return new BatchTotals(0, 0, loaded.keys(), segments, null);
  }

  @Override void writeInSwitch(Connection c, long batchId) throws SQLException {
    List<SegmentProfile> p;
    List<SegmentTransition> t;
    synchronized (this) {
      p = profiles;
      t = transitions;
    }
    if (p != null) insertProfiles(c, batchId, p);
    if (t != null) insertTransitions(c, batchId, t);
  }

  /** True for 0 (not scored) and three digits 1-5. */
  static boolean validRfmScore(short score) {
    if (score == 0) return true;
    if (score < 111 || score > 555) return false;
    for (int v = score; v > 0; v /= 10) {
      int digit = v % 10;
      if (digit < 1 || digit > 5) return false;
    }
    return true;
  }

  private static void insertProfiles(Connection c, long batchId, List<SegmentProfile> list) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_segment_profile_rows (batch_id, segment_id,"
        + " label, size, share, recency_mean, recency_median, frequency_mean, frequency_median, monetary_mean,"
        + " monetary_median, centroid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (SegmentProfile p : list) {
        ps.setLong(1, batchId);
        ps.setInt(2, p.segmentId());
        ps.setString(3, p.label());
        ps.setLong(4, p.size());
        ps.setDouble(5, p.share());
        setDouble(ps, 6, p.recencyMean());
        setDouble(ps, 7, p.recencyMedian());
        setDouble(ps, 8, p.frequencyMean());
        setDouble(ps, 9, p.frequencyMedian());
        setDouble(ps, 10, p.monetaryMean());
        setDouble(ps, 11, p.monetaryMedian());
        ps.setString(12, CentroidJson.write(p.centroid()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void insertTransitions(Connection c, long batchId, List<SegmentTransition> list)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_segment_transition_rows (batch_id,"
        + " from_segment, to_segment, customers) VALUES (?, ?, ?, ?)")) {
      for (SegmentTransition t : list) {
        ps.setLong(1, batchId);
        if (t.fromSegment() == null) ps.setNull(2, Types.INTEGER);
        else ps.setInt(2, t.fromSegment());
        if (t.toSegment() == null) ps.setNull(3, Types.INTEGER);
        else ps.setInt(3, t.toSegment());
        ps.setLong(4, t.customers());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void setDouble(PreparedStatement ps, int index, Double v) throws SQLException {
    if (v == null) ps.setNull(index, Types.DOUBLE);
    else ps.setDouble(index, v);
  }

  private ModelException badRow(SegmentAssignment a, int c, String problem) {
    return new ModelException(where() + ": customer '" + a.customers().name(c) + "': " + problem,
        "the segmentation produced an invalid row; check its input and parameters");
  }

  private ModelException badProfile(String at, String problem) {
    return new ModelException(where() + ": profile of " + at + " " + problem,
        "the segmentation produced an invalid profile; check its input and parameters");
  }

  private ModelException badTransition(String at, String problem) {
    return new ModelException(where() + ": " + at + " " + problem,
        "the transitions must count each (previous segment, segment) pair once");
  }
}
