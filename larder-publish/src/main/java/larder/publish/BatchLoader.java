package larder.publish;

import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.ConfigException;
import larder.core.LarderException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.store.Dialect;
import larder.store.Events;
import larder.store.PartitionedLoad;
import larder.store.RowTable;
import larder.store.Store;

/**
 * One run's batch, from {@link Publisher#begin} to {@link #publish} (or {@link #fail}): what every kind of
 * batch shares. It holds the job's lock, the 'staging' batch and the way its rows arrive ({@link BatchRows});
 * {@link #publish} finishes the rows, checks that the lock is still the run's, stores the batch's sizes and
 * metrics and switches the job to it in one transaction, then retires what the job no longer keeps. A failure
 * anywhere, or a stop of the process ({@link Publisher#stopRuns}), drops the rows, marks the batch failed and
 * releases the lock; the previous batch keeps serving. Nothing is visible before {@link #publish}.
 *
 * <p>The rows themselves go through the writer of the batch's kind: {@link #recommendations()},
 * {@link #segments()} or {@link #scores()}, which check and format them and queue them for one writer thread
 * that bulk-loads them (see {@link QueuedRows}). Those writers are thread-safe; a failure of the writer
 * thread is thrown, as a StoreException, from the next row handed over and from {@link #publish}.
 */
public final class BatchLoader implements AutoCloseable {
  private enum State { OPEN, PUBLISHING, PUBLISHED, FAILED }

  /** What {@link #stop} made of a run: marked failed, already published, or not recorded (in time). */
  public enum Outcome { FAILED, PUBLISHED, UNSETTLED }

  private final Publisher publisher;
  private final Store store;
  private final String job;
  private final BatchKind kind;
  private final long batchId;
  private final java.util.List<Runnable> beforeSwitch = new java.util.ArrayList<>();
  private final JobLock lock;
  private final Progress progress;
  private final BatchRows rows;
  private final KindWriter content;
  /** Counted down once the run has ended: published, or failed with its rows dropped and its lock released. */
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String stopReason;
  private volatile State state = State.OPEN;
  private volatile BatchMetrics metrics;
  private volatile larder.core.BatchParams params;
  private volatile Long inputRows;
  private volatile Instant dataUntil;
  // row tables loaded in parts by other processes (loadInParts), verified and attached by publish; the set is
  // read on every queued chunk, so it is replaced, never changed in place
  private final Map<RowTable, PartitionedLoad> inParts = new EnumMap<>(RowTable.class);
  private volatile Set<RowTable> partTables = Set.of();

  BatchLoader(Publisher publisher, String job, BatchKind kind, long batchId, JobLock lock, int queueChunks,
      Progress progress) {
    this.publisher = publisher;
    this.store = publisher.store();
    this.job = job;
    this.kind = kind;
    this.batchId = batchId;
    this.lock = lock;
    this.progress = progress;
    QueuedRows queued = new QueuedRows(store, batchId, job, queueChunks, progress);
    this.rows = queued;
    this.content = switch (kind) {
      case RECOMMENDATIONS -> new RecommendationWriter(this, queued);
      case SEGMENTS -> new SegmentWriter(this, queued);
      case SCORES -> new ScoreWriter(this, queued);
    };
  }

  public String job() { return job; }

  public long batchId() { return batchId; }

  /**
   * Where the batch's store lives: what processes loading parts of it ({@link larder.store.PartWriter}) connect
   * to, by its {@code url()} (credentials stay out of it when they came from the environment).
   */
  public larder.store.StoreLocation storeLocation() { return store.location(); }

  /** What the batch holds, as given to {@link Publisher#begin}. */
  public BatchKind kind() { return kind; }

  /**
   * The rows of a recommendations batch.
   *
   * @throws IllegalStateException when the batch is of another kind
   */
  public RecommendationWriter recommendations() {
    return writer(RecommendationWriter.class, BatchKind.RECOMMENDATIONS, "recommendation lists");
  }

  /**
   * The rows of a segments batch.
   *
   * @throws IllegalStateException when the batch is of another kind
   */
  public SegmentWriter segments() {
    return writer(SegmentWriter.class, BatchKind.SEGMENTS, "segment rows");
  }

  /**
   * The rows of a scores batch.
   *
   * @throws IllegalStateException when the batch is of another kind
   */
  public ScoreWriter scores() {
    return writer(ScoreWriter.class, BatchKind.SCORES, "scores");
  }

