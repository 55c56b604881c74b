package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.StoreException;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.store.Dialect;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading segments, and recommendations with the segment-aware fallback, on SQLite and PostgreSQL. */
abstract class SegmentReaderContract {
  static final int CUSTOMERS = 600;
  static final int K = 4;

  TestStore db;
  Store store;
  Publisher pub;
  SegmentReader segments;
  PredictionReader reader;
  final IdMap customers = new IdMap();

  /** A fresh, empty store for each test (nothing created yet), removed after it. */
  abstract TestStore newStore();

  abstract Dialect dialect();

  @BeforeEach void open() {
    db = newStore();
    for (int c = 0; c < CUSTOMERS; c++) customers.intern("c" + c);
  }

  void openStore() {
    store = db.open(Store::open);
    pub = new Publisher(store);
    segments = new SegmentReader(store);
    reader = new PredictionReader(store);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  /** Generation gen: customer c in segment 1 + (7c + gen) mod K, at distance gen*1000 + (c mod 7)/8. */
  static int segment(int c, int gen) { return 1 + (7 * c + gen) % K; }

  static float distance(int c, int gen) { return gen * 1000 + (c % 7) / 8f; }

  static String label(int s, int gen) { return "g" + gen + "-s" + s; }

  static Map<String, Double> centroid(int s, int gen) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("recency_days", gen + s / 10.0);
    m.put("frequency", (double) s);
    return m;
  }

  BatchInfo publishSegments(String job, int gen, boolean rfm, int keep) {
    return publishSegments(job, gen, rfm, keep, larder.core.BatchMetrics.NONE);
  }

