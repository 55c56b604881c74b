package larder.serve;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.StoreException;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.store.Batches;
import larder.store.CentroidJson;
import larder.store.Dialect;
import larder.store.Store;

/**
 * The read side of segments jobs, shared by the CLI and HTTP. Reads through the views
 * ({@code larder_segments}, {@code larder_segment_profiles}, {@code larder_segment_transitions},
 * {@code larder_batches}); each answer is read in one snapshot, so its rows come from one batch even
 * while a publish switches the job. Thread-safe.
 *
 * <pre>{@code
 * SegmentReader segments = new SegmentReader(store);
 * CustomerSegment s = segments.segmentOf("shop-segments", "c42");
 * SegmentMembers page = segments.members("shop-segments", 3, null, 1000);   // then page.nextAfter()
 * segments.forEachMember("shop-segments", 3, m -> csv.write(m));            // every member, streamed
 * }</pre>
 */
public final class SegmentReader {
  /** The largest page {@link #members} returns. */
  public static final int MAX_PAGE = 10_000;

  private static final int FETCH = 10_000;
  private static final String MEMBER_COLUMNS = "customer_id, distance, recency_days, frequency, monetary, rfm_score,"
      + " batch_id";

  private final Store store;
  private final Clock clock;

  public SegmentReader(Store store) {
    this(store, Clock.systemUTC());
  }

