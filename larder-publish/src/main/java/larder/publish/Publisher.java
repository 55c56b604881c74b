package larder.publish;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;
import larder.core.ConfigException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.Dialect;
import larder.store.Schema;
import larder.store.SqlWork;
import larder.store.Store;

/**
 * Writes batches into a {@link Store} and switches each job's current batch atomically.
 *
 * <pre>{@code
 * Publisher pub = new Publisher(store);
 * try (BatchLoader b = pub.begin("shop", BatchKind.RECOMMENDATIONS, "als", BatchParams.of(Map.of("factors", 64)))) {
 *   RecommendationWriter w = b.recommendations();
 *   model.scoreAll(w.userSink(users, items));               // thread-safe: hand it to the scorers
 *   w.writeFallback(popular, scores, 100, items);
 *   w.setSegmentJob("shop-segments");                       // optional: per-segment fallback lists
 *   w.writeSegmentFallback(3, popularIn3, scores3, 100, items);
 *   b.setMetrics(BatchMetrics.of(evaluation));
 *   BatchInfo published = b.publish(3);                     // switch, keep the last 3
 * }                                                         // closing without publish = failed run
 *
 * try (BatchLoader b = pub.begin("shop-segments", BatchKind.SEGMENTS, "kmeans", BatchParams.of(Map.of("k", 6)))) {
 *   b.segments().writeAssignment(assignment);               // bulk-loaded like the lists
 *   b.segments().writeProfiles(profiles);
 *   b.segments().writeTransitions(transitions);
 *   b.publish(3);
 * }
 *
 * try (BatchLoader b = pub.begin("shop-churn", BatchKind.SCORES, "churn-xgb", BatchParams.NONE)) {
 *   b.scores().write(scores);                               // one score (and label) per entity
 *   b.publish(3);
 * }
 * }</pre>
 *
 * <h2>Life of a batch</h2>
 * {@code begin} refuses a kind other than the one the job has published, takes the
 * job's lock and records the batch as 'staging'. {@code publish} finishes the load and then, in one
 * transaction, marks the previous current batch 'superseded', this one 'published' and points
 * {@code larder_current} at it: readers of the views see the old batch or the new one, never a mix. It
 * then retires the batches the job no longer keeps. A run that fails or is closed without publishing
 * removes its rows, is marked 'failed' with the reason, and leaves the current batch serving. Every path
 * releases the lock.
 *
 * <h2>Keep and rollback</h2>
 * Defined in one place, {@link ServingHistory}: {@code publish(keep)} keeps the current batch plus the
 * {@code keep - 1} superseded batches that served most recently (each batch records when it stopped
 * serving), and retires the others: a batch rolled back to and then replaced outlives the newer batches it
 * was rolled back from. {@link #rollback(String)} points the job at the newest kept batch older than the
 * current one; the batch rolled back from becomes 'superseded' (with a message saying so) and stays kept,
 * so rolling back twice goes back two batches, and {@link #rollback(String, long)} can return to any kept
 * batch, newer ones included. A batch's {@code published_at} is when it first became current; rollback
 * does not change it.
 *
 * <h2>Refreshes</h2>
 * {@link #beginRefresh} re-scores only the users with new interactions: under the job's lock, against the batch
 * the job serves (its base), it publishes their new lists in one transaction ({@link RefreshLoader}) without
 * copying anyone else's. The base keeps serving with its latest refresh; a full run starts a new base with none;
 * rollback and keep count full batches only ({@link ServingHistory}).
 *
 * <h2>Crashes and stops</h2>
 * A run's lock names its process and carries a lease that the run renews ({@link JobLock}): the next run
 * takes over at once the lock of a process that is gone from this machine, and after
 * {@link PublishOptions#lockLease} the lock of one on another host; it marks the dead run's batch failed
 * ("crashed") and drops its rows. {@link #stopRuns} stops the runs of a process being stopped (SIGINT,
 * SIGTERM): their batches are marked failed with the reason and their locks released, within a deadline.
 */
public final class Publisher {
  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final AtomicLong RUNS = new AtomicLong();