  private <W extends KindWriter> W writer(Class<W> type, BatchKind wanted, String what) {
    if (kind != wanted) {
      throw new IllegalStateException(where() + " is a '" + kind + "' batch; only a '" + wanted + "' batch takes "
          + what);
    }
    return type.cast(content);
  }

  /** What the run measured, stored with the batch on publish (and on failure). */
  public void setMetrics(BatchMetrics measured) {
    this.metrics = measured;
  }

  /**
   * Parameters that replace those the batch began with, stored on publish: a tuned run learns its model's parameters
   * only after the batch has begun.
   */
  public void setParams(larder.core.BatchParams chosen) {
    this.params = chosen;
  }

  /**
   * Rows read and kept from the job's source, stored with the batch on publish ({@code input_rows}): what the
   * next run's checks compare its own input with.
   */
  public void setInputRows(long rows) {
    if (rows < 0) throw new IllegalArgumentException("input rows " + rows + " is below 0");
    this.inputRows = rows;
  }

  /**
   * The newest interaction time the batch was built from, stored with it on publish ({@code data_until}, its data
   * high-water mark): an event after it is left out of the batch's lists at read time, one at or before it is not
   * ({@link Events#AS_OF}). Unset (null) when the source has no timestamps.
   */
  public void setDataUntil(Instant newest) {
    this.dataUntil = newest == null ? null : newest.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Readies {@code table} to be loaded in {@code parts} parts by other processes, each with {@link
   * larder.store.PartWriter} (PostgreSQL only); {@link #publish} then verifies that every part is in and the
   * counts add up, and attaches the rows like its own. The table's rows then come from the parts only, and the
   * batch's counts (rows; lists, customers or entities) from their ledger. At most once per table.
   *
   * @throws larder.core.ConfigException on SQLite
   * @throws IllegalStateException when the table is not of this batch's kind, or is loaded in parts already
   */
  public synchronized PartitionedLoad loadInParts(RowTable table, int parts) {
    checkWritable();
    BatchKind tableKind = table == RowTable.SEGMENTS ? BatchKind.SEGMENTS
        : table == RowTable.SCORES ? BatchKind.SCORES : BatchKind.RECOMMENDATIONS;
    if (tableKind != kind) {
      throw new IllegalStateException(where() + " is a '" + kind + "' batch; " + table.table() + " belongs to '"
          + tableKind + "' batches");
    }
    if (inParts.containsKey(table)) throw new IllegalStateException(where() + ": " + table + " loaded in parts twice");
    PartitionedLoad p = PartitionedLoad.prepare(store, batchId, table, parts);
    inParts.put(table, p);
    partTables = Set.copyOf(inParts.keySet());
    return p;
  }

  /** Refuses the driver's own rows for a table loaded in parts: its rows come from the parts only. */
  void requireOwnRows(RowTable table) {
    Set<RowTable> parts = partTables;
    if (!parts.isEmpty() && parts.contains(table)) {
      throw new IllegalStateException(where() + ": " + table + " is loaded in parts; its rows come from the parts only");
    }
  }

  /** What the driver's own rows loaded, plus the tables loaded in parts once verified, indexed and attached. */
  private BatchRows.Loaded withParts(BatchRows.Loaded own) {
    Map<RowTable, PartitionedLoad> loads;
    synchronized (this) {
      if (inParts.isEmpty()) return own;
      loads = new EnumMap<>(inParts);
    }
    Map<RowTable, Long> rowsPerTable = new EnumMap<>(RowTable.class);
    rowsPerTable.putAll(own.rows());
    long keys = own.keys();
    for (PartitionedLoad p : loads.values()) {
      PartitionedLoad.Totals t = p.finish();
      rowsPerTable.merge(p.table(), t.rows(), Long::sum);
      // the kind's main table counts the batch's keys: users with a list, customers, entities
      if (p.table() == RowTable.RECOMMENDATIONS || p.table() == RowTable.SEGMENTS || p.table() == RowTable.SCORES) {
        keys += t.keys();
      }
    }
    return new BatchRows.Loaded(rowsPerTable, keys);
  }

  /** True between the start of {@link #publish} and its end (for tests of a stop in that window). */
  synchronized boolean publishing() { return state == State.PUBLISHING; }

  Publisher publisher() { return publisher; }

  Dialect.Kind storeKind() { return store.kind(); }

  /**
   * Throws unless rows may still be written: a StoreException once the run was stopped or its rows failed,
   * an IllegalStateException once it is publishing, published or failed.
   */
  void checkWritable() {
    String stop = stopReason;
    if (stop != null) throw new StoreException(where() + ": " + stop, "run the job again", null);
    Throwable f = rows.failure();
    if (f != null) throw writeFailed(store, where(), f);
    if (state != State.OPEN) {
      throw new IllegalStateException(where() + " is " + state.name().toLowerCase() + "; no more rows can be written");
    }
  }

  private String where() {
    return "batch " + batchId + " of job '" + job + "'";
  }

  /** A failure to write the rows of {@code where} (a batch), as the StoreException the run reports. */
  static StoreException writeFailed(Store store, String where, Throwable f) {
    if (f instanceof StoreException se) return new StoreException(se.getMessage(), se.hint(), se);
    return new StoreException("store " + store.name() + ": writing " + where + " failed: " + f,
        "the current batch is still serving; fix the cause and run the job again", f);
  }

  /**
   * Runs {@code work} when {@link #publish} has finished loading the rows and before it switches the job: for what
   * the batch writes to the store besides its rows (its kept model), which cannot be written while the rows load
   * because SQLite's load holds the write lock throughout. A failure in it fails the batch, as a failed load does.
   */
  public synchronized void beforeSwitch(Runnable work) {
    checkWritable();
    beforeSwitch.add(work);
  }

  /**
   * Finishes the rows, switches the job to this batch in one transaction, retires batches beyond the
   * current one and the newest {@code keep - 1} others, and releases the job's lock.
   *
   * @return the published batch
   * @throws StoreException when loading or switching failed; the batch is then marked failed and the
   *     previous batch keeps serving
   */
  public BatchInfo publish(int keep) {
    if (keep < 1) throw new ConfigException("keep", keep, "must be >= 1", "keep 1 keeps only the new batch");
    synchronized (this) {
      checkWritable();
      content.checkComplete();
      state = State.PUBLISHING;
    }
    try {
      BatchTotals totals = content.totals(withParts(rows.finish()));
      for (Runnable work : beforeSwitch) work.run();
      switchTo(totals);
      state = State.PUBLISHED;
    } catch (RuntimeException e) {
      synchronized (this) {
        state = State.OPEN; // let fail() run its course
      }
      String stop = stopReason;
      if (stop != null) {
        fail(stop);
        // the stop gave the rows up, or was seen in the switch: either way the stop is what the caller sees
        if (String.valueOf(e.getMessage()).contains(stop)) throw e;
        throw new StoreException(where() + ": " + stop, "run the job again", e);
      }
      fail(e);
      throw e instanceof LarderException ? e : new StoreException("store " + store.name() + ": publishing "
          + where() + " failed: " + e, "the current batch is still serving", e);
    }
    try {
      for (long id : publisher.retire(job, keep)) progress.note("publish", "retired batch " + id);
    } catch (RuntimeException e) {
      // the new batch is live; batches left over are retired by the job's next publish
      progress.note("publish", "job '" + job + "': could not retire old batches yet: " + e.getMessage());
    } finally {
      try {
        lock.close();
      } finally {
        publisher.ended(this);
        ended.countDown();
      }
    }
    return publisher.info(batchId);
  }

  /** The switching transaction: the lock still ours, the batch row's sizes and metrics, the kind's tables, current. */
  private void switchTo(BatchTotals t) {
    Dialect d = store.dialect();
    BatchMetrics m = metrics;
    larder.core.BatchParams chosen = params;
    store.write("switch job '" + job + "' to batch " + batchId, c -> {
      String holder = JobLock.owner(c, d, job);
      if (!lock.owner().equals(holder)) {
        throw new StoreException(where() + ": the job's lock is now held by " + (holder == null ? "nobody" : holder)
            + ", so this run may not publish", "another run took the lock over after this run's lease ran out (the"
                + " store was unreachable for longer than publish.lock-lease?); run the job again", null);
      }
      String stop = stopReason;
      if (stop != null) throw new StoreException(where() + ": " + stop, "", null);
      Long previous = null;
      try (var ps = c.prepareStatement("SELECT batch_id FROM larder_current WHERE job = ?" + d.forUpdate())) {
        ps.setString(1, job);
        try (var rs = ps.executeQuery()) {
          if (rs.next()) previous = rs.getLong(1);
        }
      }
      try (var ps = c.prepareStatement("UPDATE larder_batch SET rec_rows = ?, similar_rows = ?, users = ?,"
          + " segments = ?, segment_job = ?, metrics = COALESCE(?, metrics), input_rows = ?, data_until = ?,"
          + " params = COALESCE(?, params) WHERE batch_id = ?")) {
        ps.setLong(1, t.recRows());
        ps.setLong(2, t.similarRows());
        ps.setLong(3, t.keys());
        ps.setLong(4, t.segments());
        ps.setString(5, t.segmentJob());
        ps.setString(6, m == null ? null : m.toJson());
        if (inputRows == null) ps.setNull(7, Types.BIGINT);
        else ps.setLong(7, inputRows);
        d.setInstant(ps, 8, dataUntil);
        ps.setString(9, chosen == null ? null : chosen.toJson());
        ps.setLong(10, batchId);
        ps.executeUpdate();
      }
      content.writeInSwitch(c, batchId);
      ServingHistory.switchCurrent(c, d, job, previous, batchId, "superseded by batch " + batchId);
      // events no kept batch needs any more go with the switch, so the table stays as small as the runs allow
      if (kind == BatchKind.RECOMMENDATIONS) Events.prune(c, job);
      return null;
    });
  }

  /** Gives up the run: its rows are removed, it is marked 'failed' with the cause, the lock released. */
  public void fail(Throwable cause) {
    if (cause == null) {
      fail("failed");
    } else if (cause instanceof LarderException le && !le.hint().isEmpty()) {
      fail(le.getMessage() + " (hint: " + le.hint() + ")"); // the batch list then says what to do too
    } else {
      fail(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }
  }

  /**
   * Marks the batch failed because of {@code cause} (the previous batch keeps serving) and returns the cause
   * for the caller to throw; a failure to mark it is attached to the cause, which is what the user must see.
   */
  public <E extends Throwable> E failedBy(E cause) {
    try {
      fail(cause);
    } catch (RuntimeException markFailed) {
      cause.addSuppressed(markFailed);
    }
    return cause;
  }

  /**
   * Gives up the run with {@code message}; no-op once published or failed. When another thread is failing
   * the run (a stop), waits until it has finished, so that the caller never closes the store under it.
   */
  public void fail(String message) {
    State was;
    synchronized (this) {
      was = state;
      if (was == State.OPEN) state = State.FAILED;
    }
    if (was != State.OPEN) {
      if (was == State.FAILED) awaitEnd();
      return;
    }
    RuntimeException first = null;
    try {
      rows.abort();
      store.dropRows(batchId); // covers a load that finished before the switch failed
      publisher.markFailed(batchId, message, metrics);
    } catch (RuntimeException e) {
      first = e;
    } finally {
      try {
        lock.close();
      } catch (RuntimeException e) {
        if (first != null) first.addSuppressed(e);
        else first = e;
      } finally {
        publisher.ended(this);
        ended.countDown();
      }
    }
    if (first != null) throw first;
  }

  /**
   * Stops the run because the process is stopping ({@link Publisher#stopRuns}): a run still writing is
   * failed with {@code reason} at once (its rows are aborted; the threads feeding them get a StoreException
   * on their next row); a run that is publishing has its rows aborted and is refused the switch unless it
   * already made it. Returns once the run has ended.
   */
  Outcome stop(String reason) {
    stopReason = reason;
    boolean publishing;
    synchronized (this) {
      publishing = state == State.PUBLISHING;
    }
    if (publishing) {
      rows.abort(); // no longer wanted: publish sees the rows given up, or the stop in its switch
    } else {
      try {
        fail(reason);
      } catch (RuntimeException e) {
        return Outcome.UNSETTLED; // the store refused; the job's next run takes the dead lock over and marks it
      }
    }
    awaitEnd();
    return state == State.PUBLISHED ? Outcome.PUBLISHED : Outcome.FAILED;
  }

  private void awaitEnd() {
    try {
      ended.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails the run unless it was published. */
  @Override public void close() {
    fail("closed without publishing");
  }
}