  BatchInfo publishSegments(String job, int gen, boolean rfm, int keep, larder.core.BatchMetrics metrics) {
    int[] seg = new int[CUSTOMERS];
    float[] dist = new float[CUSTOMERS];
    double[] r = new double[CUSTOMERS];
    double[] f = new double[CUSTOMERS];
    double[] m = new double[CUSTOMERS];
    short[] score = new short[CUSTOMERS];
    for (int c = 0; c < CUSTOMERS; c++) {
      seg[c] = segment(c, gen);
      dist[c] = distance(c, gen);
      r[c] = c + 0.5;
      f[c] = gen;
      m[c] = c * 2.25;
      score[c] = c % 2 == 0 ? 0 : (short) 345;
    }
    List<SegmentProfile> profiles = new ArrayList<>();
    for (int s = 1; s <= K; s++) {
      long size = 0;
      for (int c = 0; c < CUSTOMERS; c++) if (seg[c] == s) size++;
      profiles.add(new SegmentProfile(s, label(s, gen), size, size / (double) CUSTOMERS, rfm ? 10.0 * s : null,
          rfm ? 9.0 * s : null, null, null, rfm ? 1.5 : null, rfm ? 1.25 : null, centroid(s, gen)));
    }
    try (BatchLoader w = pub.begin(job, BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      if (!metrics.isEmpty()) w.setMetrics(metrics);
      w.segments().writeAssignment(new SegmentAssignment(customers, seg, dist, rfm ? new SegmentAssignment.Rfm(r, f, m, score) : null));
      w.segments().writeProfiles(profiles);
      w.segments().writeTransitions(List.of(new SegmentTransition(2, 1, 7), new SegmentTransition(null, 3, gen),
          new SegmentTransition(1, null, 4), new SegmentTransition(1, 1, 100)));
      return w.publish(keep);
    }
  }

  /** Customers c0..c9 have lists of their own; segments 1..K-1 have lists (K has none); fallback "top". */
  BatchInfo publishRecommendations(String job, String segmentJob, int keep) {
    IdMap items = new IdMap();
    for (int i = 0; i < 50; i++) items.intern("i" + i);
    items.intern("top");
    try (BatchLoader w = pub.begin(job, BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(customers, items);
      for (int c = 0; c < 10; c++) sink.accept(c, new int[] {c, c + 1, c + 2}, new float[] {3, 2, 1}, 3);
      w.recommendations().writeFallback(new int[] {items.idOf("top")}, new float[] {1}, 1, items);
      if (segmentJob != null) {
        w.recommendations().setSegmentJob(segmentJob);
        for (int s = 1; s < K; s++) w.recommendations().writeSegmentFallback(s, new int[] {10 * s, 10 * s + 1}, new float[] {s, 0.5f}, 2, items);
      }
      return w.publish(keep);
    }
  }

  @Test void aCustomersSegmentWithItsRfmValuesLabelAndBatch() {
    openStore();
    BatchInfo b = publishSegments("seg", 1, true, 2);
    SegmentReader at = new SegmentReader(store, Clock.fixed(b.publishedAt().plusSeconds(30), ZoneOffset.UTC));
    CustomerSegment s = at.segmentOf("seg", "c7");
    assertThat(s.segmentId()).isEqualTo(segment(7, 1));
    assertThat(s.segmentLabel()).isEqualTo(label(segment(7, 1), 1));
    assertThat(s.distance()).isEqualTo(distance(7, 1));
    assertThat(s.recencyDays()).isEqualTo(7.5);
    assertThat(s.frequency()).isEqualTo(1.0);
    assertThat(s.monetary()).isEqualTo(7 * 2.25);
    assertThat(s.rfmScore()).isEqualTo("345");
    assertThat(segments.segmentOf("seg", "c8").rfmScore()).isNull();
    assertThat(s.batchId()).isEqualTo(b.id());
    assertThat(s.age()).isEqualTo(Duration.ofSeconds(30));

    publishSegments("features", 1, false, 2);
    CustomerSegment plain = segments.segmentOf("features", "c7");
    assertThat(plain.recencyDays()).isNull();
    assertThat(plain.frequency()).isNull();
    assertThat(plain.monetary()).isNull();
    assertThat(plain.rfmScore()).isNull();
  }

  @Test void unknownJobsCustomersAndSegmentsAreNotFoundWithAHint() {
    openStore();
    publishSegments("seg", 1, true, 2);
    publishRecommendations("shop", null, 2);
    assertThatThrownBy(() -> segments.segmentOf("seg", "nobody")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("customer 'nobody'").hasMessageContaining("job 'seg'")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("customer id"));
    assertThatThrownBy(() -> segments.segmentOf("segs", "c1")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'segs'").hasMessageContaining("known segments jobs: seg");
    assertThatThrownBy(() -> segments.profiles("shop")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("job 'shop' serves recommendations, not segments");
    assertThatThrownBy(() -> reader.recommend("seg", "c1", 5)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("job 'seg' serves segments, not recommendations")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("shop"));
    assertThatThrownBy(() -> segments.members("seg", 99, null, 10)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("segment 99").hasMessageContaining("[1, 2, 3, 4]");
    assertThatThrownBy(() -> segments.forEachMember("seg", 99, m -> {})).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> segments.members("seg", 1, null, 0)).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> segments.members("seg", 1, null, SegmentReader.MAX_PAGE + 1))
        .isInstanceOf(InputException.class).hasMessageContaining("limit");
  }

  List<String> expectedMembers(int s, int gen) {
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c++) if (segment(c, gen) == s) ids.add("c" + c);
    ids.sort(null); // ASCII ids: String order is the stores' byte order
    return ids;
  }

  @Test void pagesWalkASegmentInCustomerOrderCompletelyAndWithinTheLimit() {
    openStore();
    BatchInfo b = publishSegments("seg", 2, true, 2);
    for (int s = 1; s <= K; s++) {
      List<String> walked = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        SegmentMembers page = segments.members("seg", s, after, 37);
        assertThat(page.members()).hasSizeLessThanOrEqualTo(37);
        assertThat(page.batchId()).isEqualTo(b.id());
        assertThat(page.segmentLabel()).isEqualTo(label(s, 2));
        for (SegmentMember m : page.members()) {
          int c = Integer.parseInt(m.customerId().substring(1));
          assertThat(m.distance()).isEqualTo(distance(c, 2));
          assertThat(m.monetary()).isEqualTo(c * 2.25);
          walked.add(m.customerId());
        }
        if (page.nextAfter() != null) {
          assertThat(page.members()).hasSize(37);
          assertThat(page.nextAfter()).isEqualTo(page.members().get(36).customerId());
        }
        after = page.nextAfter();
        pages++;
      } while (after != null);
      List<String> expected = expectedMembers(s, 2);
      assertThat(walked).containsExactlyElementsOf(expected);
      assertThat(pages).isEqualTo((expected.size() + 36) / 37 + (expected.size() % 37 == 0 ? 1 : 0));
    }
    String last = expectedMembers(1, 2).get(expectedMembers(1, 2).size() - 1);
    SegmentMembers beyond = segments.members("seg", 1, last, 10);
    assertThat(beyond.members()).isEmpty();
    assertThat(beyond.nextAfter()).isNull();
  }

  /** Metrics of a batch counted against {@code previous} (null: as stored before previous_batch was recorded). */
  static larder.core.BatchMetrics comparedWith(Long previous) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(larder.core.BatchMetrics.STAYED_SHARE, 0.5);
    if (previous != null) m.put(larder.core.BatchMetrics.PREVIOUS_BATCH, previous);
    return larder.core.BatchMetrics.of(m);
  }