  private final Store store;
  private final PublishOptions options;
  private final Progress progress;
  private final Set<BatchLoader> open = ConcurrentHashMap.newKeySet();
  private final Set<RefreshLoader> openRefreshes = ConcurrentHashMap.newKeySet();
  private volatile String stopReason;

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
   * @param kind what the batch holds; a job keeps the kind of its first published batch
   * @param params the model's parameters, with the YAML's key names (null = none)
   * @throws StoreException when another run of the job holds a lock that is not stale
   * @throws ConfigException when the job name is not letters, digits, '-', '_' or '.', or the job has
   *     published batches of another kind
   */
  public BatchLoader begin(String job, BatchKind kind, String model, BatchParams params) {
    checkJobName(job);
    if (kind == null) throw new ConfigException("kind", null, "must be one of " + String.join(", ", BatchKind.texts()));
    if (model == null || model.isBlank()) throw new ConfigException("model", model, "must not be empty");
    BatchKind published = publishedKind(job);
    if (published != null && published != kind) {
      // the views and readers of a job assume one kind: a segments batch would leave 'recommendations'
      // readers with no lists, and a rollback could cross kinds
      throw new ConfigException("kind", kind.text(), "job '" + job + "' has published '" + published
          + "' batches; it cannot publish '" + kind + "' batches",
          "publish the " + kind + " under a job name of their own, e.g. '" + job + "-" + kind + "'");
    }
    Started<Long> started = lockAndRecord(job, "record a new batch of job '" + job + "'", c -> {
      Dialect d = store.dialect();
      try (PreparedStatement ps = d.prepareReturningKey(c, "INSERT INTO larder_batch (job, kind, model, params, metrics,"
          + " created_at, status) VALUES (?, ?, ?, ?, '{}', ?, 'staging')", "batch_id")) {
        ps.setString(1, job);
        ps.setString(2, kind.text());
        ps.setString(3, model);
        ps.setString(4, (params == null ? BatchParams.NONE : params).toJson());
        d.setInstant(ps, 5, Schema.now());
        return d.insertedKey(ps);
      }
    }, id -> id);
    long batchId = started.record();
    JobLock lock = started.lock();
    BatchLoader batch = new BatchLoader(this, job, kind, batchId, lock, options.queueLists(), progress);
    open.add(batch);
    String stop = stopReason;
    if (stop != null) {
      // stopped while this run began: the stop may not have seen it
      batch.fail(stop);
      throw stopped(job, stop);
    }
    return batch;
  }

  /**
   * Starts a refresh of {@code job} (schema version 10): takes the job's lock as a full run does, reads the batch
   * the job serves (the base) and its current refresh, and records a 'staging' recommendations batch against that
   * base. The refresh then takes the new lists of the users it re-scored and publishes them over the base
   * ({@link RefreshLoader}).
   *
   * @param params what the refresh ran with, with the YAML's key names (null = none)
   * @throws StoreException when another run of the job holds its lock (the message names the holder), or the job
   *     serves no recommendations batch to refresh
   */
  public RefreshLoader beginRefresh(String job, String model, BatchParams params) {
    checkJobName(job);
    if (model == null || model.isBlank()) throw new ConfigException("model", model, "must not be empty");
    Started<RefreshLoader.Start> started = lockAndRecord(job, "record a refresh of job '" + job + "'",
        c -> RefreshLoader.record(c, store.dialect(), job, model, params == null ? BatchParams.NONE : params),
        RefreshLoader.Start::batchId);
    RefreshLoader.Start start = started.record();
    JobLock lock = started.lock();
    RefreshLoader refresh = new RefreshLoader(this, job, start, lock);
    openRefreshes.add(refresh);
    String stop = stopReason;
    if (stop != null) {
      // stopped while this refresh began: the stop may not have seen it
      refresh.fail(stop);
      throw stopped(job, stop);
    }
    return refresh;
  }

  /** A run's lock and the batch row it recorded under it. */
  private record Started<R>(JobLock lock, R record) {}

