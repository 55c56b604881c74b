package larder.serve;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.Dialect;
import larder.store.Events;
import larder.store.Store;

/**
 * The read side shared by the CLI and HTTP. Reads through the views ({@code larder_recommendations},
 * {@code larder_similar_items}, {@code larder_fallback}, {@code larder_batches}), the same contract
 * applications use, but for a user's own list on MySQL/MariaDB, read from the tables the refresh-aware view
 * joins, as the view defines it ({@link #mysqlBaseList}), because those servers materialise the view per query. Each answer is read in one snapshot, so its rows and its batch metadata come from one
 * batch even while a publish switches the job: a user's own list (the common case) is one statement, which is a
 * snapshot by itself that also names the job's base and current refresh ({@link Serving}), with the batches'
 * metadata cached by batch id (it never changes once published); other
 * answers are a read transaction. Thread-safe.
 *
 * <pre>{@code
 * PredictionReader reader = new PredictionReader(store);
 * Recommendations r = reader.recommend("shop", "u42", 10);   // r.source() "user", "segment" or "fallback"
 * }</pre>
 * Segments jobs are read by {@link SegmentReader}, scores jobs by {@link ScoreReader}.
 */
public final class PredictionReader {
  /**
   * A user's own list without the items they interacted with after the batch ({@code larder_events}): the view
   * leaves them out before the LIMIT, so the answer has {@code limit} items whenever enough remain.
   */
  private static final String OWN_LIST = "SELECT rank, item_id, score, batch_id FROM larder_recommendations_fresh"
      + " WHERE job = ? AND user_id = ? ORDER BY rank LIMIT ?";
  /**
   * {@link #OWN_LIST} with the job's current base and refresh ids ({@code larder_current}, one primary-key probe
   * each, evaluated once per statement) in every row: the same snapshot as the list, no second round trip.
   */
  private static final String OWN_LIST_SERVING = "SELECT rank, item_id, score, batch_id,"
      + " (SELECT c.batch_id FROM larder_current c WHERE c.job = ?), (SELECT c.refresh_id FROM larder_current c WHERE c.job = ?)"
      + " FROM larder_recommendations_fresh WHERE job = ? AND user_id = ? ORDER BY rank LIMIT ";
  /**
   * {@link #OWN_LIST_SERVING} with its LIMIT written into the text, per {@link #limitBucket bucket}: SQLite pushes a
   * constant LIMIT into each branch of the view's UNION ALL and stops each after that many rows, but with
   * {@code LIMIT ?} it reads the branches whole (4.5 times slower with 8 threads, 100,000 users). The buckets
   * (10, 20, 50, 100, 200, 500, ...) keep the statements a thread prepares few; the rows past the limit asked for
   * are not read.
   */
  private static final String[] OWN_LIST_BY_BUCKET = new String[30];

  static {
    for (int i = 0; i < OWN_LIST_BY_BUCKET.length; i++) OWN_LIST_BY_BUCKET[i] = OWN_LIST_SERVING + bucketLimit(i);
  }

  /** The index of the smallest bucket of the 1-2-5 series from 10 that holds {@code limit}. */
  static int limitBucket(int limit) {
    int i = 0;
    while (bucketLimit(i) < limit) i++;
    return i;
  }

  /** Bucket {@code i}'s limit: 10, 20, 50, 100, 200, 500, ..., capped at Integer.MAX_VALUE. */
  static int bucketLimit(int i) {
    long v = (i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 5) * (long) Math.pow(10, 1 + i / 3);
    return (int) Math.min(v, Integer.MAX_VALUE);
  }
  /**
   * MySQL/MariaDB's fast path, in place of {@link #OWN_LIST_BY_BUCKET}: the refresh-aware view is a UNION ALL, which
   * these servers materialise per statement (a derived table, then a filesort) even with the job and user pushed into
   * both branches, so a look-up through it took 3 times a bare one. A list comes whole from the base or from the
   * delta, so the reader asks each with a join the server runs as index look-ups and no temporary table: the base's
   * rows when the user has no marker ({@link #mysqlDeltaList} otherwise), each branch as the view defines it, the
   * events' exclusion an anti-join probing the events' primary key. Parameters: user, user, job.
   */
  static String mysqlBaseList(Dialect d, int bucket) {
    String rank = d.rank();
    return "SELECT r." + rank + ", r.item_id, r.score, r.batch_id, c.batch_id, c.refresh_id FROM larder_current c"
        + " JOIN larder_batch b ON b.batch_id = c.batch_id"
        + " LEFT JOIN larder_rec_delta m ON m.base_batch_id = c.batch_id AND m.user_id = ? AND m." + rank + " = 0"
        + " JOIN larder_rec_rows r ON r.batch_id = c.batch_id AND r.user_id = ?"
        + " LEFT JOIN larder_events e ON e.job = c.job AND e.user_id = r.user_id AND e.item_id = r.item_id"
        + " AND e.at > " + Events.AS_OF
        + " WHERE c.job = ? AND m.base_batch_id IS NULL AND e.job IS NULL ORDER BY r." + rank + " LIMIT "
        + bucketLimit(bucket);
  }

