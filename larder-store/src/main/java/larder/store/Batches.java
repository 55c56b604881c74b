package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;

/** Reads batch metadata through the {@code larder_batches} view. */
public final class Batches {
  /** Status of a batch being written. */
  public static final String STAGING = "staging";
  /** Status of a batch whose run failed (rows removed, message says why). */
  public static final String FAILED = "failed";

  /** The view's columns, in the order of {@link BatchInfo}'s components (plus is_current, segments, segment_job). */
  public static final String SELECT = "SELECT batch_id, job, kind, model, params, metrics, created_at, published_at,"
      + " status, rec_rows, similar_rows, users, is_current, message, segments, segment_job, input_rows,"
      + " data_until, base_batch_id FROM larder_batches";

  private Batches() {}

  /**
   * The BatchInfo of the current row of {@code rs}, a row of {@link #SELECT}. Its sizes follow the kind:
   * for recommendations rows = rec_rows, secondaryRows = similar_rows, keys = users; for segments rows =
   * keys = customers (one row each) and secondaryRows = segments; for scores rows = keys = entities (one
   * row each) and secondaryRows = 0.
   *
   * @throws larder.core.StoreException when the row's kind is unknown, or its params or metrics are not JSON objects
   */
  public static BatchInfo read(ResultSet rs, Dialect d) throws SQLException {
    BatchKind kind = BatchKind.stored(rs.getString("kind"));
    boolean rowPerKey = kind.rowPerKey();
    long keys = rs.getLong("users");
    long inputRows = rs.getLong("input_rows");
    Long input = rs.wasNull() ? null : inputRows;
    long baseBatchId = rs.getLong("base_batch_id");
    Long base = rs.wasNull() ? null : baseBatchId;
    return new BatchInfo(rs.getLong("batch_id"), rs.getString("job"), kind, rs.getString("model"),
        BatchParams.fromJson(rs.getString("params")), BatchMetrics.fromJson(rs.getString("metrics")), d.getInstant(rs, "created_at"),
        d.getInstant(rs, "published_at"), rs.getString("status"), rowPerKey ? keys : rs.getLong("rec_rows"),
        rowPerKey ? rs.getLong("segments") : rs.getLong("similar_rows"), keys, rs.getString("message"), input,
        d.getInstant(rs, "data_until"), base);
  }

  /**
   * The segments job a recommendations batch takes its segment fallback from, and how many segments
   * have a list; null when the batch has none (or does not exist).
   */
  public static SegmentFallback segmentFallback(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT segment_job, segments FROM larder_batches WHERE batch_id = ? AND segment_job IS NOT NULL")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new SegmentFallback(rs.getString(1), rs.getLong(2)) : null;
      }
    }
  }

  /** Where a recommendations batch's segment fallback lists apply: {@code segmentJob}'s current customers. */
  public record SegmentFallback(String segmentJob, long segments) {}

  /** Batch {@code batchId}, if it exists. */
  public static Optional<BatchInfo> byId(Connection c, Dialect d, long batchId) throws SQLException {
    List<BatchInfo> found = query(c, d, " WHERE batch_id = ?", batchId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Batches of {@code job} (every job when null), newest first. */
  public static List<BatchInfo> ofJob(Connection c, Dialect d, String job) throws SQLException {
    return job == null ? query(c, d, " ORDER BY batch_id DESC") : query(c, d, " WHERE job = ? ORDER BY batch_id DESC", job);
  }

  /**
   * The current batch of {@code job}, if any: the full batch {@code larder_current.batch_id} points at (the base of
   * the job's refreshes, see {@link #currentRefresh}).
   */
  public static Optional<BatchInfo> current(Connection c, Dialect d, String job) throws SQLException {
    List<BatchInfo> found = query(c, d, " WHERE job = ? AND is_current AND base_batch_id IS NULL", job);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * The refresh of {@code job}'s current batch that serves with it ({@code larder_current.refresh_id}, schema
   * version 10), if any: the newest lists of the users it re-scored, and their as-of time.
   */
  public static Optional<BatchInfo> currentRefresh(Connection c, Dialect d, String job) throws SQLException {
    List<BatchInfo> found = query(c, d, " WHERE job = ? AND is_current AND base_batch_id IS NOT NULL", job);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The ids of every refresh of base batch {@code baseBatchId}, whatever their status. */
  public static List<Long> refreshesOf(Connection c, long baseBatchId) throws SQLException {
    List<Long> out = new java.util.ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT batch_id FROM larder_batch WHERE base_batch_id = ?")) {
      ps.setLong(1, baseBatchId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }

  /** The base batch of refresh {@code batchId}, or null when it is a full batch or does not exist. */
  public static Long baseOf(Connection c, long batchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT base_batch_id FROM larder_batch WHERE batch_id = ?")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        long base = rs.getLong(1);
        return rs.wasNull() ? null : base;
      }
    }
  }

  /**
   * When each run of {@code job} that has ended finished (published or failed), by batch id: schema version 6
   * records it (a column of larder_batch, not of the view, whose columns applications rely on); runs that ended
   * before are absent.
   */
  public static Map<Long, Instant> finishedAt(Connection c, Dialect d, String job) throws SQLException {
    Map<Long, Instant> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT batch_id, finished_at FROM larder_batch WHERE job = ? AND finished_at IS NOT NULL")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.put(rs.getLong(1), d.getInstant(rs, "finished_at"));
      }
    }
    return out;
  }

  /** Jobs that have a current batch, sorted. */
  public static List<String> servingJobs(Connection c) throws SQLException {
    List<String> jobs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT job FROM larder_batches WHERE is_current AND base_batch_id IS NULL ORDER BY job");
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
    return showCrashed(c, d, out);
  }

  /**
   * Shows a 'staging' batch whose run has died as 'failed', with a message starting "crashed:": its job's
   * lock is gone, its holder is dead ({@link LockHolder#judge}), or a newer run of the job is staging.
   * The table keeps 'staging' until the job's next run marks it failed and removes its rows (readers
   * do not write, and may not be allowed to).
   */
  static List<BatchInfo> showCrashed(Connection c, Dialect d, List<BatchInfo> batches) throws SQLException {
    if (batches.stream().noneMatch(b -> STAGING.equals(b.status()))) return batches;
    Map<String, LockHolder> locks = LockHolder.all(c, d);
    Map<String, Long> newestStaging = newestStaging(c);
    Instant now = Schema.now();
    List<BatchInfo> out = new ArrayList<>(batches.size());
    for (BatchInfo b : batches) {
      if (!STAGING.equals(b.status())) {
        out.add(b);
        continue;
      }
      LockHolder lock = locks.get(b.job());
      String why;
      if (lock == null) {
        why = "its run ended without publishing or recording a failure, and holds no lock";
      } else if (newestStaging.getOrDefault(b.job(), b.id()) > b.id()) {
        why = "a newer run of the job has started";
      } else {
        LockHolder.Verdict v = lock.judge(now);
        if (v.running()) {
          out.add(b);
          continue;
        }
        why = "its run (" + lock.owner() + ") is gone: " + v.why();
      }
      out.add(new BatchInfo(b.id(), b.job(), b.kind(), b.model(), b.params(), b.metrics(), b.createdAt(),
          b.publishedAt(), FAILED, b.rows(), b.secondaryRows(), b.keys(),
          "crashed: " + why + "; the job's next run removes its rows", b.inputRows(), b.dataUntil(), b.baseBatchId()));
    }
    return out;
  }

  private static Map<String, Long> newestStaging(Connection c) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT job, MAX(batch_id) FROM larder_batch WHERE status = 'staging' GROUP BY job");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }
}
