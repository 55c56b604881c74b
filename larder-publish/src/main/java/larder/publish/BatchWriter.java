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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.LarderException;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.Scores;
import larder.core.StoreException;
import larder.core.TopNSink;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.store.BatchLoad;
import larder.store.Batches;
import larder.store.CentroidJson;
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
 *
 * <p>A batch of kind {@code "segments"} takes {@link #writeSegments} (bulk-loaded the same way, a range of
 * customers at a time), {@link #writeProfiles} and {@link #writeTransitions} (small: kept here and written
 * in the switching transaction); a batch of kind {@code "scores"} takes {@link #writeScores} (bulk-loaded
 * a range of entities at a time); a {@code "recommendations"} batch takes the ranked lists, and may add
 * per-segment fallback lists ({@link #writeSegmentFallback}) for the customers of a segments job
 * ({@link #setSegmentJob}).
 * Nothing is visible before {@link #publish}; a failed run leaves no rows in any table.
 */
public final class BatchWriter implements AutoCloseable {
  private static final long REPORT_EVERY = 100_000;

  private enum State { OPEN, PUBLISHING, PUBLISHED, FAILED }

  /** What {@link #stop} made of a run: marked failed, already published, or not recorded (in time). */
  public enum Outcome { FAILED, PUBLISHED, UNSETTLED }

  /** Customers per chunk of segment rows (entities per chunk of score rows) on their way to the writer thread. */
  static final int SEGMENT_CHUNK = 8192;

  /** Work for the writer thread. */
  private sealed interface Chunk permits ListChunk, SegmentChunk, ScoreChunk, Signal {}

  /** One ranked list. */
  private record ListChunk(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count,
      IdMap itemNames) implements Chunk {}

  /** Segment rows of customers {@code order[from..to)} of an assignment, which is not copied. */
  private record SegmentChunk(SegmentAssignment assignment, int[] order, int from, int to) implements Chunk {}

  /** Score rows of entities {@code order[from..to)} of a batch's scores, which are not copied. */
  private record ScoreChunk(Scores scores, int[] order, int from, int to) implements Chunk {}

  private record Signal(String name) implements Chunk {}

  private static final Chunk END = new Signal("end");
  private static final Chunk ABORT = new Signal("abort");

  private final Publisher publisher;
  private final Store store;
  private final String job;
  private final BatchKind kind;
  private final long batchId;
  private final JobLock lock;
  private final Progress progress;
  /** Counted down once the run has ended: published, or failed with its rows dropped and its lock released. */
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile String stopReason;
  private final BlockingQueue<Chunk> queue;
  private final Thread writer;
  private final AtomicLong users = new AtomicLong();
  private volatile State state = State.OPEN;
  private volatile Throwable writerFailure;
  private volatile boolean fallbackWritten;
  private volatile BatchMetrics metrics;
  private volatile Long inputRows;
  private long recRows;
  private long similarRows;
  // segments batch: set by writeSegments/writeProfiles/writeTransitions (each at most once)
  private long customers;
  private long segmentCount;
  private boolean segmentsWritten;
  private List<SegmentProfile> profiles;
  private List<SegmentTransition> transitions;
  // scores batch: set by writeScores (at most once)
  private long entities;
  private boolean scoresWritten;
  // recommendations batch: segment fallback lists and the segments job they apply to
  private final Set<Integer> fallbackSegments = new HashSet<>();
  private String segmentJob;

  BatchWriter(Publisher publisher, String job, BatchKind kind, long batchId, JobLock lock, int queueLists,
      Progress progress) {
    this.publisher = publisher;
    this.store = publisher.store();
    this.job = job;
    this.kind = kind;
    this.batchId = batchId;
    this.lock = lock;
    this.progress = progress;
    this.queue = new ArrayBlockingQueue<>(queueLists);
    this.writer = new Thread(this::drain, "larder-writer-" + job + "-" + batchId);
    writer.setDaemon(true);
    writer.start();
  }

  public String job() { return job; }

  public long batchId() { return batchId; }

  /** True between the start of {@link #publish} and its end (for tests of a stop in that window). */
  synchronized boolean publishing() { return state == State.PUBLISHING; }

  /** What the batch holds, as given to {@link Publisher#begin}. */
  public BatchKind kind() { return kind; }

  /** Recommendation lists: key = dense user id in {@code users}, items dense ids in {@code items}. */
  public TopNSink recommendationSink(IdMap users, IdMap items) {
    requireLists("recommendation lists");
    return (key, it, sc, count) -> {
      if (enqueue(RowTable.RECOMMENDATIONS, key, users, it, sc, count, items)) this.users.incrementAndGet();
    };
  }

  /** Similar-items lists: key and items are dense ids in {@code items}. */
  public TopNSink similarSink(IdMap items) {
    requireLists("similar-items lists");
    return (key, it, sc, count) -> enqueue(RowTable.SIMILAR, key, items, it, sc, count, items);
  }

  /** The job's list for users the batch does not know; at most once per batch. */
  public void writeFallback(int[] items, float[] scores, int count, IdMap itemNames) {
    requireLists("a fallback list");
    synchronized (this) {
      if (fallbackWritten) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': fallback list written twice");
      }
      fallbackWritten = true;
    }
    enqueue(RowTable.FALLBACK, -1, null, items, scores, count, itemNames);
  }

  /**
   * The fallback list of segment {@code segmentId}: for users without a list of their own who are
   * customers of that segment in the {@linkplain #setSegmentJob segments job}'s current batch. At most
   * once per segment; an empty list ({@code count} 0) is not stored. Requires {@link #setSegmentJob}
   * before {@link #publish}.
   */
  public void writeSegmentFallback(int segmentId, int[] items, float[] scores, int count, IdMap itemNames) {
    requireLists("segment fallback lists");
    if (segmentId < 1) throw new IllegalArgumentException("segment id " + segmentId + " is below 1");
    synchronized (this) {
      if (!fallbackSegments.add(segmentId)) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': fallback list of segment "
            + segmentId + " written twice");
      }
    }
    if (!enqueue(RowTable.SEGMENT_FALLBACK, segmentId, null, items, scores, count, itemNames)) {
      synchronized (this) {
        fallbackSegments.remove(segmentId);
      }
    }
  }

  /**
   * Names the segments job whose current batch places users in segments for {@link
   * #writeSegmentFallback}; stored with the batch as {@code segment_job}.
   *
   * @throws ConfigException when the name is not a job name, is this job, or names a job that publishes
   *     another kind than segments
   */
  public void setSegmentJob(String segmentsJob) {
    requireLists("a segment job");
    Publisher.checkJobName(segmentsJob);
    if (segmentsJob.equals(job)) {
      throw new ConfigException("segment_job", segmentsJob, "is this job itself; it must name a segments job",
          "name the job that publishes the customer segments");
    }
    BatchKind published = publisher.publishedKind(segmentsJob);
    if (published != null && published != BatchKind.SEGMENTS) {
      throw new ConfigException("segment_job", segmentsJob, "job '" + segmentsJob + "' publishes '" + published
          + "' batches, not 'segments'", "name the job that publishes the customer segments");
    }
    synchronized (this) {
      segmentJob = segmentsJob;
    }
  }

  /**
   * Every customer's segment: queued for the writer thread a range of customers at a time (the
   * assignment's arrays are read there, not copied: leave them unchanged until {@link #publish}). At
   * most once per batch, on a batch of kind "segments".
   *
   * @throws ModelException when a segment id is below 1, a distance or RFM value is not finite, or an
   *     RFM score is not three digits 1-5 (or 0 for none)
   */
  public void writeSegments(SegmentAssignment a) {
    requireSegments("segment rows");
    synchronized (this) {
      if (segmentsWritten) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': segments written twice");
      }
      segmentsWritten = true;
    }
    checkWritable();
    int n = a.size();
    SegmentAssignment.Rfm rfm = a.rfm();
    for (int c = 0; c < n; c++) {
      int s = a.segment()[c];
      if (s < 1) throw badSegmentRow(a, c, "segment id " + s + " is below 1");
      if (!Float.isFinite(a.distance()[c])) throw badSegmentRow(a, c, "distance " + a.distance()[c]);
      if (rfm != null) {
        if (!Double.isFinite(rfm.recencyDays()[c]) || !Double.isFinite(rfm.frequency()[c])
            || !Double.isFinite(rfm.monetary()[c])) {
          throw badSegmentRow(a, c, "RFM values " + rfm.recencyDays()[c] + ", " + rfm.frequency()[c] + ", "
              + rfm.monetary()[c]);
        }
        if (!validRfmScore(rfm.score()[c])) throw badSegmentRow(a, c, "RFM score " + rfm.score()[c]);
      }
    }
    int[] ids = a.segment().clone();
    Arrays.sort(ids);
    int distinct = 0;
    for (int i = 0; i < n; i++) if (i == 0 || ids[i] != ids[i - 1]) distinct++;
    synchronized (this) {
      customers = n;
      segmentCount = distinct;
    }
    // SQLite inserts into a B-tree clustered on (batch_id, customer_id): in key order each row lands on the
    // last page instead of a random one. Measured at a million random ids: 60-85k rows/s unsorted, 200k
    // sorted (sort included). PostgreSQL builds its indexes after COPY, so order gains it little.
    int[] order = store.kind() == Dialect.Kind.SQLITE ? byCustomerId(a.customers()) : null;
    for (int from = 0; from < n; from += SEGMENT_CHUNK) {
      offer(new SegmentChunk(a, order, from, Math.min(n, from + SEGMENT_CHUNK)));
    }
  }

  /**
   * Every entity's score and label: queued for the writer thread a range of entities at a time (the
   * arrays are read there, not copied: leave them unchanged until {@link #publish}). At most once per
   * batch, on a batch of kind "scores".
   *
   * @throws ModelException when a score is not finite, or an entity id or label holds a NUL character
   *     (PostgreSQL text cannot hold one; refused on SQLite too, so a file publishes the same on both)
   */
  public void writeScores(Scores s) {
    requireKind(BatchKind.SCORES, "scores");
    synchronized (this) {
      if (scoresWritten) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': scores written twice");
      }
      scoresWritten = true;
    }
    checkWritable();
    int n = s.size();
    for (int e = 0; e < n; e++) {
      try {
        BatchLoad.storedScore(s, e);
      } catch (IllegalArgumentException bad) {
        throw new ModelException("batch " + batchId + " of job '" + job + "': " + bad.getMessage(),
            "scores must be finite numbers, and entity ids and labels text without NUL characters");
      }
    }
    synchronized (this) {
      entities = n;
    }
    // in entity id order on SQLite, for the reason given in writeSegments
    int[] order = store.kind() == Dialect.Kind.SQLITE ? byCustomerId(s.entities()) : null;
    for (int from = 0; from < n; from += SEGMENT_CHUNK) {
      offer(new ScoreChunk(s, order, from, Math.min(n, from + SEGMENT_CHUNK)));
    }
  }

  /** Dense ids of {@code customers} in the order of their external ids. */
  static int[] byCustomerId(IdMap customers) {
    int n = customers.size();
    String[] names = new String[n];
    for (int c = 0; c < n; c++) names[c] = customers.name(c);
    // UTF-16 order; SQLite compares UTF-8 bytes, which differs only past U+D7FF: locality, not correctness
    Arrays.parallelSort(names);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = customers.idOf(names[i]);
    return order;
  }

  /**
   * What each segment looks like, stored with the batch (at most once, on a batch of kind "segments").
   *
   * @throws ModelException when a segment id repeats or is below 1, a label is empty, or a figure is not
   *     finite
   */
  public void writeProfiles(List<SegmentProfile> segmentProfiles) {
    requireSegments("segment profiles");
    Set<Integer> ids = new HashSet<>();
    for (SegmentProfile p : segmentProfiles) {
      String where = "segment " + p.segmentId();
      if (p.segmentId() < 1 || !ids.add(p.segmentId())) throw badProfile(where, "segment id is below 1 or repeats");
      if (p.label() == null || p.label().isBlank()) throw badProfile(where, "has no label");
      if (p.size() < 0 || !Double.isFinite(p.share()) || p.share() < 0 || p.share() > 1) {
        throw badProfile(where, "size " + p.size() + " / share " + p.share() + " out of range");
      }
      for (Double v : new Double[] {p.recencyMean(), p.recencyMedian(), p.frequencyMean(), p.frequencyMedian(),
          p.monetaryMean(), p.monetaryMedian()}) {
        if (v != null && !Double.isFinite(v)) throw badProfile(where, "has a figure " + v);
      }
      for (Map.Entry<String, Double> e : p.centroid().entrySet()) {
        if (e.getKey() == null || e.getValue() == null || !Double.isFinite(e.getValue())) {
          throw badProfile(where, "centroid feature '" + e.getKey() + "' is " + e.getValue());
        }
      }
    }
    synchronized (this) {
      checkWritable();
      if (profiles != null) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': profiles written twice");
      }
      profiles = List.copyOf(segmentProfiles);
    }
  }

  /**
   * How many customers moved between the previous batch's segments and this one's (at most once, on a
   * batch of kind "segments").
   *
   * @throws ModelException when a (from, to) pair repeats, both ends are null, an id is below 1, or a
   *     count is negative
   */
  public void writeTransitions(List<SegmentTransition> segmentTransitions) {
    requireSegments("segment transitions");
    Set<List<Integer>> pairs = new HashSet<>();
    for (SegmentTransition t : segmentTransitions) {
      Integer from = t.fromSegment();
      Integer to = t.toSegment();
      String where = "transition " + from + " -> " + to;
      if (from == null && to == null) throw badTransition(where, "has neither end");
      if ((from != null && from < 1) || (to != null && to < 1)) throw badTransition(where, "segment id below 1");
      if (t.customers() < 0) throw badTransition(where, "counts " + t.customers() + " customers");
      if (!pairs.add(Arrays.asList(from, to))) throw badTransition(where, "repeats");
    }
    synchronized (this) {
      checkWritable();
      if (transitions != null) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "': transitions written twice");
      }
      transitions = List.copyOf(segmentTransitions);
    }
  }

  /** What the run measured, stored with the batch on publish (and on failure). */
  public void setMetrics(BatchMetrics measured) {
    this.metrics = measured;
  }

  /**
   * Rows read and kept from the job's source, stored with the batch on publish ({@code input_rows}): what the
   * next run's checks compare its own input with.
   */
  public void setInputRows(long rows) {
    if (rows < 0) throw new IllegalArgumentException("input rows " + rows + " is below 0");
    this.inputRows = rows;
  }

  private void requireSegments(String what) {
    requireKind(BatchKind.SEGMENTS, what);
  }

  private void requireKind(BatchKind wanted, String what) {
    if (wanted != kind) {
      throw new IllegalStateException("batch " + batchId + " of job '" + job + "' is a '" + kind
          + "' batch; only a '" + wanted + "' batch takes " + what);
    }
  }

  private void requireLists(String what) {
    if (kind != BatchKind.RECOMMENDATIONS) {
      throw new IllegalStateException("batch " + batchId + " of job '" + job + "' is a '" + kind + "' batch;"
          + " it takes no " + what);
    }
  }

  private ModelException badSegmentRow(SegmentAssignment a, int c, String problem) {
    return new ModelException("batch " + batchId + " of job '" + job + "': customer '" + a.customers().name(c)
        + "': " + problem, "the segmentation produced an invalid row; check its input and parameters");
  }

  private ModelException badProfile(String where, String problem) {
    return new ModelException("batch " + batchId + " of job '" + job + "': profile of " + where + " " + problem,
        "the segmentation produced an invalid profile; check its input and parameters");
  }

  private ModelException badTransition(String where, String problem) {
    return new ModelException("batch " + batchId + " of job '" + job + "': " + where + " " + problem,
        "the transitions must count each (previous segment, segment) pair once");
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

  private boolean enqueue(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count, IdMap names) {
    checkWritable();
    if (count <= 0) return false;
    if (count > items.length || count > scores.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the arrays (" + items.length + ", "
          + scores.length + ")");
    }
    for (int i = 0; i < count; i++) {
      if (Float.isNaN(scores[i]) || Float.isInfinite(scores[i])) {
        String k = table == RowTable.SEGMENT_FALLBACK ? "fallback list of segment " + key
            : keyNames == null ? "fallback list" : "key '" + keyNames.name(key) + "'";
        throw new ModelException("batch " + batchId + " of job '" + job + "': " + k + " rank " + (i + 1)
            + " has score " + scores[i], "the model produced a non-finite score; check its parameters and input");
      }
    }
    offer(new ListChunk(table, key, keyNames, Arrays.copyOf(items, count), Arrays.copyOf(scores, count), count,
        names));
    return true;
  }

  private void offer(Chunk c) {
    try {
      while (!queue.offer(c, 50, TimeUnit.MILLISECONDS)) checkWritable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("batch " + batchId + " of job '" + job + "': interrupted while queueing rows",
          "the run was cancelled", e);
    }
  }

  private void checkWritable() {
    String stop = stopReason;
    if (stop != null) {
      throw new StoreException("batch " + batchId + " of job '" + job + "': " + stop, "run the job again", null);
    }
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
        if (c instanceof ListChunk l) {
          String key = l.table() == RowTable.SEGMENT_FALLBACK ? Integer.toString(l.key())
              : l.keyNames() == null ? null : l.keyNames().name(l.key());
          load.addList(l.table(), key, l.items(), l.scores(), l.count(), l.itemNames());
          rows += l.count();
        } else if (c instanceof SegmentChunk s) {
          load.addSegments(s.assignment(), s.order(), s.from(), s.to());
          rows += s.to() - s.from();
        } else if (c instanceof ScoreChunk s) {
          load.addScores(s.scores(), s.order(), s.from(), s.to());
          rows += s.to() - s.from();
        }
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
      if (!fallbackSegments.isEmpty() && segmentJob == null) {
        throw new IllegalStateException("batch " + batchId + " of job '" + job + "' has segment fallback lists"
            + " but no segment job; call setSegmentJob before publish");
      }
      state = State.PUBLISHING;
    }
    try {
      send(END);
      joinWriter();
      if (writerFailure != null) throw writerError(writerFailure);
      Dialect d = store.dialect();
      BatchMetrics m = metrics;
      store.write("switch job '" + job + "' to batch " + batchId, c -> {
        String holder = JobLock.owner(c, d, job);
        if (!lock.owner().equals(holder)) {
          throw new StoreException("batch " + batchId + " of job '" + job + "': the job's lock is now held by "
              + (holder == null ? "nobody" : holder) + ", so this run may not publish",
              "another run took the lock over after this run's lease ran out (the store was unreachable for"
                  + " longer than publish.lock-lease?); run the job again", null);
        }
        String stop = stopReason;
        if (stop != null) throw new StoreException("batch " + batchId + " of job '" + job + "': " + stop, "", null);
        Long previous = null;
        try (var ps = c.prepareStatement("SELECT batch_id FROM larder_current WHERE job = ?" + d.forUpdate())) {
          ps.setString(1, job);
          try (var rs = ps.executeQuery()) {
            if (rs.next()) previous = rs.getLong(1);
          }
        }
        boolean segments = kind == BatchKind.SEGMENTS;
        boolean scores = kind == BatchKind.SCORES;
        try (var ps = c.prepareStatement("UPDATE larder_batch SET rec_rows = ?, similar_rows = ?, users = ?,"
            + " segments = ?, segment_job = ?, metrics = COALESCE(?, metrics), input_rows = ? WHERE batch_id = ?")) {
          ps.setLong(1, recRows);
          ps.setLong(2, similarRows);
          ps.setLong(3, segments ? customers : scores ? entities : users.get());
          ps.setLong(4, segments ? segmentCount : scores ? 0 : fallbackSegments.size());
          ps.setString(5, segmentJob);
          ps.setString(6, m == null ? null : m.toJson());
          if (inputRows == null) ps.setNull(7, Types.BIGINT);
          else ps.setLong(7, inputRows);
          ps.setLong(8, batchId);
          ps.executeUpdate();
        }
        if (profiles != null) insertProfiles(c, profiles);
        if (transitions != null) insertTransitions(c, transitions);
        ServingHistory.switchCurrent(c, d, job, previous, batchId, "superseded by batch " + batchId);
        return null;
      });
      state = State.PUBLISHED;
    } catch (RuntimeException e) {
      synchronized (this) {
        state = State.OPEN; // let fail() run its course
      }
      String stop = stopReason;
      if (stop != null) fail(stop);
      else fail(e);
      throw e instanceof LarderException ? e : new StoreException("store " + store.name() + ": publishing batch "
          + batchId + " of job '" + job + "' failed: " + e, "the current batch is still serving", e);
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

  private void insertProfiles(Connection c, List<SegmentProfile> list) throws SQLException {
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

  private void insertTransitions(Connection c, List<SegmentTransition> list) throws SQLException {
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
   * failed with {@code reason} at once (the writer thread aborts its load; the threads feeding it get a
   * StoreException on their next row); a run that is publishing has its load aborted and is refused the
   * switch unless it already made it. Returns once the run has ended.
   */
  Outcome stop(String reason) {
    stopReason = reason;
    boolean publishing;
    synchronized (this) {
      publishing = state == State.PUBLISHING;
    }
    if (publishing) {
      // the load is no longer wanted: the writer takes ABORT before END, or after it has already finished
      queue.clear();
      queue.offer(ABORT);
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