  @Test void membersComeWithTheirPreviousSegmentAndTheMovedInFilterKeepsThoseWhoChangedIt() {
    openStore();
    SegmentMoves moves = new SegmentMoves(store);
    BatchInfo first = publishSegments("seg", 0, true, 3);
    MovedMembers alone = moves.members("seg", 1, null, 1000, false);
    assertThat(alone.previousBatchId()).isNull();
    assertThat(alone.previousKept()).isFalse();
    assertThat(alone.members()).extracting(MovedMember::previousSegment).containsOnlyNulls();
    assertThatThrownBy(() -> moves.members("seg", 1, null, 10, true)).isInstanceOf(InputException.class)
        .hasMessageContaining("the job's first");

    // generation 1 puts every customer one segment further: everyone moved
    BatchInfo second = publishSegments("seg", 1, true, 3, comparedWith(first.id()));
    for (int s = 1; s <= K; s++) {
      List<String> walked = new ArrayList<>();
      String after = null;
      do {
        MovedMembers page = moves.members("seg", s, after, 37, false);
        assertThat(page.batchId()).isEqualTo(second.id());
        assertThat(page.previousBatchId()).isEqualTo(first.id());
        assertThat(page.segmentLabel()).isEqualTo(label(s, 1));
        for (MovedMember m : page.members()) {
          int c = Integer.parseInt(m.member().customerId().substring(1));
          assertThat(m.previousSegment()).isEqualTo(segment(c, 0));
          assertThat(m.movedIn(s)).isTrue();
          assertThat(m.member().monetary()).isEqualTo(c * 2.25);
          walked.add(m.member().customerId());
        }
        after = page.nextAfter();
      } while (after != null);
      assertThat(walked).containsExactlyElementsOf(expectedMembers(s, 1));
      assertThat(moves.members("seg", s, null, 1000, true).members()).hasSize(walked.size());
    }

    // generation 4 puts them back where generation 0 had them, but it is counted against generation 1
    BatchInfo third = publishSegments("seg", 4, true, 3, comparedWith(second.id()));
    MovedMembers back = moves.members("seg", 2, null, 1000, false);
    assertThat(back.previousBatchId()).isEqualTo(second.id());
    assertThat(back.members()).isNotEmpty().allSatisfy(m -> assertThat(m.previousSegment()).isEqualTo(3));
    // against generation 0 nobody moved: a batch stored before previous_batch was recorded is compared with the
    // latest published batch before it
    publishSegments("seg", 0, true, 3, comparedWith(null));
    BatchInfo fourth = reader.current("seg").orElseThrow();
    MovedMembers still = moves.members("seg", 2, null, 1000, false);
    assertThat(still.previousBatchId()).isEqualTo(third.id());
    assertThat(still.members()).isNotEmpty().allSatisfy(m -> assertThat(m.previousSegment()).isEqualTo(2));
    MovedMembers none = moves.members("seg", 2, null, 1000, true);
    assertThat(none.members()).isEmpty();
    assertThat(none.movedInOnly()).isTrue();
    assertThat(none.nextAfter()).isNull();

    // keep: 1 retires the previous batch: previous segments are unknown, not "new"
    publishSegments("seg", 1, true, 1, comparedWith(fourth.id()));
    MovedMembers unknown = moves.members("seg", 1, null, 10, false);
    assertThat(unknown.previousBatchId()).isEqualTo(fourth.id());
    assertThat(unknown.previousKept()).isFalse();
    assertThatThrownBy(() -> moves.members("seg", 1, null, 10, true)).isInstanceOf(InputException.class)
        .hasMessageContaining("no longer kept");
    assertThatThrownBy(() -> moves.members("seg", 1, null, 0, false)).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> moves.members("nope", 1, null, 10, false)).isInstanceOf(NotFoundException.class);
  }

  @Test void aSampleOfCustomersIsCappedTheSameOnEveryReadAndFromTheCurrentBatch() {
    openStore();
    publishSegments("seg", 0, true, 2);
    BatchInfo b = publishSegments("seg", 1, true, 2);
    CustomerSample sampler = new CustomerSample(store);
    CustomerSample.Sample s = sampler.read("seg", 100);
    assertThat(s.batchId()).isEqualTo(b.id());
    assertThat(s.customers()).isEqualTo(CUSTOMERS);
    assertThat(s.points()).hasSize(100).doesNotHaveDuplicates();
    assertThat(sampler.read("seg", 100)).isEqualTo(s);
    for (CustomerSample.Point p : s.points()) {
      int c = Integer.parseInt(p.customerId().substring(1));
      assertThat(p.segmentId()).isEqualTo(segment(c, 1));
      assertThat(p.recencyDays()).isEqualTo(c + 0.5);
      assertThat(p.monetary()).isEqualTo(c * 2.25);
    }
    // spread over the ids, not the first 100 in any order
    assertThat(s.points().stream().mapToInt(p -> Integer.parseInt(p.customerId().substring(1))).max().getAsInt())
        .isGreaterThan(300);
    assertThat(s.points()).extracting(CustomerSample.Point::segmentId).isSorted();
    // a larger sample keeps the smaller one's customers
    assertThat(sampler.read("seg", 300).points()).containsAll(s.points());
    assertThat(sampler.read("seg", 10_000).points()).hasSize(CUSTOMERS);
  }

  @Test void streamingGivesEveryMemberInOrderFromOneSnapshot() {
    openStore();
    BatchInfo b1 = publishSegments("seg", 1, true, 3);
    int s = 3;
    List<String> streamed = new ArrayList<>();
    AtomicInteger starts = new AtomicInteger();
    AtomicReference<BatchInfo> started = new AtomicReference<>();
    long n = segments.forEachMember("seg", s, new MemberConsumer() {
      @Override public void start(BatchInfo batch, String segmentLabel) {
        assertThat(streamed).isEmpty();
        starts.incrementAndGet();
        started.set(batch);
        assertThat(segmentLabel).isEqualTo(label(s, 1));
      }

      @Override public void accept(SegmentMember m) {
        if (streamed.size() == 1) publishSegments("seg", 2, true, 3); // a switch mid-stream changes nothing read
        int c = Integer.parseInt(m.customerId().substring(1));
        assertThat(m.distance()).isEqualTo(distance(c, 1));
        streamed.add(m.customerId());
      }
    });
    assertThat(starts.get()).isEqualTo(1);
    assertThat(started.get().id()).isEqualTo(b1.id());
    assertThat(streamed).containsExactlyElementsOf(expectedMembers(s, 1));
    assertThat(n).isEqualTo(streamed.size());
    assertThat(segments.segmentOf("seg", "c1").segmentId()).isEqualTo(segment(1, 2)); // the publish did happen
    List<String> second = new ArrayList<>();
    segments.forEachMember("seg", s, m -> second.add(m.customerId()));
    assertThat(second).containsExactlyElementsOf(expectedMembers(s, 2));
  }

  @Test void profilesAndTransitionsRoundTrip() {
    openStore();
    BatchInfo b = publishSegments("seg", 1, true, 2);
    SegmentProfiles p = segments.profiles("seg");
    assertThat(p.batchId()).isEqualTo(b.id());
    assertThat(p.profiles()).extracting(SegmentProfile::segmentId).containsExactly(1, 2, 3, 4);
    for (SegmentProfile sp : p.profiles()) {
      int s = sp.segmentId();
      assertThat(sp.label()).isEqualTo(label(s, 1));
      assertThat(sp.size()).isEqualTo(expectedMembers(s, 1).size());
      assertThat(sp.share()).isEqualTo(expectedMembers(s, 1).size() / (double) CUSTOMERS);
      assertThat(sp.recencyMean()).isEqualTo(10.0 * s);
      assertThat(sp.frequencyMean()).isNull();
      assertThat(sp.monetaryMedian()).isEqualTo(1.25);
      assertThat(sp.centroid()).containsExactlyEntriesOf(centroid(s, 1));
    }
    SegmentTransitions t = segments.transitions("seg");
    assertThat(t.batchId()).isEqualTo(b.id());
    assertThat(t.transitions()).containsExactly(new SegmentTransition(null, 3, 1), new SegmentTransition(1, null, 4),
        new SegmentTransition(1, 1, 100), new SegmentTransition(2, 1, 7));
  }

  @Test void previousForStabilityGivesTheCurrentBatchItsProfilesAndEveryAssignment() {
    openStore();
    assertThat(segments.previousForStability("seg")).isEmpty();
    publishSegments("seg", 1, true, 2);
    BatchInfo b2 = publishSegments("seg", 2, true, 2);
    PreviousSegments prev = segments.previousForStability("seg").orElseThrow();
    assertThat(prev.batchId()).isEqualTo(b2.id());
    assertThat(prev.customers()).isEqualTo(CUSTOMERS);
    assertThat(prev.profiles()).extracting(SegmentProfile::label).containsExactly("g2-s1", "g2-s2", "g2-s3", "g2-s4");
    assertThat(prev.profiles().get(1).centroid()).containsExactlyEntriesOf(centroid(2, 2));
    // a run publishing meanwhile (the job's own, in practice) does not change what is streamed
    publishSegments("seg", 3, true, 2);
    List<String> ids = new ArrayList<>();
    long n = prev.forEachAssignment((customer, segment) -> {
      assertThat(segment).isEqualTo(segment(Integer.parseInt(customer.substring(1)), 2));
      ids.add(customer);
    });
    assertThat(n).isEqualTo(CUSTOMERS);
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertThat(ids).isEqualTo(sorted).doesNotHaveDuplicates();
    publishSegments("seg", 4, true, 1); // retires batch 2
    assertThatThrownBy(() -> prev.forEachAssignment((c, s) -> {})).isInstanceOf(StoreException.class)
        .hasMessageContaining("batch " + b2.id());
    publishRecommendations("shop", null, 2);
    assertThatThrownBy(() -> segments.previousForStability("shop")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'shop'").hasMessageContaining("'recommendations'");
  }

  @Test void recommendationsFallBackToTheUsersSegmentThenToTheJobsList() throws SQLException {
    openStore();
    publishSegments("seg", 1, true, 2);
    BatchInfo rec = publishRecommendations("shop", "seg", 2);
    int own = 4;
    Recommendations r = reader.recommend("shop", "c" + own, 10);
    assertThat(r.source()).isEqualTo(Recommendations.USER);
    assertThat(r.segmentId()).isNull();
    assertThat(r.items()).extracting(RankedItem::itemId).containsExactly("i4", "i5", "i6");

    int inSegment = firstCustomer(c -> c >= 10 && segment(c, 1) == 2, 1);
    r = reader.recommend("shop", "c" + inSegment, 10);
    assertThat(r.source()).isEqualTo(Recommendations.SEGMENT);
    assertThat(r.segmentId()).isEqualTo(2);
    assertThat(r.segmentLabel()).isEqualTo(label(2, 1));
    assertThat(r.batchId()).isEqualTo(rec.id());
    assertThat(r.items()).containsExactly(new RankedItem(1, "i20", 2f), new RankedItem(2, "i21", 0.5f));
    assertThat(reader.recommend("shop", "c" + inSegment, 1).items()).hasSize(1);
    // items the user interacted with after the batch leave the segment's list and the own list, for that user only
    larder.store.Events.record(store, List.of(
        new larder.store.Events.Event("shop", "c" + inSegment, "i20", java.time.Instant.now()),
        new larder.store.Events.Event("shop", "c" + own, "i5", java.time.Instant.now())));
    assertThat(reader.recommend("shop", "c" + inSegment, 10).items()).containsExactly(new RankedItem(2, "i21", 0.5f));
    assertThat(reader.recommend("shop", "c" + own, 10).items()).extracting(RankedItem::itemId).containsExactly("i4", "i6");

    int inListless = firstCustomer(c -> c >= 10 && segment(c, 1) == K, 1);
    r = reader.recommend("shop", "c" + inListless, 10);
    assertThat(r.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(r.items()).containsExactly(new RankedItem(1, "top", 1f));
    assertThat(reader.recommend("shop", "stranger", 10).source()).isEqualTo(Recommendations.FALLBACK);

    // the segment comes from the segments job's current batch: a new segmentation moves the customer
    publishSegments("seg", 2, true, 2);
    r = reader.recommend("shop", "c" + inSegment, 10);
    assertThat(r.segmentId()).isEqualTo(segment(inSegment, 2));

    // the documented single query agrees with the reader on every level
    for (String user : List.of("c" + own, "c" + inSegment, "c" + inListless, "stranger", "c" + (CUSTOMERS - 1))) {
      Recommendations want = reader.recommend("shop", user, 10);
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(Schema.RECOMMEND_SQL)) {
        ps.setString(1, "shop");
        ps.setString(2, user);
        ps.setString(3, user);
        ps.setString(4, "shop");
        ps.setString(5, "shop");
        ps.setString(6, user);
        ps.setInt(7, 10);
        List<RankedItem> got = new ArrayList<>();
        String level = null;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            level = switch (rs.getInt(1)) {
              case 1 -> Recommendations.USER;
              case 2 -> Recommendations.SEGMENT;
              default -> Recommendations.FALLBACK;
            };
            Object segmentId = rs.getObject(2);
            assertThat(segmentId == null ? null : ((Number) segmentId).intValue()).isEqualTo(want.segmentId());
            got.add(new RankedItem(rs.getInt(3), rs.getString(4), rs.getFloat(5)));
            assertThat(rs.getLong(6)).isEqualTo(rec.id());
          }
        }
        assertThat(level).as("user %s", user).isEqualTo(want.source());
        assertThat(got).as("user %s", user).isEqualTo(want.items());
      }
    }

    // a batch without segment lists does not look segments up
    publishRecommendations("plain", null, 2);
    assertThat(reader.recommend("plain", "c" + inSegment, 10).source()).isEqualTo(Recommendations.FALLBACK);
    // where a list's segment is looked up, for showing it beside any list of the batch
    assertThat(reader.segmentJob(rec.id())).contains("seg");
    assertThat(reader.segmentJob(reader.current("plain").orElseThrow().id())).isEmpty();
  }

  static int firstCustomer(java.util.function.IntPredicate p, int from) {
    for (int c = from; c < CUSTOMERS; c++) if (p.test(c)) return c;
    throw new AssertionError("no such customer");
  }

  @Test void answersNeverMixBatchesWhileSegmentsPublish() throws Exception {
    openStore();
    publishSegments("seg", 1, true, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread t = new Thread(() -> {
      try {
        while (!done.get()) {
          int c = ThreadLocalRandom.current().nextInt(CUSTOMERS);
          CustomerSegment cs = segments.segmentOf("seg", "c" + c);
          int gen = (int) Math.floor(cs.distance() / 1000);
          assertThat(cs.segmentId()).isEqualTo(segment(c, gen));
          assertThat(cs.segmentLabel()).isEqualTo(label(cs.segmentId(), gen));
          SegmentMembers page = segments.members("seg", 2, null, 50);
          int pageGen = (int) Math.floor(page.members().get(0).distance() / 1000);
          assertThat(page.segmentLabel()).isEqualTo(label(2, pageGen));
          assertThat(page.members()).extracting(SegmentMember::customerId)
              .containsExactlyElementsOf(expectedMembers(2, pageGen).subList(0, 50));
          SegmentProfiles p = segments.profiles("seg");
          String first = p.profiles().get(0).label();
          String prefix = first.substring(0, first.length() - 1); // "g<gen>-s": one generation throughout
          assertThat(p.profiles()).extracting(SegmentProfile::label)
              .containsExactly(prefix + "1", prefix + "2", prefix + "3", prefix + "4");
          reads.incrementAndGet();
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    for (int gen = 2; gen <= 6; gen++) publishSegments("seg", gen, true, 1);
    done.set(true);
    t.join();
    if (failure.get() != null) throw new AssertionError("after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isPositive();
  }

  @Test void aVersion1StoreIsUpgradedInPlaceAndKeepsServing() throws SQLException {
    Dialect d = dialect();
    boolean pg = d.kind() == Dialect.Kind.POSTGRES;
    String ts = pg ? "now()" : "'2024-05-01T03:00:00.000000Z'";
    try (Connection c = db.connect()) {
      Store.execute(c, d.migration(0).toArray(String[]::new));
      Store.execute(c, d.migration(1).toArray(String[]::new));
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (1, " + ts + ")",
          "INSERT INTO larder_batch (job, kind, model, params, metrics, created_at, published_at, status, rec_rows,"
              + " similar_rows, users) VALUES ('old', 'recommendations', 'als', '{}', '{\"ndcg\":0.3}', " + ts + ", "
              + ts + ", 'published', 4, 0, 2)");
      if (pg) {
        // as the version 1 loader left them: one partition per table of the batch
        Store.execute(c, "CREATE TABLE larder_rec_rows_1 PARTITION OF larder_rec_rows FOR VALUES IN (1)",
            "CREATE TABLE larder_fallback_rows_1 PARTITION OF larder_fallback_rows FOR VALUES IN (1)");
      }
      Store.execute(c, "INSERT INTO larder_rec_rows (batch_id, user_id, rank, item_id, score) VALUES"
              + " (1, 'u1', 1, 'i1', 2.0), (1, 'u1', 2, 'i2', 1.0), (1, 'u2', 1, 'i3', 2.0), (1, 'u2', 2, 'i1', 1.0)",
          "INSERT INTO larder_fallback_rows (batch_id, rank, item_id, score) VALUES (1, 1, 'i9', 5.0)",
          "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('old', 1, " + ts + ")");
    }
    openStore();
    assertThat(Schema.version(store)).isEqualTo(Schema.VERSION); // through every version since 1
    Recommendations r = reader.recommend("old", "u1", 10);
    assertThat(r.batchId()).isEqualTo(1);
    assertThat(r.items()).containsExactly(new RankedItem(1, "i1", 2f), new RankedItem(2, "i2", 1f));
    assertThat(reader.recommend("old", "u9", 10).items()).containsExactly(new RankedItem(1, "i9", 5f));
    BatchInfo old = reader.current("old").orElseThrow();
    assertThat(old.rows()).isEqualTo(4);
    assertThat(old.keys()).isEqualTo(2);
    assertThat(old.metrics().toJson()).isEqualTo("{\"ndcg\":0.3}");
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT segments, segment_job, rec_rows, users, is_current FROM larder_batches WHERE batch_id = 1")) {
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isZero();
        assertThat(rs.getString(2)).isNull();
        assertThat(rs.getLong(3)).isEqualTo(4);
        assertThat(rs.getLong(4)).isEqualTo(2);
        assertThat(rs.getBoolean(5)).isTrue();
      }
    }
    // the upgraded store takes new batches of both kinds, and retires the old one like any other
    publishSegments("seg", 1, true, 1);
    BatchInfo next = publishRecommendations("old", "seg", 1);
    assertThat(reader.batches("old")).extracting(BatchInfo::status).containsExactly("published", "retired");
    assertThat(reader.recommend("old", "c3", 10).items().get(0).itemId()).isEqualTo("i3");
    try (Connection c = db.connect()) {
      for (RowTable t : List.of(RowTable.RECOMMENDATIONS, RowTable.FALLBACK)) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + t.table() + " WHERE batch_id = 1");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).as(t.table()).isZero();
        }
      }
    }
    assertThat(next.status()).isEqualTo("published");
    try (Store again = Store.open(db.location())) {
      assertThat(Schema.version(again)).isEqualTo(Schema.VERSION); // opening again changes nothing
    }
    assertThat(Optional.of(segments.segmentOf("seg", "c1").segmentId())).contains(segment(1, 1));
  }
}
