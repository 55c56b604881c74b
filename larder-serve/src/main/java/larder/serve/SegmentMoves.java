package larder.serve;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.InputException;
import larder.store.Store;

/**
 * Where the members of a segments job's current batch were in its previous batch: the batch the run counted its
 * transitions from (recorded in the metrics as {@code previous_batch}; for batches published before it was
 * recorded, the job's latest published batch before the current one). Previous segments are known while that
 * batch is kept ({@code keep:}); after it is retired only the transition counts remain.
 *
 * <pre>{@code
 * MovedMembers page = new SegmentMoves(store).members("customers", 3, null, 100, true);  // who moved into 3
 * }</pre>
 */
public final class SegmentMoves {
  private final Store store;

  public SegmentMoves(Store store) {
    this.store = store;
  }

  /**
   * One page of segment {@code segmentId}'s members after {@code afterCustomerId} (null: from the first), each with
   * its previous segment; with {@code movedInOnly}, only those whose previous segment differs (new customers too).
   * Keyset paging as {@link SegmentReader#members}.
   *
   * @throws InputException when {@code limit} is not 1..{@value SegmentReader#MAX_PAGE}, or {@code movedInOnly}
   *     is asked of a batch whose previous segments are not known
   * @throws larder.core.NotFoundException when the job has no current segments batch
   */
  public MovedMembers members(String job, int segmentId, String afterCustomerId, int limit, boolean movedInOnly) {
    if (limit < 1 || limit > SegmentReader.MAX_PAGE) {
      throw new InputException("request", 0, "limit", limit + " is not between 1 and " + SegmentReader.MAX_PAGE,
          "page through a segment with 'after'");
    }
    return store.read("read members of segment " + segmentId + " of job '" + job + "' with their previous segments",
        c -> {
          BatchInfo b = Current.of(c, store.dialect(), job, BatchKind.SEGMENTS);
          Long previous = previousBatch(c, b);
          boolean kept = previous != null && kept(c, previous);
          if (movedInOnly && !kept) {
            throw new InputException("request", 0, "moved_in", previous == null
                ? "batch " + b.id() + " is the job's first: no customer moved in"
                : "batch " + previous + ", the one before batch " + b.id() + ", is no longer kept",
                "list all members instead; keep more batches (keep:) to compare with the previous one");
          }
          List<MovedMember> out = new ArrayList<>(Math.min(limit, 1024));
          boolean more = false;
          try (PreparedStatement ps = c.prepareStatement("SELECT s.customer_id, s.distance, s.recency_days,"
              + " s.frequency, s.monetary, s.rfm_score, p.segment_id FROM larder_segment_rows s"
              + " LEFT JOIN larder_segment_rows p ON p.batch_id = ? AND p.customer_id = s.customer_id"
              + " WHERE s.batch_id = ? AND s.segment_id = ?"
              + (afterCustomerId == null ? "" : " AND s.customer_id > ?")
              + (movedInOnly ? " AND (p.segment_id IS NULL OR p.segment_id <> s.segment_id)" : "")
              + " ORDER BY s.customer_id LIMIT ?")) {
            int i = 1;
            ps.setLong(i++, kept ? previous : -1);
            ps.setLong(i++, b.id());
            ps.setInt(i++, segmentId);
            if (afterCustomerId != null) ps.setString(i++, afterCustomerId);
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                if (out.size() == limit) {
                  more = true;
                  break;
                }
                int prev = rs.getInt(7);
                Integer previousSegment = rs.wasNull() ? null : prev;
                out.add(new MovedMember(new SegmentMember(rs.getString(1), rs.getFloat(2), real(rs, 3), real(rs, 4),
                    Figures.money(real(rs, 5)), rs.getString(6)), previousSegment));
              }
            }
          }
          String label = null;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT label FROM larder_segment_profile_rows WHERE batch_id = ? AND segment_id = ?")) {
            ps.setLong(1, b.id());
            ps.setInt(2, segmentId);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) label = rs.getString(1);
            }
          }
          String next = more ? out.get(out.size() - 1).member().customerId() : null;
          return new MovedMembers(job, segmentId, label, b.id(), previous, kept, movedInOnly, out, next);
        });
  }

  /**
   * The batch {@code b}'s transitions were counted from, or null for a job's first batch (no transitions, so no
   * {@code stayed_share}).
   */
  static Long previousBatch(Connection c, BatchInfo b) throws SQLException {
    OptionalLong recorded = b.metrics().previousBatch();
    if (recorded.isPresent()) return recorded.getAsLong();
    if (b.metrics().stayedShare().isEmpty()) return null;
    // Before previous_batch was recorded: the latest batch of the job published before this one.
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(batch_id) FROM larder_batches"
        + " WHERE job = ? AND batch_id < ? AND published_at IS NOT NULL")) {
      ps.setString(1, b.job());
      ps.setLong(2, b.id());
      try (ResultSet rs = ps.executeQuery()) {
        long id = rs.next() ? rs.getLong(1) : 0;
        return id > 0 ? id : null;
      }
    }
  }

  private static boolean kept(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM larder_batches WHERE batch_id = ? AND status IN ('published', 'superseded')")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Double real(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
