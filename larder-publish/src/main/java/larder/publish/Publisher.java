package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.Dialect;
import larder.store.Schema;
import larder.store.Store;

/**
 * Writes batches into a {@link Store} and switches each job's current batch atomically.
 *
 * <pre>{@code
 * Publisher pub = new Publisher(store);
 * try (BatchWriter w = pub.begin("shop", "recommendations", "als", "{\"factors\":64}")) {
 *   TopNSink sink = w.recommendationSink(users, items);   // thread-safe: hand it to the scorers
 *   model.scoreAll(sink);
 *   w.writeFallback(popular, scores, 100, items);
 *   w.setSegmentJob("shop-segments");                       // optional: per-segment fallback lists
 *   w.writeSegmentFallback(3, popularIn3, scores3, 100, items);
 *   w.setMetrics("{\"ndcg@10\":0.31}");
 *   BatchInfo b = w.publish(3);                             // switch, keep the last 3
 * }                                                         // closing without publish = failed run
 *
 * try (BatchWriter w = pub.begin("shop-segments", "segments", "kmeans", "{\"k\":6}")) {
 *   w.writeSegments(assignment);                            // bulk-loaded like the lists
 *   w.writeProfiles(profiles);
 *   w.writeTransitions(transitions);
 *   w.publish(3);
 * }
 *
 * try (BatchWriter w = pub.begin("shop-churn", "scores", "churn-xgb", "{}")) {
 *   w.writeScores(scores);                                  // one score (and label) per entity
 *   w.publish(3);
 * }
 * }</pre>
 *
 * <h2>Life of a batch</h2>
 * {@code begin} refuses an unknown kind and a kind other than the one the job has published, takes the
 * job's lock and records the batch as 'staging'. {@code publish} finishes the load and then, in one
 * transaction, marks the previous current batch 'superseded', this one 'published' and points
 * {@code larder_current} at it: readers of the views see the old batch or the new one, never a mix. It
 * then retires the batches the job no longer keeps. A run that fails or is closed without publishing
 * removes its rows, is marked 'failed' with the reason, and leaves the current batch serving. Every path
 * releases the lock.
 *
 * <h2>Keep and rollback</h2>
 * {@code publish(keep)} keeps the current batch plus the newest {@code keep - 1} other
 * published/superseded ones; older ones become 'retired' and their rows are dropped. {@link
 * #rollback(String)} points the job at the newest kept batch older than the current one; the batch
 * rolled back from becomes 'superseded' (with a message saying so) and stays kept, so rolling back twice
 * goes back two batches, and {@link #rollback(String, long)} can return to any kept batch, newer ones
 * included. A batch's {@code published_at} is when it first became current; rollback does not change it.
 */
public final class Publisher {
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final AtomicLong RUNS = new AtomicLong();

  private final Store store;
  private final PublishOptions options;
  private final Progress progress;

  public Publisher(Store store) {
    this(store, PublishOptions.DEFAULTS, Progress.NONE);
  }

  public Publisher(Store store, PublishOptions options, Progress progress) {
    this.store = store;
    this.options = options;
    this.progress = progress;
  }

  public Store store() { return store; }