  /**
   * A refreshed user's list on MySQL/MariaDB ({@link #mysqlBaseList} found none): the current base's delta rows,
   * each with the as-of time of the refresh that wrote it. Parameters: user, job.
   */
  static String mysqlDeltaList(Dialect d, int bucket) {
    String rank = d.rank();
    return "SELECT x." + rank + ", x.item_id, x.score, x.refresh_id, c.batch_id, c.refresh_id FROM larder_current c"
        + " JOIN larder_rec_delta x ON x.base_batch_id = c.batch_id AND x.user_id = ? AND x." + rank + " > 0"
        + " JOIN larder_batch b ON b.batch_id = x.refresh_id"
        + " LEFT JOIN larder_events e ON e.job = c.job AND e.user_id = x.user_id AND e.item_id = x.item_id"
        + " AND e.at > " + Events.AS_OF
        + " WHERE c.job = ? AND e.job IS NULL ORDER BY x." + rank + " LIMIT " + bucketLimit(bucket);
  }

  /** The job's fallback list without the items the user interacted with after the batch. */
  private static final String FALLBACK_LIST = "SELECT f.rank, f.item_id, f.score, f.batch_id FROM larder_fallback f"
      + " JOIN larder_batch b ON b.batch_id = f.batch_id WHERE f.job = ? AND NOT EXISTS (SELECT 1 FROM larder_events e"
      + " WHERE e.job = f.job AND e.user_id = ? AND e.item_id = f.item_id AND e.at > " + Events.AS_OF + ")"
      + " ORDER BY f.rank LIMIT ?";
  private static final String SIMILAR_LIST = "SELECT rank, similar_item_id, score, batch_id"
      + " FROM larder_similar_items WHERE job = ? AND item_id = ? ORDER BY rank LIMIT ?";

  private final Store store;
  private final Clock clock;
  /**
   * Published batches by id. What an answer reports of its batch (job, kind, published_at) never changes once
   * the batch is published, so it is read once per batch, and the common answer is a single statement.
   */
  private final Map<Long, BatchInfo> publishedBatches = new ConcurrentHashMap<>();
  /** MySQL/MariaDB's own-list statements per limit bucket ({@link #mysqlBaseList}); null on the other stores. */
  private final String[] mysqlBase, mysqlDelta;

  public PredictionReader(Store store) {
    this(store, Clock.systemUTC());
  }

  /** @param clock used for {@code age} */
  public PredictionReader(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    if (store.kind() == Dialect.Kind.MYSQL) {
      mysqlBase = new String[OWN_LIST_BY_BUCKET.length];
      mysqlDelta = new String[OWN_LIST_BY_BUCKET.length];
      for (int i = 0; i < mysqlBase.length; i++) {
        mysqlBase[i] = mysqlBaseList(store.dialect(), i);
        mysqlDelta[i] = mysqlDeltaList(store.dialect(), i);
      }
    } else {
      mysqlBase = mysqlDelta = null;
    }
  }