  /** @param clock used for {@code age} */
  public SegmentReader(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The segment of {@code customerId} in {@code job}'s current batch, with its RFM values.
   *
   * @throws NotFoundException when the job has no current batch, serves another kind, or its batch
   *     does not have the customer
   */
  public CustomerSegment segmentOf(String job, String customerId) {
    Dialect d = store.dialect();
    return store.read("read the segment of customer '" + customerId + "' in job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SEGMENTS);
      try (PreparedStatement ps = c.prepareStatement("SELECT segment_id, segment_label, " + MEMBER_COLUMNS
          + " FROM larder_segments WHERE job = ? AND customer_id = ?")) {
        ps.setString(1, job);
        ps.setString(2, customerId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NotFoundException("customer '" + customerId + "' is not in batch " + b.id() + " of job '" + job
                + "' (" + b.keys() + " customers)", "check the customer id; a batch has the customers the job's"
                + " source had when it ran");
          }
          checkBatch(rs.getLong("batch_id"), b.id());
          SegmentMember m = member(rs);
          return new CustomerSegment(job, customerId, rs.getInt("segment_id"), rs.getString("segment_label"),
              m.distance(), m.recencyDays(), m.frequency(), m.monetary(), m.rfmScore(), b.id(), b.publishedAt(),
              Current.age(b, clock));
        }
      }
    });
  }

  /**
   * One page of the members of segment {@code segmentId}, ordered by customer id (the store's byte
   * order): those after {@code afterCustomerId}, or from the first when it is null. Keyset paging: pass
   * the page's {@link SegmentMembers#nextAfter()} to get the next one. Pages of one walk may come from
   * different batches when a publish happens in between; each page says its batch.
   *
   * @throws InputException when {@code limit} is not 1..{@value #MAX_PAGE}
   * @throws NotFoundException when the job has no current segments batch or the batch has no such segment
   */
  public SegmentMembers members(String job, int segmentId, String afterCustomerId, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InputException("request", 0, "limit", limit + " is not between 1 and " + MAX_PAGE,
          "page through a segment with 'after', or stream it whole");
    }
    Dialect d = store.dialect();
    return store.read("read members of segment " + segmentId + " of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SEGMENTS);
      String label = label(c, job, segmentId);
      List<SegmentMember> out = new ArrayList<>(Math.min(limit, 1024));
      boolean more = false;
      // batch_id pinned (it is the current one in this snapshot): PostgreSQL then reads the one partition's
      // segment index in order instead of sorting the whole segment for every page
      try (PreparedStatement ps = c.prepareStatement("SELECT " + MEMBER_COLUMNS + " FROM larder_segments"
          + " WHERE job = ? AND batch_id = ? AND segment_id = ?"
          + (afterCustomerId == null ? "" : " AND customer_id > ?") + " ORDER BY customer_id LIMIT ?")) {
        int p = 1;
        ps.setString(p++, job);
        ps.setLong(p++, b.id());
        ps.setInt(p++, segmentId);
        if (afterCustomerId != null) ps.setString(p++, afterCustomerId);
        ps.setInt(p, limit + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (out.size() == limit) {
              more = true;
              break;
            }
            checkBatch(rs.getLong("batch_id"), b.id());
            out.add(member(rs));
          }
        }
      }
      // A page after the last member is empty too; only a segment without a profile or members is unknown.
      if (out.isEmpty() && label == null && !hasMembers(c, job, segmentId)) throw unknownSegment(c, b, segmentId);
      String next = more ? out.get(out.size() - 1).customerId() : null;
      return new SegmentMembers(job, segmentId, label, b.id(), b.publishedAt(), Current.age(b, clock), out, next);
    });
  }

  /**
   * Streams every member of segment {@code segmentId} to {@code consumer} in customer id order, in one
   * snapshot and with bounded memory (rows are fetched {@value #FETCH} at a time, never all at once): for
   * exports of millions of customers. Runs inside a read transaction, so the consumer should write
   * somewhere, not wait on other work. Returns how many members were given.
   *
   * @throws NotFoundException when the job has no current segments batch or the batch has no such segment
   */
  public long forEachMember(String job, int segmentId, MemberConsumer consumer) {
    Dialect d = store.dialect();
    return store.read("stream members of segment " + segmentId + " of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SEGMENTS);
      String label = label(c, job, segmentId);
      if (label == null && !hasMembers(c, job, segmentId)) throw unknownSegment(c, b, segmentId);
      consumer.start(b, label);
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + MEMBER_COLUMNS + " FROM larder_segments"
          + " WHERE job = ? AND batch_id = ? AND segment_id = ? ORDER BY customer_id")) {
        ps.setFetchSize(FETCH);
        ps.setString(1, job);
        ps.setLong(2, b.id());
        ps.setInt(3, segmentId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            checkBatch(rs.getLong("batch_id"), b.id());
            consumer.accept(member(rs));
            n++;
          }
        }
      }
      return n;
    });
  }

  /**
   * The profiles of {@code job}'s current batch, by segment id (empty when the batch stored none).
   *
   * @throws NotFoundException when the job has no current segments batch
   */
  public SegmentProfiles profiles(String job) {
    Dialect d = store.dialect();
    return store.read("read segment profiles of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SEGMENTS);
      return new SegmentProfiles(job, b.id(), b.publishedAt(), Current.age(b, clock), profiles(c, job, b.id()));
    });
  }

  /**
   * The transitions into {@code job}'s current batch from the one before it (empty for a first batch).
   *
   * @throws NotFoundException when the job has no current segments batch
   */
  public SegmentTransitions transitions(String job) {
    Dialect d = store.dialect();
    return store.read("read segment transitions of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SEGMENTS);
      List<SegmentTransition> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT from_segment, to_segment, customers, batch_id"
          + " FROM larder_segment_transitions WHERE job = ?")) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            checkBatch(rs.getLong(4), b.id());
            out.add(new SegmentTransition(integer(rs, 1), integer(rs, 2), rs.getLong(3)));
          }
        }
      }
      // sorted here: SQLite and PostgreSQL order NULLs differently
      Comparator<Integer> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
      out.sort(Comparator.comparing(SegmentTransition::fromSegment, nullsFirst)
          .thenComparing(SegmentTransition::toSegment, nullsFirst));
      return new SegmentTransitions(job, b.id(), b.publishedAt(), Current.age(b, clock), out);
    });
  }

  /**
   * What the next run of segments job {@code job} needs from its current batch: the batch id, its
   * profiles with centroids, and its (customer, segment) pairs to stream. Empty when the job has not
   * published yet.
   *
   * @throws ConfigException when the job publishes another kind than segments
   */
  public Optional<PreviousSegments> previousForStability(String job) {
    Dialect d = store.dialect();
    return store.read("read the current segments of job '" + job + "'", c -> {
      Optional<BatchInfo> current = Batches.current(c, d, job);
      if (current.isEmpty()) return Optional.empty();
      BatchInfo b = current.get();
      if (b.kind() != BatchKind.SEGMENTS) {
        throw new ConfigException("kind", BatchKind.SEGMENTS.text(), "job '" + job + "' has published '" + b.kind()
            + "' batches; it cannot publish 'segments' batches",
            "publish the segments under a job name of their own, e.g. '" + job + "-segments'");
      }
      return Optional.of(new PreviousSegments(store, job, b.id(), b.keys(), profiles(c, job, b.id())));
    });
  }

  private List<SegmentProfile> profiles(Connection c, String job, long batchId) throws SQLException {
    List<SegmentProfile> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT segment_id, segment_label, size, share, recency_mean,"
        + " recency_median, frequency_mean, frequency_median, monetary_mean, monetary_median, centroid, batch_id"
        + " FROM larder_segment_profiles WHERE job = ? ORDER BY segment_id")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checkBatch(rs.getLong(12), batchId);
          out.add(new SegmentProfile(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
              Figures.stat(real(rs, 5)), Figures.stat(real(rs, 6)), Figures.stat(real(rs, 7)), Figures.stat(real(rs, 8)),
              Figures.money(real(rs, 9)), Figures.money(real(rs, 10)),
              CentroidJson.read(rs.getString(11))));
        }
      }
    }
    return out;
  }

  private static String label(Connection c, String job, int segmentId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT segment_label FROM larder_segment_profiles WHERE job = ? AND segment_id = ?")) {
      ps.setString(1, job);
      ps.setInt(2, segmentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static boolean hasMembers(Connection c, String job, int segmentId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM larder_segments WHERE job = ? AND segment_id = ? LIMIT 1")) {
      ps.setString(1, job);
      ps.setInt(2, segmentId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private NotFoundException unknownSegment(Connection c, BatchInfo b, int segmentId) throws SQLException {
    List<Integer> known = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT segment_id FROM larder_segment_profiles WHERE job = ? ORDER BY segment_id")) {
      ps.setString(1, b.job());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) known.add(rs.getInt(1));
      }
    }
    return new NotFoundException("segment " + segmentId + " is not in batch " + b.id() + " of job '" + b.job() + "'"
        + (known.isEmpty() ? "" : " (segments: " + known + ")"), "list the job's segments with their profiles");
  }

  private static SegmentMember member(ResultSet rs) throws SQLException {
    return new SegmentMember(rs.getString("customer_id"), rs.getFloat("distance"), real(rs, "recency_days"),
        real(rs, "frequency"), Figures.money(real(rs, "monetary")), rs.getString("rfm_score"));
  }

  private static Double real(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static Double real(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private void checkBatch(long from, long batchId) {
    if (from != batchId) {
      // the read transaction is a snapshot; reaching this means the store broke that promise
      throw new StoreException("store " + store.name() + ": a read mixed batch " + from + " into batch "
          + batchId, "report this: the store's isolation is not what Larder requires", null);
    }
  }
}
