package larder.publish;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.LarderException;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.core.TopNSink;
import larder.store.BatchLoad;
import larder.store.Dialect;
import larder.store.RowTable;
import larder.store.Store;

/**
 * One run's batch, from {@link Publisher#begin} to {@link #publish} (or {@link #fail}). The sinks are
 * thread-safe: scoring threads hand them ranked lists, which are copied into a bounded queue and
 * written by one writer thread that maps dense ids back to external ids and bulk-loads them (see
 * {@link BatchLoad}). When the queue is full the scoring threads wait, so memory stays bounded however
 * many users there are. A failure of the writer thread is thrown, as a StoreException, from the next
 * sink call and from {@link #publish}.
 */
public final class BatchWriter implements AutoCloseable {
  private static final long REPORT_EVERY = 100_000;

  private enum State { OPEN, PUBLISHING, PUBLISHED, FAILED }

  /** One ranked list on its way to the writer thread. */
  private record Chunk(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count, IdMap itemNames) {}

  private static final Chunk END = new Chunk(null, 0, null, null, null, 0, null);
  private static final Chunk ABORT = new Chunk(null, 0, null, null, null, 0, null);

  private final Publisher publisher;
  private final Store store;
  private final String job;
  private final long batchId;
  private final String owner;
  private final Progress progress;
  private final BlockingQueue<Chunk> queue;
  private final Thread writer;
  private final AtomicLong users = new AtomicLong();
  private volatile State state = State.OPEN;
  private volatile Throwable writerFailure;
  private volatile boolean fallbackWritten;
  private volatile String metrics;
  private long recRows;
  private long similarRows;

  BatchWriter(Publisher publisher, String job, long batchId, String owner, int queueLists, Progress progress) {
    this.publisher = publisher;
    this.store = publisher.store();
    this.job = job;
    this.batchId = batchId;
    this.owner = owner;
    this.progress = progress;
    this.queue = new ArrayBlockingQueue<>(queueLists);
    this.writer = new Thread(this::drain, "larder-writer-" + job + "-" + batchId);
    writer.setDaemon(true);
    writer.start();
  }

  public String job() { return job; }

  public long batchId() { return batchId; }

  /** Recommendation lists: key = dense user id in {@code users}, items dense ids in {@code items}. */
  public TopNSink recommendationSink(IdMap users, IdMap items) {
    return (key, it, sc, count) -> {
      if (enqueue(RowTable.RECOMMENDATIONS, key, users, it, sc, count, items)) this.users.incrementAndGet();
    };
  }

  /** Similar-items lists: key and items are dense ids in {@code items}. */
  public TopNSink similarSink(IdMap items) {
    return (key, it, sc, count) -> enqueue(RowTable.SIMILAR, key, items, it, sc, count, items);
  }