  /**
   * Starts a run of {@code job}: takes its lock and records a 'staging' batch.
   *
   * @param kind what the batch holds: "recommendations", "segments" or "scores" ({@link Batches#KINDS});
   *     a job keeps the kind of its first published batch
   * @param paramsJson the model parameters as JSON text (null = "{}")
   * @throws StoreException when another run of the job holds a lock that is not stale
   * @throws ConfigException when the job name is not letters, digits, '-', '_' or '.', the kind is not
   *     one of {@link Batches#KINDS}, or the job has published batches of another kind
   */
  public BatchWriter begin(String job, String kind, String model, String paramsJson) {
    checkJobName(job);
    if (kind == null || kind.isBlank()) throw new ConfigException("kind", kind, "must not be empty");
    if (!Batches.KINDS.contains(kind)) {
      // the writer, the views and the readers know these kinds only; another would publish nothing readable
      throw new ConfigException("kind", kind, "is not one of " + String.join(", ", Batches.KINDS));
    }
    if (model == null || model.isBlank()) throw new ConfigException("model", model, "must not be empty");
    String published = publishedKind(job);
    if (published != null && !published.equals(kind)) {
      // the views and readers of a job assume one kind: a segments batch would leave 'recommendations'
      // readers with no lists, and a rollback could cross kinds
      throw new ConfigException("kind", kind, "job '" + job + "' has published '" + published
          + "' batches; it cannot publish '" + kind + "' batches",
          "publish the " + kind + " under a job name of their own, e.g. '" + job + "-" + kind + "'");
    }
    String owner = options.owner() + "#" + RUNS.incrementAndGet();
    String takenOver = JobLock.acquire(store, job, owner, options.staleLockAfter());
    if (takenOver != null) progress.note("publish", "job '" + job + "': took over a stale lock of " + takenOver);
    long batchId;
    List<Long> abandoned;
    try {
      Dialect d = store.dialect();
      batchId = store.write("record a new batch of job '" + job + "'", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_batch (job, kind, model, params, metrics,"
            + " created_at, status) VALUES (?, ?, ?, ?, '{}', ?, 'staging') RETURNING batch_id")) {
          ps.setString(1, job);
          ps.setString(2, kind);
          ps.setString(3, model);
          ps.setString(4, paramsJson == null ? "{}" : paramsJson);
          d.setInstant(ps, 5, Schema.now());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        }
      });
      abandoned = store.read("find abandoned runs of job '" + job + "'", c -> ids(c,
          "SELECT batch_id FROM larder_batch WHERE job = ? AND status = 'staging' AND batch_id < ?", job, batchId));
    } catch (RuntimeException e) {
      JobLock.release(store, job, owner);
      throw e;
    }
    // we hold the lock, so any older staging batch belongs to a run that died or lost a stale lock
    for (long id : abandoned) {
      store.dropRows(id);
      markFailed(id, "abandoned: its run ended without publishing and a later run took over the lock", null);
    }
    return new BatchWriter(this, job, kind, batchId, owner, options.queueLists(), progress);
  }

  /**
   * Points {@code job} back at the newest kept batch older than its current one.
   *
   * @throws NotFoundException when the job has no current batch or nothing older is kept
   */
  public BatchInfo rollback(String job) {
    return rollback(job, -1);
  }

  /**
   * Points {@code job} at kept batch {@code batchId} (a 'superseded' batch of that job, older or newer
   * than the current one). Returns the batch unchanged when it is already current.
   *
   * @throws NotFoundException when the batch is not a kept batch of the job
   */
  public BatchInfo rollback(String job, long batchId) {
    checkJobName(job);
    Dialect d = store.dialect();
    long target = store.write("roll back job '" + job + "'", c -> {
      Long current = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT batch_id FROM larder_current WHERE job = ?" + d.forUpdate())) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) current = rs.getLong(1);
        }
      }
      if (current == null) {
        throw new NotFoundException("job '" + job + "' has no current batch to roll back; known jobs: "
            + known(Batches.servingJobs(c)), "check the job name");
      }
      List<Long> kept = ids(c, "SELECT batch_id FROM larder_batch WHERE job = ? AND status = 'superseded'"
          + " ORDER BY batch_id DESC", job);
      long to;
      if (batchId < 0) {
        to = -1;
        for (long id : kept) {
          if (id < current) {
            to = id;
            break;
          }
        }
        if (to < 0) {
          throw new NotFoundException("job '" + job + "' has no kept batch older than its current batch " + current
              + " to roll back to (kept: " + (kept.isEmpty() ? "none" : kept) + ")",
              kept.isEmpty() ? "publish with keep > 1 so that earlier batches are kept"
                  : "roll forward to a newer kept batch by id, or publish a new batch");
        }
      } else if (batchId == current) {
        return current;
      } else if (kept.contains(batchId)) {
        to = batchId;
      } else {
        throw new NotFoundException("batch " + batchId + " is not a kept batch of job '" + job
            + "' (current: " + current + ", kept: " + (kept.isEmpty() ? "none" : kept) + ")",
            "list the job's batches and pick a 'superseded' one");
      }
      switchCurrent(c, d, job, current, to, "rolled back to batch " + to);
      return to;
    });
    return info(target);
  }

  /** Removes {@code job}'s lock whoever holds it (for a run known to be dead); true when there was one. */
  public boolean breakLock(String job) {
    checkJobName(job);
    return store.write("remove the lock of job '" + job + "'", c -> JobLock.delete(c, job, null));
  }

  /** Rejects job names that are not 1-100 letters, digits, '-', '_' or '.'. */
  public static void checkJobName(String job) {
    if (job == null || !JOB_NAME.matcher(job).matches()) {
      throw new ConfigException("job", job, "must be 1-100 letters, digits, '-', '_' or '.'",
          "rename the job, e.g. 'shop-recs'");
    }
  }

  /**
   * Makes {@code to} the current batch of {@code job} inside the caller's write transaction: the old
   * current ({@code from}, may be null) becomes 'superseded' with {@code fromMessage}.
   */
  static void switchCurrent(Connection c, Dialect d, String job, Long from, long to, String fromMessage)
      throws SQLException {
    if (from != null) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE larder_batch SET status = 'superseded', message = ? WHERE batch_id = ?")) {
        ps.setString(1, fromMessage);
        ps.setLong(2, from);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE larder_batch SET status = 'published', message = NULL,"
            + " published_at = COALESCE(published_at, ?) WHERE batch_id = ? AND status IN ('staging', 'superseded')")) {
      d.setInstant(ps, 1, Schema.now());
      ps.setLong(2, to);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("batch " + to + " was retired or changed by another process while switching to it");
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_current (job, batch_id, switched_at)"
        + " VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE SET batch_id = excluded.batch_id,"
        + " switched_at = excluded.switched_at")) {
      ps.setString(1, job);
      ps.setLong(2, to);
      d.setInstant(ps, 3, Schema.now());
      ps.executeUpdate();
    }
  }

  /**
   * Retires every published/superseded batch of {@code job} beyond the current one and the newest
   * {@code keep - 1} others: status 'retired' first (so no rollback can pick it), then its rows go.
   */
  List<Long> retire(String job, int keep) {
    List<Long> kept = store.read("list the kept batches of job '" + job + "'", c -> ids(c,
        "SELECT batch_id FROM larder_batch WHERE job = ? AND status = 'superseded' ORDER BY batch_id DESC", job));
    List<Long> retired = new ArrayList<>();
    for (int i = keep - 1; i < kept.size(); i++) {
      long id = kept.get(i);
      boolean mine = store.write("retire batch " + id, c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE larder_batch SET status = 'retired' WHERE batch_id = ? AND status = 'superseded'")) {
          ps.setLong(1, id);
          return ps.executeUpdate() == 1;
        }
      });
      if (mine) {
        store.dropRows(id);
        retired.add(id);
      }
    }
    return retired;
  }

  /** The kind of {@code job}'s newest batch that was ever published, or null when none was. */
  String publishedKind(String job) {
    return store.read("read the kind of job '" + job + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT kind FROM larder_batch WHERE job = ?"
          + " AND published_at IS NOT NULL ORDER BY batch_id DESC LIMIT 1")) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
  }

  /** Marks a staging batch failed with {@code message}; rows must already be gone. */
  void markFailed(long batchId, String message, String metrics) {
    store.write("mark batch " + batchId + " failed", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'failed', message = ?,"
          + " metrics = COALESCE(?, metrics), rec_rows = 0, similar_rows = 0, users = 0, segments = 0"
          + " WHERE batch_id = ? AND status = 'staging'")) {
        ps.setString(1, message);
        ps.setString(2, metrics);
        ps.setLong(3, batchId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  BatchInfo info(long batchId) {
    return store.read("read batch " + batchId, c -> Batches.byId(c, store.dialect(), batchId))
        .orElseThrow(() -> new StoreException("store " + store.name() + ": batch " + batchId + " vanished",
            "another process may have removed it", null));
  }

  static String known(List<String> jobs) {
    return jobs.isEmpty() ? "none (nothing has been published yet)" : String.join(", ", jobs);
  }

  private static List<Long> ids(Connection c, String sql, Object... args) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
