package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.LarderException;
import larder.core.ModelException;
import larder.core.StoreException;
import larder.store.Dialect;
import larder.store.RecDelta;
import larder.store.Schema;
import larder.store.Store;
import larder.store.UserHistories;

/**
 * One refresh of a job, from {@link Publisher#beginRefresh} to {@link #publish} (or {@link #fail}): the new lists
 * of the users whose interactions changed, published over the batch the job serves (its base) without copying
 * the lists of anyone else. It holds the job's lock and a 'staging' batch whose {@code base_batch_id} is the base,
 * and keeps the lists and histories in memory (a refresh re-scores a few thousand users, not the catalogue).
 *
 * <p>{@link #publish} is one write transaction: the lock still this run's, the base still current, the changed
 * users' delta rows replaced by their new lists and a rank-0 marker each ({@link RecDelta}), their histories
 * upserted ({@link UserHistories}), the batch published and made the job's current refresh
 * ({@link ServingHistory#switchRefresh}). Readers of {@code larder_recommendations} see each user's whole old
 * list or whole new list, never a mix, and untouched users' rows never change. A failure, or {@link #close}
 * without publish, marks the batch failed and changes nothing visible. Every path releases the lock.
 *
 * <pre>{@code
 * try (RefreshLoader r = pub.beginRefresh("shop", "als", params)) {
 *   Instant since = r.highWaterMark();                  // read source rows after it
 *   Map<String, byte[]> old = new UserHistories(store).read(r.baseBatchId(), changedUsers);
 *   r.putList("u42", items, scores, 10, itemIds);       // count 0: the user's list is now empty
 *   r.putHistory("u42", merged);
 *   r.setDataUntil(newest);
 *   r.publish();
 * }
 * }</pre>
 */
public final class RefreshLoader implements AutoCloseable {
  private enum State { OPEN, PUBLISHING, PUBLISHED, FAILED }

  /** What {@link #record} found and created: the staging batch and the state of the job it refreshes. */
  record Start(long batchId, long baseBatchId, Long refreshId, Instant highWaterMark, long baseUsers) {}

  private final Publisher publisher;
  private final Store store;
  private final String job;
  private final Start start;
  private final JobLock lock;
  private final Map<String, RecDelta.UserList> lists = new LinkedHashMap<>();
  private final Map<String, byte[]> histories = new LinkedHashMap<>();
  private State state = State.OPEN;
  /** Counted down once the refresh has ended: published, or failed with its lock released. */
  private final CountDownLatch ended = new CountDownLatch(1);
  /** Why {@link #stop} stopped the refresh, or null. */
  private volatile String stopReason;
  private Instant dataUntil;
  private Long inputRows;
  private BatchMetrics metrics;
  /**
   * Kill tests of {@code larder run --refresh} in a child process stop it here: with the system property set to
   * a number of milliseconds, {@link #publish} says so on stderr and sleeps inside its transaction, all written and
   * not yet committed ({@value #PAUSE_BEFORE_COMMIT}), or after the commit with the lock not yet released
   * ({@value #PAUSE_AFTER_COMMIT}). Unset, nothing happens.
   */
  static final String PAUSE_BEFORE_COMMIT = "larder.refresh.pauseBeforeCommitMillis";
  static final String PAUSE_AFTER_COMMIT = "larder.refresh.pauseAfterCommitMillis";

  /** Runs in the publishing transaction between deleting the old lists and inserting the new ones (tests). */
  private volatile Runnable betweenDeleteAndInsert = () -> {};

  RefreshLoader(Publisher publisher, String job, Start start, JobLock lock) {
    this.publisher = publisher;
    this.store = publisher.store();
    this.job = job;
    this.start = start;
    this.lock = lock;
  }