  /** The job's list for users the batch does not know; at most once per batch. */
  public void writeFallback(int[] items, float[] scores, int count, IdMap itemNames) {
    synchronized (this) {
      if (fallbackWritten) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': fallback list written twice");
      }
      fallbackWritten = true;
    }
    enqueue(RowTable.FALLBACK, -1, null, items, scores, count, itemNames);
  }

  /** Evaluation metrics as JSON text, stored with the batch on publish (and on failure). */
  public void setMetrics(String json) {
    this.metrics = json;
  }

  private boolean enqueue(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count, IdMap names) {
    checkWritable();
    if (count <= 0) return false;
    if (count > items.length || count > scores.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the arrays (" + items.length + ", "
          + scores.length + ")");
    }
    for (int i = 0; i < count; i++) {
      if (Float.isNaN(scores[i]) || Float.isInfinite(scores[i])) {
        String k = keyNames == null ? "fallback list" : "key '" + keyNames.name(key) + "'";
        throw new ModelException("batch " + batchId + " of job '" + job + "': " + k + " rank " + (i + 1)
            + " has score " + scores[i], "the model produced a non-finite score; check its parameters and input");
      }
    }
    Chunk c = new Chunk(table, key, keyNames, java.util.Arrays.copyOf(items, count),
        java.util.Arrays.copyOf(scores, count), count, names);
    try {
      while (!queue.offer(c, 50, TimeUnit.MILLISECONDS)) checkWritable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("batch " + batchId + " of job '" + job + "': interrupted while queueing rows",
          "the run was cancelled", e);
    }
    return true;
  }

  private void checkWritable() {
    Throwable f = writerFailure;
    if (f != null) throw writerError(f);
    if (state != State.OPEN) {
      throw new IllegalStateException("batch " + batchId + " of job '" + job + "' is " + state.name().toLowerCase()
          + "; no more rows can be written");
    }
  }

  private StoreException writerError(Throwable f) {
    if (f instanceof StoreException se) {
      return new StoreException(se.getMessage(), se.hint(), se);
    }
    return new StoreException("store " + store.name() + ": writing batch " + batchId + " of job '" + job
        + "' failed: " + f, "the current batch is still serving; fix the cause and run the job again", f);
  }

  /** The writer thread: one bulk load, fed from the queue until END or ABORT. */
  private void drain() {
    BatchLoad load = null;
    long rows = 0;
    long nextReport = REPORT_EVERY;
    try {
      while (true) {
        Chunk c = queue.take();
        if (c == ABORT) {
          if (load != null) load.abort();
          return;
        }
        if (c == END) {
          if (load != null) {
            load.finish();
            recRows = load.rows(RowTable.RECOMMENDATIONS);
            similarRows = load.rows(RowTable.SIMILAR);
          }
          progress.update("load", rows, rows, "rows");
          return;
        }
        if (load == null) load = store.startLoad(batchId);
        load.addList(c.table(), c.keyNames() == null ? null : c.keyNames().name(c.key()), c.items(), c.scores(),
            c.count(), c.itemNames());
        rows += c.count();
        if (rows >= nextReport) {
          progress.update("load", rows, -1, "rows");
          nextReport = rows + REPORT_EVERY;
        }
      }
    } catch (Throwable t) {
      writerFailure = t;
      if (load != null) {
        try {
          load.abort();
        } catch (RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      queue.clear(); // scoring threads blocked on a full queue see the failure on their next offer
    }
  }

  /**
   * Finishes the load, switches the job to this batch in one transaction, retires batches beyond the
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
      state = State.PUBLISHING;
    }
    try {
      send(END);
      joinWriter();
      if (writerFailure != null) throw writerError(writerFailure);
      Dialect d = store.dialect();
      String m = metrics;
      store.write("switch job '" + job + "' to batch " + batchId, c -> {
        String holder = JobLock.owner(c, d, job);
        if (!owner.equals(holder)) {
          throw new StoreException("batch " + batchId + " of job '" + job + "': the job's lock is now held by "
              + (holder == null ? "nobody" : holder) + ", so this run may not publish",
              "another run took over a lock it thought stale; raise publish.stale-lock-after above the job's run time",
              null);
        }
        Long previous = null;
        try (var ps = c.prepareStatement("SELECT batch_id FROM larder_current WHERE job = ?" + d.forUpdate())) {
          ps.setString(1, job);
          try (var rs = ps.executeQuery()) {
            if (rs.next()) previous = rs.getLong(1);
          }
        }
        try (var ps = c.prepareStatement("UPDATE larder_batch SET rec_rows = ?, similar_rows = ?, users = ?,"
            + " metrics = COALESCE(?, metrics) WHERE batch_id = ?")) {
          ps.setLong(1, recRows);
          ps.setLong(2, similarRows);
          ps.setLong(3, users.get());
          ps.setString(4, m);
          ps.setLong(5, batchId);
          ps.executeUpdate();
        }
        Publisher.switchCurrent(c, d, job, previous, batchId, "superseded by batch " + batchId);
        return null;
      });
      state = State.PUBLISHED;
    } catch (RuntimeException e) {
      state = State.OPEN; // let fail() run its course
      fail(e);
      throw e instanceof LarderException ? e : new StoreException("store " + store.name() + ": publishing batch "
          + batchId + " of job '" + job + "' failed: " + e, "the current batch is still serving", e);
    }
    try {
      for (long id : publisher.retire(job, keep)) progress.note("publish", "retired batch " + id);
    } catch (RuntimeException e) {
      // the new batch is live; batches left over are retired by the job's next publish
      progress.note("publish", "job '" + job + "': could not retire old batches yet: " + e.getMessage());
    } finally {
      JobLock.release(store, job, owner);
    }
    return publisher.info(batchId);
  }

  /** Gives up the run: its rows are removed, it is marked 'failed' with the cause, the lock released. */
  public void fail(Throwable cause) {
    if (cause == null) {
      fail("failed");
    } else if (cause instanceof larder.core.LarderException le && !le.hint().isEmpty()) {
      fail(le.getMessage() + " (hint: " + le.hint() + ")"); // the batch list then says what to do too
    } else {
      fail(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    }
  }

  /** Gives up the run with {@code message}; no-op once published or failed. */
  public void fail(String message) {
    synchronized (this) {
      if (state != State.OPEN) return;
      state = State.FAILED;
    }
    RuntimeException first = null;
    try {
      if (writer.isAlive()) {
        while (!queue.offer(ABORT)) queue.clear();
        joinWriter();
      }
      store.dropRows(batchId); // covers a load that finished before the switch failed
      publisher.markFailed(batchId, message, metrics);
    } catch (RuntimeException e) {
      first = e;
    } finally {
      try {
        JobLock.release(store, job, owner);
      } catch (RuntimeException e) {
        if (first != null) first.addSuppressed(e);
        else first = e;
      }
    }
    if (first != null) throw first;
  }

  /** Fails the run unless it was published. */
  @Override public void close() {
    fail("closed without publishing");
  }

  private void send(Chunk c) {
    try {
      while (!queue.offer(c, 50, TimeUnit.MILLISECONDS)) {
        if (writerFailure != null || !writer.isAlive()) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("batch " + batchId + " of job '" + job + "': interrupted while finishing the load",
          "the run was cancelled", e);
    }
  }

  private void joinWriter() {
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("batch " + batchId + " of job '" + job + "': interrupted while the load finished",
          "the run was cancelled", e);
    }
  }
}
