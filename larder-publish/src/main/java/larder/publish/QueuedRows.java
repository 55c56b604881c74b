package larder.publish;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import larder.core.IdMap;
import larder.core.Progress;
import larder.core.Scores;
import larder.core.StoreException;
import larder.core.segment.SegmentAssignment;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Store;

/**
 * The local {@link BatchRows}: the kind writers queue work (ranked lists, copied; segment and score rows as
 * ranges of arrays that are not copied) and one writer thread bulk-loads it through the store's
 * {@link BatchLoad}, mapping dense ids back to external ids there rather than on the threads that feed it.
 * The queue is bounded: when it is full the feeding threads wait, so memory stays bounded however many users
 * there are. A failure of the writer thread is kept; the next {@link #offer} and {@link #finish} throw it.
 */
final class QueuedRows implements BatchRows {
  private static final long REPORT_EVERY = 100_000;
  /** Most chunks the writer takes off the queue at once. */
  private static final int TAKE_AT_ONCE = 64;

  /** Work for the writer thread. */
  sealed interface Chunk permits ListChunk, SegmentChunk, ScoreChunk, Signal {}

  /** One ranked list; {@code key} is named through {@code keyNames} (or is a segment id) on the writer thread. */
  record ListChunk(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count, IdMap itemNames)
      implements Chunk {}

  /** Segment rows of customers {@code order[from..to)} of an assignment, which is not copied. */
  record SegmentChunk(SegmentAssignment assignment, int[] order, int from, int to) implements Chunk {}

  /** Score rows of entities {@code order[from..to)} of a batch's scores, which are not copied. */
  record ScoreChunk(Scores scores, int[] order, int from, int to) implements Chunk {}

  private record Signal(String name) implements Chunk {}

  private static final Chunk END = new Signal("end");
  private static final Chunk ABORT = new Signal("abort");

  private final Store store;
  private final long batchId;
  private final String job;
  private final Progress progress;
  private final BlockingQueue<Chunk> queue;
  private final int takeAtOnce;
  private final Thread writer;
  private volatile Throwable failure;
  private volatile boolean aborted;
  // written by the writer thread, read after it has ended (join)
  private final Map<RowTable, Long> rows = new EnumMap<>(RowTable.class);
  private long keys;

  QueuedRows(Store store, long batchId, String job, int queueChunks, Progress progress) {
    this.store = store;
    this.batchId = batchId;
    this.job = job;
    this.progress = progress;
    // what the writer has taken and not yet written counts against the bound: queued + taken <= queueChunks + 1
    this.takeAtOnce = Math.max(1, Math.min(TAKE_AT_ONCE, queueChunks / 16));
    this.queue = new ArrayBlockingQueue<>(queueChunks - takeAtOnce + 1);
    this.writer = new Thread(this::drain, "larder-writer-" + job + "-" + batchId);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues {@code c} for the writer thread, waiting while the queue is full; {@code whileWaiting} runs every
   * 50 ms of waiting and throws to give up (the run was stopped, or the writer failed).
   */
  void offer(Chunk c, Runnable whileWaiting) {
    try {
      while (!queue.offer(c, 50, TimeUnit.MILLISECONDS)) whileWaiting.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(where() + ": interrupted while queueing rows", "the run was cancelled", e);
    }
  }

  @Override public Throwable failure() { return failure; }

  @Override public Loaded finish() {
    try {
      while (!queue.offer(END, 50, TimeUnit.MILLISECONDS)) {
        if (failure != null || !writer.isAlive()) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(where() + ": interrupted while finishing the load", "the run was cancelled", e);
    }
    join();
    Throwable f = failure;
    if (f != null) throw BatchLoader.writeFailed(store, where(), f);
    if (aborted) throw new StoreException(where() + ": its rows were given up", "run the job again", null);
    return new Loaded(rows, keys);
  }

  @Override public void abort() {
    aborted = true;
    if (!writer.isAlive()) return;
    while (!queue.offer(ABORT)) queue.clear(); // the writer takes ABORT next, or has ended and ignores it
    join();
  }

  private String where() {
    return "batch " + batchId + " of job '" + job + "'";
  }

  private void join() {
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(where() + ": interrupted while the load finished", "the run was cancelled", e);
    }
  }

  /**
   * The writer thread: one bulk load, fed from the queue until END or ABORT. It takes whatever is queued at once
   * (up to {@link #TAKE_AT_ONCE} chunks, a sixteenth of the bound): one lock and at most one wake-up of a waiting
   * scorer per take, where taking a chunk at a time woke them once per list (a sixth of the writer's CPU on 10M
   * rows into SQLite went to those wake-ups). A run aborted meanwhile is seen between chunks.
   */
  private void drain() {
    BatchLoad load = null;
    long total = 0;
    long nextReport = REPORT_EVERY;
    List<Chunk> taken = new ArrayList<>(takeAtOnce);
    try {
      while (true) {
        taken.clear();
        taken.add(queue.take());
        queue.drainTo(taken, takeAtOnce - 1);
        for (Chunk c : taken) {
          if (c == ABORT || aborted) {
            if (load != null) load.abort();
            return;
          }
          if (c == END) {
            if (load != null) load.finish();
            progress.update("load", total, total, "rows");
            return;
          }
          if (load == null) load = store.startLoad(batchId);
          long n = write(load, c);
          total += n;
          if (total >= nextReport) {
            progress.update("load", total, -1, "rows");
            nextReport = total + REPORT_EVERY;
          }
        }
      }
    } catch (Throwable t) {
      failure = t;
      if (load != null) {
        try {
          load.abort();
        } catch (RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      queue.clear(); // threads blocked on a full queue see the failure on their next offer
    }
  }

  /** Hands one chunk's rows to {@code load} and counts them; returns how many. */
  private long write(BatchLoad load, Chunk c) {
    long n;
    RowTable table;
    if (c instanceof ListChunk l) {
      String key = l.table() == RowTable.SEGMENT_FALLBACK ? Integer.toString(l.key())
          : l.keyNames() == null ? null : l.keyNames().name(l.key());
      load.addList(l.table(), key, l.items(), l.scores(), l.count(), l.itemNames());
      table = l.table();
      n = l.count();
      if (table == RowTable.RECOMMENDATIONS) keys++;
    } else if (c instanceof SegmentChunk s) {
      load.addSegments(s.assignment(), s.order(), s.from(), s.to());
      table = RowTable.SEGMENTS;
      n = s.to() - s.from();
      keys += n;
    } else if (c instanceof ScoreChunk s) {
      load.addScores(s.scores(), s.order(), s.from(), s.to());
      table = RowTable.SCORES;
      n = s.to() - s.from();
      keys += n;
    } else {
      throw new IllegalStateException("unknown chunk " + c);
    }
    rows.merge(table, n, Long::sum);
    return n;
  }
}