  /**
   * Reads the job's base and current refresh and inserts the staging batch, inside the caller's write transaction.
   *
   * @throws StoreException when the job serves no recommendations batch
   */
  static Start record(Connection c, Dialect d, String job, String model, BatchParams params) throws SQLException {
    long base;
    Long refresh;
    try (PreparedStatement ps = c.prepareStatement("SELECT c.batch_id, c.refresh_id, b.kind FROM larder_current c"
        + " JOIN larder_batch b ON b.batch_id = c.batch_id WHERE c.job = ?" + d.forUpdate())) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("job '" + job + "' has no published batch to refresh; run the job in full first",
              "a refresh re-scores the changed users against the batch the job serves", null);
        }
        base = rs.getLong(1);
        long r = rs.getLong(2);
        refresh = rs.wasNull() ? null : r;
        if (BatchKind.stored(rs.getString(3)) != BatchKind.RECOMMENDATIONS) {
          throw new StoreException("job '" + job + "' serves " + rs.getString(3) + " batches; only recommendations"
              + " are refreshed", "run the job in full", null);
        }
      }
    }
    Instant hwm = null;
    long users = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT batch_id, data_until, users FROM larder_batch"
        + " WHERE batch_id IN (?, ?)")) {
      ps.setLong(1, base);
      ps.setLong(2, refresh == null ? base : refresh);
      try (ResultSet rs = ps.executeQuery()) {
        Instant baseHwm = null, refreshHwm = null;
        while (rs.next()) {
          if (rs.getLong(1) == base) {
            baseHwm = d.getInstant(rs, "data_until");
            users = rs.getLong(3);
          } else {
            refreshHwm = d.getInstant(rs, "data_until");
          }
        }
        hwm = refresh != null && refreshHwm != null ? refreshHwm : baseHwm;
      }
    }
    long id;
    try (PreparedStatement ps = d.prepareReturningKey(c, "INSERT INTO larder_batch (job, kind, model, params, metrics,"
        + " created_at, status, base_batch_id) VALUES (?, ?, ?, ?, '{}', ?, 'staging', ?)", "batch_id")) {
      ps.setString(1, job);
      ps.setString(2, BatchKind.RECOMMENDATIONS.text());
      ps.setString(3, model);
      ps.setString(4, params.toJson());
      d.setInstant(ps, 5, Schema.now());
      ps.setLong(6, base);
      id = d.insertedKey(ps);
    }
    return new Start(id, base, refresh, hwm, users);
  }

  public String job() { return job; }

  /** This refresh's batch id. */
  public long batchId() { return start.batchId(); }

  /** The full batch the job served when the refresh began: the lists are published over it. */
  public long baseBatchId() { return start.baseBatchId(); }

  /** The refresh serving with the base when this one began, or null when none has since the base. */
  public Long refreshId() { return start.refreshId(); }

  /**
   * The newest interaction time the job's served lists were built from: the current refresh's {@code data_until},
   * else the base's; null when unknown (a source without timestamps). The refresh reads the source rows after it.
   */
  public Instant highWaterMark() { return start.highWaterMark(); }

  /** Users with a list in the base batch. */
  public long baseUsers() { return start.baseUsers(); }

  /**
   * The new list of {@code user}: the first {@code count} of {@code items} (dense ids named by {@code itemNames}),
   * with their scores, in rank order. {@code count} 0 empties the user's list (the base's no longer shows). A
   * second list of the same user replaces the first. Thread-safe.
   *
   * @throws ModelException when a score is not finite
   */
  public synchronized void putList(String user, int[] items, float[] scores, int count, IdMap itemNames) {
    checkOpen();
    if (user == null) throw new IllegalArgumentException("a list needs a user id");
    if (count < 0 || count > items.length || count > scores.length) {
      throw new IllegalArgumentException("count " + count + " does not fit the arrays (" + items.length + ", "
          + scores.length + ")");
    }
    List<String> names = new ArrayList<>(count);
    float[] s = new float[count];
    for (int i = 0; i < count; i++) {
      if (!Float.isFinite(scores[i])) {
        throw new ModelException(where() + ": user '" + user + "' rank " + (i + 1) + " has score " + scores[i],
            "the model produced a non-finite score; check its parameters and input");
      }
      names.add(itemNames.name(items[i]));
      s[i] = scores[i];
    }
    lists.put(user, new RecDelta.UserList(user, names, s));
  }

  /** The merged history of {@code user} for the base (opaque bytes), stored with the lists. Thread-safe. */
  public synchronized void putHistory(String user, byte[] history) {
    checkOpen();
    if (user == null || history == null) throw new IllegalArgumentException("a history needs a user id and bytes");
    histories.put(user, history.clone());
  }

  /** The newest interaction time the refresh read ({@code data_until}): the next refresh reads after it. */
  public synchronized void setDataUntil(Instant newest) {
    this.dataUntil = newest == null ? null : newest.truncatedTo(ChronoUnit.MICROS);
  }

  /** Source rows the refresh read and kept ({@code input_rows}). */
  public synchronized void setInputRows(long rows) {
    if (rows < 0) throw new IllegalArgumentException("input rows " + rows + " is below 0");
    this.inputRows = rows;
  }

  public synchronized void setMetrics(BatchMetrics measured) {
    this.metrics = measured;
  }

  /** For tests: {@code hook} runs inside the publishing transaction, after the delete and before the insert. */
  void betweenDeleteAndInsert(Runnable hook) {
    this.betweenDeleteAndInsert = hook;
  }

  /**
   * Publishes the lists and histories in one transaction (see the class comment), then releases the lock.
   *
   * @return the published refresh
   * @throws StoreException when the lock is no longer this run's, the base is no longer current, or the store
   *     failed; the refresh is then marked failed and what served keeps serving
   */
  public BatchInfo publish() {
    synchronized (this) {
      checkOpen();
      state = State.PUBLISHING;
    }
    Dialect d = store.dialect();
    try {
      store.write("publish refresh " + batchId() + " of job '" + job + "'", c -> {
        String holder = JobLock.owner(c, d, job);
        if (!lock.owner().equals(holder)) {
          throw new StoreException(where() + ": the job's lock is now held by " + (holder == null ? "nobody" : holder)
              + ", so this refresh may not publish", "another run took the lock over; run the refresh again", null);
        }
        Long served = null;
        Long previous = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT batch_id, refresh_id FROM larder_current WHERE job = ?"
            + d.forUpdate())) {
          ps.setString(1, job);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              served = rs.getLong(1);
              long r = rs.getLong(2);
              previous = rs.wasNull() ? null : r;
            }
          }
        }
        if (served == null || served != baseBatchId()) {
          throw new StoreException(where() + ": batch " + baseBatchId() + " is no longer current (job '" + job
              + "' serves " + (served == null ? "nothing" : "batch " + served) + ")",
              "a rollback moved the job while the refresh ran; run the refresh again", null);
        }
        RecDelta.delete(c, d, baseBatchId(), lists.keySet());
        betweenDeleteAndInsert.run();
        long rows = RecDelta.insert(c, d, baseBatchId(), batchId(), lists.values());
        UserHistories.upsert(c, d, baseBatchId(), histories);
        long users = lists.values().stream().filter(l -> l.scores().length > 0).count();
        try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET rec_rows = ?, users = ?,"
            + " metrics = COALESCE(?, metrics), input_rows = ?, data_until = ? WHERE batch_id = ?")) {
          ps.setLong(1, rows);
          ps.setLong(2, users);
          ps.setString(3, metrics == null ? null : metrics.toJson());
          if (inputRows == null) ps.setNull(4, Types.BIGINT);
          else ps.setLong(4, inputRows);
          d.setInstant(ps, 5, dataUntil);
          ps.setLong(6, batchId());
          ps.executeUpdate();
        }
        ServingHistory.switchRefresh(c, d, job, previous, batchId());
        pause(PAUSE_BEFORE_COMMIT, "before the commit");
        return null;
      });
      synchronized (this) {
        state = State.PUBLISHED;
      }
      pause(PAUSE_AFTER_COMMIT, "after the commit");
    } catch (RuntimeException e) {
      synchronized (this) {
        state = State.OPEN;
      }
      fail(e);
      throw e instanceof LarderException ? e : new StoreException("store " + store.name() + ": publishing "
          + where() + " failed: " + e, "the current lists are still serving", e);
    }
    try {
      lock.close();
    } finally {
      end();
    }
    return publisher.info(batchId());
  }

  /** Gives up the refresh: marked 'failed' with the cause, the lock released; nothing visible changed. */
  public void fail(Throwable cause) {
    fail(cause == null ? "failed" : cause.getMessage() == null ? cause.toString() : cause.getMessage());
  }

  /** {@link #fail(Throwable)}, returning the cause to throw; a failure to mark it is attached to it. */
  public <E extends Throwable> E failedBy(E cause) {
    try {
      fail(cause);
    } catch (RuntimeException markFailed) {
      cause.addSuppressed(markFailed);
    }
    return cause;
  }

  /** Gives up the refresh with {@code message}; no-op once published or failed. */
  public void fail(String message) {
    synchronized (this) {
      if (state != State.OPEN) return;
      state = State.FAILED;
    }
    try {
      publisher.markFailed(batchId(), message, metrics);
    } finally {
      try {
        lock.close();
      } finally {
        end();
      }
    }
  }

  /**
   * Stops the refresh because the process is stopping ({@link Publisher#stopRuns}): one not yet publishing is
   * failed with {@code reason} and its lock released; one publishing finishes its transaction, committed or not.
   * Returns once the refresh has ended.
   */
  BatchLoader.Outcome stop(String reason) {
    stopReason = reason;
    try {
      fail(reason); // no-op once publishing: its transaction decides
    } catch (RuntimeException e) {
      return BatchLoader.Outcome.UNSETTLED; // the store refused; the job's next run takes the dead lock over
    }
    try {
      ended.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return BatchLoader.Outcome.UNSETTLED;
    }
    synchronized (this) {
      return state == State.PUBLISHED ? BatchLoader.Outcome.PUBLISHED : BatchLoader.Outcome.FAILED;
    }
  }

  private void end() {
    publisher.ended(this);
    ended.countDown();
  }

  /** Fails the refresh unless it was published. */
  @Override public void close() {
    fail("closed without publishing");
  }

  /** See {@link #PAUSE_BEFORE_COMMIT}. */
  private void pause(String property, String where) {
    long millis = Long.getLong(property, 0L);
    if (millis <= 0) return;
    System.err.println("larder: " + property + ": " + where() + " pauses " + millis + " ms " + where);
    System.err.flush();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    String stop = stopReason;
    if (stop != null && state == State.FAILED) {
      throw new StoreException(where() + " not published: " + stop, "run the refresh again; the previous lists"
          + " keep serving", null);
    }
    if (state != State.OPEN) {
      throw new IllegalStateException(where() + " is " + state.name().toLowerCase() + "; nothing more can be added");
    }
  }

  private String where() {
    return "refresh " + batchId() + " of job '" + job + "'";
  }
}