  /**
   * The top {@code limit} items for {@code userId} in {@code job}'s current batch. When the batch has no
   * list for the user: the fallback list of the user's segment, when the batch has segment fallback lists
   * and the user is a customer in the current batch of its segment job; else the job's fallback list.
   * Each list leaves out the items the user interacted with after the batch was created ({@code larder_events},
   * see {@link larder.store.Events}), keeping the stored ranks (a gap shows where one was left out) and still
   * giving {@code limit} items when the stored list has enough; a user whose own list is all left out gets the
   * fallback. The same look-up as one SQL query is {@link larder.store.Schema#RECOMMEND_SQL}.
   *
   * @throws NotFoundException when the job has no current batch (names the jobs that have one), or it
   *     serves another kind (segments, scores)
   * @throws InputException when {@code limit} is below 1
   */
  public Recommendations recommend(String job, String userId, int limit) {
    checkLimit(limit);
    // Fast path: a user with a list of their own is one statement, a snapshot by itself.
    Recommendations own = ownList(job, userId, limit);
    if (own != null) return own;
    Dialect d = store.dialect();
    return store.read("read recommendations of user '" + userId + "' in job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.RECOMMENDATIONS);
      // a refreshed user's list comes from the refresh that wrote it (schema version 10), not from b
      long[] from = {-1};
      List<RankedItem> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(OWN_LIST)) {
        ps.setString(1, job);
        ps.setString(2, userId);
        ps.setInt(3, limit);
        readRanked(ps, from, items);
      }
      Long refreshId = refreshId(c, job);
      Serving serving = new Serving(b, refreshId == null ? null : published(c, refreshId));
      if (!items.isEmpty()) {
        BatchInfo lb = from[0] == b.id() ? b : published(c, from[0]);
        return new Recommendations(job, userId, lb.id(), lb.publishedAt(), age(lb), Recommendations.USER, items,
            null, null, serving);
      }
      Batches.SegmentFallback sf = Batches.segmentFallback(c, b.id());
      if (sf != null && sf.segments() > 0) {
        Recommendations r = segmentList(c, serving, sf.segmentJob(), userId, limit);
        if (r != null) return r;
      }
      items = ranked(c, b.id(), FALLBACK_LIST, job, userId, limit);
      return new Recommendations(job, userId, b.id(), b.publishedAt(), age(b), Recommendations.FALLBACK, items,
          null, null, serving);
    });
  }

  /**
   * The fast path of {@link #recommend}: the user's own list and the job's base and refresh ids in one statement,
   * their metadata from the cache; null when the user has no list of their own (or the job none), for the full read.
   */
  private Recommendations ownList(String job, String userId, int limit) {
    String what = "read recommendations of user '" + userId + "' in job '" + job + "'";
    List<RankedItem> items = new ArrayList<>();
    long[] ids = {-1, -1, -1}; // list's batch, base, refresh (-1: none)
    Store.StatementWork<Void> read = ps -> {
      try (ResultSet rs = ps.executeQuery()) {
        while (items.size() < limit && rs.next()) {
          if (ids[0] < 0) {
            ids[0] = rs.getLong(4);
            ids[1] = rs.getLong(5);
            long r = rs.getLong(6);
            ids[2] = rs.wasNull() ? -1 : r;
          }
          checkBatch(rs.getLong(4), ids[0]);
          items.add(new RankedItem(rs.getInt(1), rs.getString(2), rs.getFloat(3)));
        }
      }
      return null;
    };
    int bucket = limitBucket(limit);
    if (mysqlBase != null) {
      // each statement is a snapshot by itself and answers whole from one batch; the second runs only for a user
      // the base's statement found nothing for (refreshed, or without a list: then the full read). A full run
      // published between the two leaves a refreshed user no delta rows and their list in the new base: the base
      // is asked once more, so that such a user is never answered with nothing
      store.pointRead(what, mysqlBase[bucket], new Object[] {userId, userId, job}, read);
      if (items.isEmpty()) store.pointRead(what, mysqlDelta[bucket], new Object[] {userId, job}, read);
      if (items.isEmpty()) store.pointRead(what, mysqlBase[bucket], new Object[] {userId, userId, job}, read);
    } else {
      store.pointRead(what, OWN_LIST_BY_BUCKET[bucket], new Object[] {job, job, job, userId}, read);
    }
    if (items.isEmpty()) return null;
    BatchInfo list = cached(what, ids[0]), base = cached(what, ids[1]);
    BatchInfo refresh = ids[2] < 0 ? null : cached(what, ids[2]);
    if (list == null || base == null || (ids[2] >= 0 && refresh == null)) return null; // cannot be: views show published batches
    return new Recommendations(job, userId, list.id(), list.publishedAt(), age(list), Recommendations.USER, items,
        null, null, new Serving(base, refresh));
  }

  /** Published batch {@code id} from the cache, read on a miss; null when it is not published. */
  private BatchInfo cached(String what, long id) {
    BatchInfo b = publishedBatches.get(id);
    if (b != null) return b;
    return store.withConnection(what, c -> published(c, id));
  }

  /** Published batch {@code id} from the cache, read in {@code c}'s snapshot on a miss (and then cached). */
  private BatchInfo published(Connection c, long id) throws SQLException {
    BatchInfo b = publishedBatches.get(id);
    if (b != null) return b;
    b = Batches.byId(c, store.dialect(), id).orElse(null);
    if (b == null || b.publishedAt() == null) return null;
    publishedBatches.put(id, b);
    return b;
  }

  /** The current refresh id of {@code job} ({@code larder_current.refresh_id}), or null. */
  private static Long refreshId(Connection c, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT refresh_id FROM larder_current WHERE job = ?")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        long r = rs.getLong(1);
        return rs.wasNull() ? null : r;
      }
    }
  }

  /** A list and the published batch it came from. */
  private record Listed(BatchInfo batch, List<RankedItem> items) {}

  /**
   * One ranked-list statement ({@link Store#pointRead}: a single statement reads one snapshot, so one batch),
   * with its batch from the cache; null when it found no rows, for the caller's full read.
   */
  private Listed listed(String what, String sql, Object... args) {
    List<RankedItem> items = new ArrayList<>();
    long[] batchId = {-1};
    store.pointRead(what, sql, args, ps -> readRanked(ps, batchId, items));
    if (items.isEmpty()) return null;
    BatchInfo b = cached(what, batchId[0]);
    return b == null ? null : new Listed(b, items); // null cannot be: the views show published batches only
  }

  /** The fallback list of the user's segment in {@code segmentJob}'s current batch, or null. */
  private Recommendations segmentList(Connection c, Serving serving, String segmentJob, String userId, int limit)
      throws SQLException {
    BatchInfo b = serving.base();
    List<RankedItem> items = new ArrayList<>();
    Integer segment = null;
    String label = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT f.rank, f.item_id, f.score, f.batch_id, s.segment_id,"
        + " s.segment_label FROM larder_segments s JOIN larder_segment_fallback f ON f.segment_id = s.segment_id"
        + " JOIN larder_batch b ON b.batch_id = f.batch_id"
        + " WHERE s.job = ? AND s.customer_id = ? AND f.job = ? AND NOT EXISTS (SELECT 1 FROM larder_events e"
        + " WHERE e.job = f.job AND e.user_id = s.customer_id AND e.item_id = f.item_id AND e.at > " + Events.AS_OF + ")"
        + " ORDER BY f.rank LIMIT ?")) {
      ps.setString(1, segmentJob);
      ps.setString(2, userId);
      ps.setString(3, b.job());
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checkBatch(rs.getLong(4), b.id());
          segment = rs.getInt(5);
          label = rs.getString(6);
          items.add(new RankedItem(rs.getInt(1), rs.getString(2), rs.getFloat(3)));
        }
      }
    }
    if (items.isEmpty()) return null;
    return new Recommendations(b.job(), userId, b.id(), b.publishedAt(), age(b), Recommendations.SEGMENT, items,
        segment, label, serving);
  }

  /**
   * The top {@code limit} items similar to {@code itemId} in {@code job}'s current batch.
   *
   * @throws NotFoundException when the job has no current batch or the batch has no list for the item
   */
  public SimilarItems similarItems(String job, String itemId, int limit) {
    checkLimit(limit);
    Listed hit = listed("read items similar to '" + itemId + "' in job '" + job + "'", SIMILAR_LIST, job, itemId, limit);
    if (hit != null) return new SimilarItems(job, itemId, hit.batch.id(), hit.batch.publishedAt(), age(hit.batch), hit.items);
    Dialect d = store.dialect();
    return store.read("read items similar to '" + itemId + "' in job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.RECOMMENDATIONS);
      List<RankedItem> items = ranked(c, b.id(), SIMILAR_LIST, job, itemId, limit);
      if (items.isEmpty()) {
        throw new NotFoundException("item '" + itemId + "' has no similar items in batch " + b.id() + " of job '"
            + job + "'", b.secondaryRows() == 0 ? "this batch has no similar-items lists; the job's model may not"
            + " produce them" : "check the item id; only items seen in training have lists");
      }
      return new SimilarItems(job, itemId, b.id(), b.publishedAt(), age(b), items);
    });
  }

  /**
   * The segments job whose customers batch {@code batchId}'s segment fallback lists serve (its
   * {@code segment_fallback}), so a caller can show a user's segment beside the list {@link #recommend} gave;
   * empty when the batch has no segment fallback.
   */
  public Optional<String> segmentJob(long batchId) {
    return store.read("read the segments job of batch " + batchId, c -> {
      Batches.SegmentFallback sf = Batches.segmentFallback(c, batchId);
      return sf == null ? Optional.<String>empty() : Optional.of(sf.segmentJob());
    });
  }

  /** Receives a job's lists row by row, in user id then rank order. */
  @FunctionalInterface
  public interface RowConsumer {
    /** Called once before the first row, e.g. to write headers. */
    default void start(BatchInfo batch) {}

    void accept(String userId, int rank, String itemId, float score);
  }

  /**
   * Every user's list as {@code job} serves it, streamed from one snapshot in user id then rank order (for exports
   * to other systems): the current batch's lists, and a refreshed user's latest list in place of theirs; returns
   * the rows passed on. {@code start} gets the base batch. Memory stays flat whatever the batch's size.
   *
   * @throws NotFoundException when the job has no current batch of ranked lists
   */
  public long forEachRecommendation(String job, RowConsumer consumer) {
    Dialect d = store.dialect();
    return store.read("stream the recommendations of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.RECOMMENDATIONS);
      consumer.start(b);
      // the base and its refreshes: a refreshed user's rows carry the id of the refresh that wrote them
      java.util.Set<Long> served = new java.util.HashSet<>(Batches.refreshesOf(c, b.id()));
      served.add(b.id());
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations"
          + " WHERE job = ? ORDER BY user_id, rank")) {
        ps.setFetchSize(10_000);
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long from = rs.getLong(5);
            if (!served.contains(from)) checkBatch(from, b.id());
            consumer.accept(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getFloat(4));
            n++;
          }
        }
      }
      return n;
    });
  }

  /** Batches of {@code job} (every job when null), newest first, including failed and retired ones. */
  public List<BatchInfo> batches(String job) {
    return store.read("list batches", c -> Batches.ofJob(c, store.dialect(), job));
  }

  /** What {@code job} serves: its base and current refresh, read in one snapshot; empty when it serves nothing. */
  public Optional<Serving> serving(String job) {
    return store.read("read what job '" + job + "' serves", c -> {
      Optional<BatchInfo> base = Batches.current(c, store.dialect(), job);
      return base.isEmpty() ? Optional.<Serving>empty()
          : Optional.of(new Serving(base.get(), Batches.currentRefresh(c, store.dialect(), job).orElse(null)));
    });
  }

  /** The full batch {@code job} serves (its base), if any. */
  public Optional<BatchInfo> current(String job) {
    return store.read("read the current batch of job '" + job + "'", c -> Batches.current(c, store.dialect(), job));
  }

  /**
   * Every job that has a batch, sorted by name, with what it serves and whether its latest run failed: what
   * {@code larder status} reports, read in one snapshot.
   */
  public List<JobStatus> jobStatuses() {
    return store.read("read the status of every job", c -> JobStatus.of(Batches.ofJob(c, store.dialect(), null)));
  }

  /** Jobs that have a current batch, sorted by name. */
  public List<String> jobs() {
    return store.read("list jobs", Batches::servingJobs);
  }

  private List<RankedItem> ranked(Connection c, long batchId, String sql, Object... args) throws SQLException {
    List<RankedItem> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      readRanked(ps, new long[] {batchId}, out);
    }
    return out;
  }

  /**
   * Reads (rank, item, score, batch_id) rows into {@code out}, each checked to come from batch {@code batchId[0]};
   * a negative {@code batchId[0]} takes the first row's batch.
   */
  private Void readRanked(PreparedStatement ps, long[] batchId, List<RankedItem> out) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (batchId[0] < 0) batchId[0] = rs.getLong(4);
        checkBatch(rs.getLong(4), batchId[0]);
        out.add(new RankedItem(rs.getInt(1), rs.getString(2), rs.getFloat(3)));
      }
    }
    return null;
  }

  private void checkBatch(long from, long batchId) {
    if (from != batchId) {
      // the read transaction is a snapshot; reaching this means the store broke that promise
      throw new StoreException("store " + store.name() + ": a read mixed batch " + from + " into batch "
          + batchId, "report this: the store's isolation is not what Larder requires", null);
    }
  }

  private Duration age(BatchInfo b) {
    return Current.age(b, clock);
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new InputException("request", 0, "limit", limit + " is below 1", "ask for at least one item");
    }
  }
}
