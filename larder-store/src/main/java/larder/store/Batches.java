package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import larder.core.BatchInfo;

/** Reads batch metadata through the {@code larder_batches} view. */
public final class Batches {
  /** The view's columns, in the order of {@link BatchInfo}'s components (plus is_current). */
  public static final String SELECT = "SELECT batch_id, job, kind, model, params, metrics, created_at, published_at,"
      + " status, rec_rows, similar_rows, users, is_current, message FROM larder_batches";

  private Batches() {}

  /** The BatchInfo of the current row of {@code rs}, a row of {@link #SELECT}. */
  public static BatchInfo read(ResultSet rs, Dialect d) throws SQLException {
    return new BatchInfo(rs.getLong("batch_id"), rs.getString("job"), rs.getString("kind"), rs.getString("model"),
        rs.getString("params"), rs.getString("metrics"), d.getInstant(rs, "created_at"),
        d.getInstant(rs, "published_at"), rs.getString("status"), rs.getLong("rec_rows"),
        rs.getLong("similar_rows"), rs.getLong("users"), rs.getString("message"));
  }

  /** Batch {@code batchId}, if it exists. */
  public static Optional<BatchInfo> byId(Connection c, Dialect d, long batchId) throws SQLException {
    List<BatchInfo> found = query(c, d, " WHERE batch_id = ?", batchId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Batches of {@code job} (every job when null), newest first. */
  public static List<BatchInfo> ofJob(Connection c, Dialect d, String job) throws SQLException {
    return job == null ? query(c, d, " ORDER BY batch_id DESC") : query(c, d, " WHERE job = ? ORDER BY batch_id DESC", job);
  }

  /** The current batch of {@code job}, if any. */
  public static Optional<BatchInfo> current(Connection c, Dialect d, String job) throws SQLException {
    List<BatchInfo> found = query(c, d, " WHERE job = ? AND is_current", job);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Jobs that have a current batch, sorted. */
  public static List<String> servingJobs(Connection c) throws SQLException {
    List<String> jobs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT job FROM larder_batches WHERE is_current ORDER BY job");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) jobs.add(rs.getString(1));
    }
    return jobs;
  }

  private static List<BatchInfo> query(Connection c, Dialect d, String where, Object... args) throws SQLException {
    List<BatchInfo> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SELECT + where)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(read(rs, d));
      }
    }
    return out;
  }
}