  /**
   * What every run does first, full or refresh: refuses once the process is stopping, takes the job's lock, records
   * the run's 'staging' batch with {@code record}, and marks failed (rows dropped) every older staging batch of the
   * job: holding the lock, those belong to runs that died or lost it.
   *
   * @param batchIdOf the new batch's id in what {@code record} returned
   */
  private <R> Started<R> lockAndRecord(String job, String what, SqlWork<R> record, ToLongFunction<R> batchIdOf) {
    String stop = stopReason;
    if (stop != null) throw stopped(job, stop);
    JobLock lock = JobLock.acquire(store, job, options.owner() + "#" + RUNS.incrementAndGet(), options.lockLease());
    if (lock.takenOver() != null) progress.note("publish", "job '" + job + "': took over the lock of " + lock.takenOver());
    R recorded;
    long batchId;
    List<Long> abandoned;
    try {
      recorded = store.write(what, record);
      batchId = batchIdOf.applyAsLong(recorded);
      abandoned = store.read("find abandoned runs of job '" + job + "'", c -> ServingHistory.ids(c,
          "SELECT batch_id FROM larder_batch WHERE job = ? AND status = 'staging' AND batch_id < ?", job, batchId));
      // rows a process died while removing (MySQL: shared row tables, deleted in chunks)
      store.dialect().dropLeftovers(store, job);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    String whose = lock.takenOver() == null ? "" : " (" + lock.takenOver() + ")";
    for (long id : abandoned) {
      store.dropRows(id);
      markFailed(id, "crashed: its run" + whose + " ended without publishing; batch " + batchId
          + " took over the job's lock", null);
    }
    return new Started<>(lock, recorded);
  }

  /**
   * Stops every run this publisher has begun and not finished, full runs and refreshes, because the process is
   * stopping (a signal): each unpublished batch is marked failed with {@code reason}, its rows dropped and its
   * lock released; a run already switching finishes its switch or is refused it, a refresh publishing finishes
   * its transaction. Later {@link #begin} and {@link #beginRefresh} calls fail. Waits for
   * each at most until {@code deadline} (System.nanoTime()); a run not settled by then is left to the next
   * run of its job, which takes the lock of a dead process over at once.
   *
   * @return what happened to each run
   */
  public List<Stopped> stopRuns(String reason, long deadlineNanos) {
    stopReason = reason;
    List<Running> runs = new ArrayList<>();
    for (BatchLoader w : List.copyOf(open)) runs.add(new Running(w.job(), w.batchId(), () -> w.stop(reason)));
    for (RefreshLoader r : List.copyOf(openRefreshes)) {
      runs.add(new Running(r.job(), r.batchId(), () -> r.stop(reason)));
    }
    List<Thread> threads = new ArrayList<>();
    List<Stopped> out = java.util.Collections.synchronizedList(new ArrayList<>());
    for (Running w : runs) {
      Thread t = new Thread(() -> out.add(new Stopped(w.job(), w.batchId(), w.stop().get())), "larder-stop-" + w.job());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (int i = 0; i < runs.size(); i++) {
      long left = deadlineNanos - System.nanoTime();
      try {
        if (left > 0) threads.get(i).join(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Stopped> settled = new ArrayList<>(out);
    for (Running w : runs) {
      if (settled.stream().noneMatch(s -> s.batchId() == w.batchId())) {
        settled.add(new Stopped(w.job(), w.batchId(), BatchLoader.Outcome.UNSETTLED));
      }
    }
    return settled;
  }

  /** A full run or a refresh {@link #stopRuns} stops, and how. */
  private record Running(String job, long batchId, java.util.function.Supplier<BatchLoader.Outcome> stop) {}

  /** What {@link #stopRuns} did to one run. */
  public record Stopped(String job, long batchId, BatchLoader.Outcome outcome) {}

  /** The reason runs were stopped, or null while they are not. */
  public String stopReason() { return stopReason; }

  /** A run that ended (published or failed) is no longer one {@link #stopRuns} has to stop. */
  void ended(BatchLoader w) {
    open.remove(w);
  }

  /** A refresh that ended (published or failed) is no longer one {@link #stopRuns} has to stop. */
  void ended(RefreshLoader r) {
    openRefreshes.remove(r);
  }

  private static StoreException stopped(String job, String reason) {
    return new StoreException("job '" + job + "' not run: " + reason, "run the job again", null);
  }

  /**
   * Points {@code job} back at the newest kept batch older than its current one, recorded as done by the
   * process's OS user ({@link #osUser}).
   *
   * @throws NotFoundException when the job has no current batch or nothing older is kept
   */
  public BatchInfo rollback(String job) {
    return rollback(job, -1, osUser());
  }

  /** {@link #rollback(String, long, String)} recorded as done by the process's OS user ({@link #osUser}). */
  public BatchInfo rollback(String job, long batchId) {
    return rollback(job, batchId, osUser());
  }

  /**
   * Who a rollback made in this process is recorded as when no one else is named: "user " and the OS user
   * ({@code larder rollback} on a terminal).
   */
  public static String osUser() {
    String name = System.getProperty("user.name");
    return "user " + (name == null || name.isBlank() ? "unknown" : name);
  }

  /**
   * Points {@code job} at kept batch {@code batchId} (a 'superseded' batch of that job, older or newer
   * than the current one; -1 for the newest kept batch older than the current one), and records who did it,
   * when, from and to in the rollback audit ({@link larder.store.Rollbacks}) in the same transaction. Returns
   * the batch unchanged, and records nothing, when it is already current.
   *
   * @param rolledBy a non-secret label of who asked, e.g. "key 1a2b3c4d5e6f" or "user alice"
   * @throws NotFoundException when the batch is not a kept batch of the job
   */
  public BatchInfo rollback(String job, long batchId, String rolledBy) {
    checkJobName(job);
    if (rolledBy == null || rolledBy.isBlank()) throw new IllegalArgumentException("a rollback names who asked for it");
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
      List<Long> kept = ServingHistory.kept(c, job);
      Long base = batchId < 0 ? null : Batches.baseOf(c, batchId);
      long to;
      if (batchId < 0) {
        long from = current;
        to = ServingHistory.rollbackTarget(kept, current).orElseThrow(() -> new NotFoundException("job '" + job
            + "' has no kept batch older than its current batch " + from + " to roll back to (kept: "
            + (kept.isEmpty() ? "none" : kept) + ")",
            kept.isEmpty() ? "publish with keep > 1 so that earlier batches are kept"
                : "roll forward to a newer kept batch by id, or publish a new batch"));
      } else if (batchId == current) {
        return current;
      } else if (base != null) {
        throw new NotFoundException("batch " + batchId + " is a refresh of batch " + base + "; roll back to " + base
            + ", which serves with its latest refresh", "a refresh serves only with its base: name the base batch");
      } else if (kept.contains(batchId)) {
        to = batchId;
      } else {
        throw new NotFoundException("batch " + batchId + " is not a kept batch of job '" + job
            + "' (current: " + current + ", kept: " + (kept.isEmpty() ? "none" : kept) + ")",
            "list the job's batches and pick a 'superseded' one");
      }
      ServingHistory.rollBack(c, d, job, current, to, rolledBy);
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
   * Retires the batches of {@code job} that {@code keep} no longer keeps ({@link ServingHistory}): status
   * 'retired' first (so no rollback can pick it), then its rows go.
   */
  List<Long> retire(String job, int keep) {
    List<Long> beyond = store.read("list the kept batches of job '" + job + "'",
        c -> ServingHistory.beyondKeep(c, job, keep));
    List<Long> retired = new ArrayList<>();
    for (long id : beyond) {
      boolean mine = store.write("retire batch " + id, c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE larder_batch SET status = 'retired' WHERE batch_id = ? AND status = 'superseded'")) {
          ps.setLong(1, id);
          if (ps.executeUpdate() != 1) return false;
        }
        // its refreshes' lists are its delta rows, which go with its rows
        try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'retired'"
            + " WHERE base_batch_id = ? AND status IN ('superseded', 'published')")) {
          ps.setLong(1, id);
          ps.executeUpdate();
        }
        return true;
      });
      if (mine) {
        store.dropRows(id);
        retired.add(id);
      }
    }
    return retired;
  }

  /** The kind of {@code job}'s newest batch that was ever published, or null when none was. */
  BatchKind publishedKind(String job) {
    return store.read("read the kind of job '" + job + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT kind FROM larder_batch WHERE job = ?"
          + " AND published_at IS NOT NULL ORDER BY batch_id DESC LIMIT 1")) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? BatchKind.stored(rs.getString(1)) : null;
        }
      }
    });
  }

  /** Marks a staging batch failed with {@code message}; rows must already be gone. */
  void markFailed(long batchId, String message, BatchMetrics metrics) {
    store.write("mark batch " + batchId + " failed", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'failed', message = ?,"
          + " metrics = COALESCE(?, metrics), rec_rows = 0, similar_rows = 0, users = 0, segments = 0,"
          + " finished_at = ? WHERE batch_id = ? AND status = 'staging'")) {
        ps.setString(1, message);
        ps.setString(2, metrics == null ? null : metrics.toJson());
        store.dialect().setInstant(ps, 3, Schema.now());
        ps.setLong(4, batchId);
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
}
