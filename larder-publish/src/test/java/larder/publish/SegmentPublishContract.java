package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing segments batches (and segment fallback lists), run on SQLite and on PostgreSQL. */
abstract class SegmentPublishContract {
  TestStore db;
  Store store;
  Publisher pub;

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  /** A raw connection of its own, as an application would have. */
  abstract Connection rawConnection() throws SQLException;

  /** Tables (PostgreSQL partitions included) whose name starts with {@code prefix}. */
  abstract long tableCount(String prefix) throws SQLException;

  @BeforeEach void open() throws Exception {
    db = newStore();
    store = db.open(Store::open);
    pub = new Publisher(store);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  BatchInfo publishSegments(PlantedSegments p, String job, int gen, int keep) {
    try (BatchLoader w = pub.begin(job, BatchKind.SEGMENTS, "kmeans", BatchParams.of(Map.of("gen", gen)))) {
      w.segments().writeAssignment(p.assignment(gen));
      w.segments().writeProfiles(p.profiles(gen));
      w.segments().writeTransitions(p.transitions(gen));
      return w.publish(keep);
    }
  }

  long count(String sql, Object... args) throws SQLException {
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  String status(long batchId) throws SQLException {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batches WHERE batch_id = ?")) {
      ps.setLong(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Rows of {@code batchId} in every per-batch table. */
  long rowsAnywhere(long batchId) throws SQLException {
    long n = 0;
    for (RowTable t : RowTable.values()) n += count("SELECT count(*) FROM " + t.table() + " WHERE batch_id = ?", batchId);
    for (String t : Schema.SMALL_ROW_TABLES) n += count("SELECT count(*) FROM " + t + " WHERE batch_id = ?", batchId);
    return n;
  }

  @Test void aSegmentsBatchIsPublishedWithItsCountsAndReadThroughTheViews() throws Exception {
    PlantedSegments p = new PlantedSegments(2_000, 5, true);
    AtomicLong loaded = new AtomicLong();
    Publisher withProgress = new Publisher(store, PublishOptions.DEFAULTS, (phase, done, total, unit) -> {
      if (phase.equals("load")) loaded.set(done);
    });
    BatchInfo b;
    try (BatchLoader w = withProgress.begin("shop-segments", BatchKind.SEGMENTS, "kmeans", BatchParams.of(Map.of("k", 5)))) {
      assertThat(w.kind()).isEqualTo(BatchKind.SEGMENTS);
      w.segments().writeAssignment(p.assignment(1));
      w.segments().writeProfiles(p.profiles(1));
      w.segments().writeTransitions(p.transitions(1));
      b = w.publish(3);
    }
    assertThat(b.kind()).isEqualTo(BatchKind.SEGMENTS);
    assertThat(b.status()).isEqualTo("published");
    assertThat(b.rows()).isEqualTo(2_000);
    assertThat(b.keys()).isEqualTo(2_000);
    assertThat(b.secondaryRows()).isEqualTo(5);
    assertThat(loaded.get()).isEqualTo(2_000);
    assertThat(count("SELECT users FROM larder_batches WHERE batch_id = ?", b.id())).isEqualTo(2_000);
    assertThat(count("SELECT segments FROM larder_batches WHERE batch_id = ?", b.id())).isEqualTo(5);
    assertThat(count("SELECT rec_rows FROM larder_batches WHERE batch_id = ?", b.id())).isZero();
    assertThat(count("SELECT count(*) FROM larder_batches WHERE batch_id = ? AND segment_job IS NULL", b.id())).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM larder_segment_transitions WHERE job = 'shop-segments'"))
        .isEqualTo(p.transitions(1).size());
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop-segments", 1);
    }
  }

  @Test void featureTableSegmentsHaveNullRfmColumns() throws Exception {
    PlantedSegments p = new PlantedSegments(300, 3, false);
    BatchInfo b = publishSegments(p, "features", 1, 2);
    assertThat(b.secondaryRows()).isEqualTo(3);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "features", 1);
    }
    assertThat(count("SELECT count(*) FROM larder_segment_profiles WHERE job = 'features' AND recency_mean IS NULL"
        + " AND frequency_median IS NULL AND monetary_mean IS NULL")).isEqualTo(3);
  }

  @Test void segmentIdsAreCountedFromTheRowsAndProfilesAndTransitionsAreOptional() throws Exception {
    PlantedSegments p = new PlantedSegments(100, 4, true);
    BatchInfo b;
    try (BatchLoader w = pub.begin("bare", BatchKind.SEGMENTS, "rules", BatchParams.NONE)) {
      w.segments().writeAssignment(p.assignment(2));
      b = w.publish(1);
    }
    assertThat(b.secondaryRows()).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM larder_segments WHERE job = 'bare' AND segment_label IS NULL")).isEqualTo(100);
    assertThat(count("SELECT count(*) FROM larder_segment_profiles WHERE job = 'bare'")).isZero();
  }

  @Test void aReaderNeverSeesAMixedOrEmptySegmentsBatchWhilePublishesRun() throws Exception {
    PlantedSegments p = new PlantedSegments(3_000, 6, true);
    publishSegments(p, "seg", 1, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread reader = new Thread(() -> {
      try (Connection c = rawConnection();
          PreparedStatement members = c.prepareStatement("SELECT customer_id, segment_label, distance, batch_id"
              + " FROM larder_segments WHERE job = ? AND segment_id = ?");
          PreparedStatement one = c.prepareStatement("SELECT segment_id, segment_label, distance FROM larder_segments"
              + " WHERE job = ? AND customer_id = ?")) {
        while (!done.get()) {
          int s = 1 + ThreadLocalRandom.current().nextInt(p.k);
          members.setString(1, "seg");
          members.setInt(2, s);
          List<Integer> gens = new ArrayList<>();
          List<Long> batches = new ArrayList<>();
          List<String> labels = new ArrayList<>();
          try (ResultSet rs = members.executeQuery()) {
            while (rs.next()) {
              int cu = Integer.parseInt(rs.getString(1).substring(1));
              int gen = PlantedSegments.generation(rs.getFloat(3));
              assertThat(p.segment(cu, gen)).isEqualTo(s);
              gens.add(gen);
              labels.add(rs.getString(2));
              batches.add(rs.getLong(4));
            }
          }
          assertThat(gens).as("a segment's members").isNotEmpty().containsOnly(gens.get(0));
          assertThat(batches).containsOnly(batches.get(0));
          assertThat(labels).containsOnly(PlantedSegments.label(s, gens.get(0)));
          assertThat((long) gens.size()).isEqualTo(p.size(s, gens.get(0)));
          int cu = ThreadLocalRandom.current().nextInt(p.n());
          one.setString(1, "seg");
          one.setString(2, "c" + cu);
          try (ResultSet rs = one.executeQuery()) {
            assertThat(rs.next()).as("customer c%d is always there", cu).isTrue();
            int gen = PlantedSegments.generation(rs.getFloat(3));
            assertThat(rs.getInt(1)).isEqualTo(p.segment(cu, gen));
            assertThat(rs.getString(2)).isEqualTo(PlantedSegments.label(p.segment(cu, gen), gen));
          }
          reads.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    for (int gen = 2; gen <= 6; gen++) publishSegments(p, "seg", gen, 2);
    done.set(true);
    reader.join();
    if (failure.get() != null) throw new AssertionError("reader failed after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isGreaterThan(5);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "seg", 6);
    }
  }

  @Test void aFailedRunLeavesThePreviousSegmentsBatchServingAndRemovesItsRows() throws Exception {
    PlantedSegments p = new PlantedSegments(1_000, 4, true);
    long b1 = publishSegments(p, "seg", 1, 3).id();
    long partitionsBefore = tableCount("larder_segment_rows");
    BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE);
    w.segments().writeAssignment(p.assignment(2));
    w.segments().writeProfiles(p.profiles(2));
    w.segments().writeTransitions(p.transitions(2));
    w.fail(new ModelException("k-means did not converge", "raise max_iterations"));
    assertThat(status(w.batchId())).isEqualTo("failed");
    assertThat(rowsAnywhere(w.batchId())).isZero();
    assertThat(tableCount("larder_segment_rows")).isEqualTo(partitionsBefore);
    assertThat(count("SELECT batch_id FROM larder_current WHERE job = 'seg'")).isEqualTo(b1);
    assertThat(count("SELECT segments FROM larder_batches WHERE batch_id = ?", w.batchId())).isZero();
    try (Connection c = rawConnection()) {
      p.assertServing(c, "seg", 1);
    }
    // closing without publishing is a failed run too, and the lock is free again
    long id;
    try (BatchLoader w2 = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      w2.segments().writeAssignment(p.assignment(3));
      id = w2.batchId();
    }
    assertThat(status(id)).isEqualTo("failed");
    assertThat(rowsAnywhere(id)).isZero();
    assertThat(publishSegments(p, "seg", 4, 3).status()).isEqualTo("published");
  }

  @Test void rollbackServesTheEarlierSegmentsBatchWithItsProfilesAndTransitions() throws Exception {
    PlantedSegments p = new PlantedSegments(500, 3, true);
    long b1 = publishSegments(p, "seg", 1, 3).id();
    long b2 = publishSegments(p, "seg", 2, 3).id();
    assertThat(pub.rollback("seg").id()).isEqualTo(b1);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "seg", 1);
    }
    assertThat(pub.rollback("seg", b2).id()).isEqualTo(b2);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "seg", 2);
    }
  }

  @Test void retiringABatchDropsItsRowsFromEveryTable() throws Exception {
    PlantedSegments p = new PlantedSegments(400, 3, true);
    List<Long> seg = new ArrayList<>();
    List<Long> rec = new ArrayList<>();
    for (int gen = 1; gen <= 3; gen++) {
      seg.add(publishSegments(p, "seg", gen, 1).id());
      rec.add(publishRecommendations("shop", "seg", gen, 1).id());
    }
    for (int i = 0; i < 2; i++) {
      assertThat(status(seg.get(i))).isEqualTo("retired");
      assertThat(status(rec.get(i))).isEqualTo("retired");
      assertThat(rowsAnywhere(seg.get(i))).isZero();
      assertThat(rowsAnywhere(rec.get(i))).isZero();
    }
    assertThat(tableCount("larder_segment_rows")).isLessThanOrEqualTo(2); // parent (PostgreSQL) + the current one
    assertThat(tableCount("larder_segment_fallback_rows")).isLessThanOrEqualTo(2);
    assertThat(count("SELECT count(*) FROM larder_segment_rows WHERE batch_id = ?", seg.get(2))).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM larder_segment_profile_rows WHERE batch_id = ?", seg.get(2))).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM larder_segment_transition_rows WHERE batch_id = ?", seg.get(2)))
        .isEqualTo(p.transitions(3).size());
    assertThat(count("SELECT count(*) FROM larder_segment_fallback_rows WHERE batch_id = ?", rec.get(2))).isEqualTo(3 * 2);
  }

  /** Users u0..u9 with lists, fallback i0, i1; one list per segment 1..3: items s*10, s*10+1. */
  BatchInfo publishRecommendations(String job, String segmentJob, int gen, int keep) {
    IdMap users = IdMap.sequential(10);
    IdMap items = new IdMap();
    for (int i = 0; i < 40; i++) items.intern("i" + i);
    try (BatchLoader w = pub.begin(job, BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < 10; u++) sink.accept(u, new int[] {u, u + 1}, new float[] {gen + 0.5f, gen + 0.25f}, 2);
      w.recommendations().writeFallback(new int[] {0, 1}, new float[] {2, 1}, 2, items);
      if (segmentJob != null) {
        w.recommendations().setSegmentJob(segmentJob);
        for (int s = 1; s <= 3; s++) w.recommendations().writeSegmentFallback(s, new int[] {s * 10, s * 10 + 1}, new float[] {9, 8}, 2, items);
      }
      return w.publish(keep);
    }
  }

  @Test void segmentFallbackListsArePublishedWithTheirSegmentJob() throws Exception {
    publishSegments(new PlantedSegments(50, 3, true), "seg", 1, 2);
    BatchInfo b = publishRecommendations("shop", "seg", 1, 2);
    assertThat(b.rows()).isEqualTo(20);
    assertThat(count("SELECT segments FROM larder_batches WHERE batch_id = ?", b.id())).isEqualTo(3);
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT segment_job FROM larder_batches WHERE batch_id = ?")) {
      ps.setLong(1, b.id());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("seg");
      }
    }
    assertThat(count("SELECT count(*) FROM larder_segment_fallback WHERE job = 'shop'")).isEqualTo(6);
    assertThat(count("SELECT rank FROM larder_segment_fallback WHERE job = 'shop' AND segment_id = 2 AND item_id = 'i21'"))
        .isEqualTo(2);
    BatchInfo plain = publishRecommendations("news", null, 1, 2);
    assertThat(count("SELECT segments FROM larder_batches WHERE batch_id = ?", plain.id())).isZero();
  }

  @Test void segmentFallbackNeedsASegmentsJobAndEachSegmentOnce() throws Exception {
    publishRecommendations("shop", null, 1, 2);
    IdMap items = IdMap.sequential(5);
    long id;
    try (BatchLoader w = pub.begin("other", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)) {
      id = w.batchId();
      assertThatThrownBy(() -> w.recommendations().setSegmentJob("shop")).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'shop' publishes 'recommendations' batches, not 'segments'");
      assertThatThrownBy(() -> w.recommendations().setSegmentJob("other")).isInstanceOf(ConfigException.class)
          .hasMessageContaining("this job itself");
      w.recommendations().writeSegmentFallback(1, new int[] {1}, new float[] {1}, 1, items);
      assertThatThrownBy(() -> w.recommendations().writeSegmentFallback(1, new int[] {2}, new float[] {1}, 1, items))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("segment 1 written twice");
      assertThatThrownBy(() -> w.recommendations().writeSegmentFallback(2, new int[] {2}, new float[] {Float.NaN}, 1, items))
          .isInstanceOf(ModelException.class).hasMessageContaining("fallback list of segment 2");
      assertThatThrownBy(() -> w.publish(2)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("setSegmentJob");
    }
    assertThat(status(id)).isEqualTo("failed");
    assertThat(rowsAnywhere(id)).isZero();
  }

  @Test void aJobCannotChangeItsKind() throws Exception {
    publishRecommendations("shop", null, 1, 2);
    assertThatThrownBy(() -> pub.begin("shop", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'shop'").hasMessageContaining("'recommendations'").hasMessageContaining("'segments'")
        .satisfies(e -> assertThat(((ConfigException) e).hint()).contains("shop-segments"));
    publishSegments(new PlantedSegments(20, 2, true), "seg", 1, 2);
    assertThatThrownBy(() -> pub.begin("seg", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'seg'").hasMessageContaining("'segments'").hasMessageContaining("'recommendations'");
    assertThat(count("SELECT count(*) FROM larder_job_lock")).as("refused before taking the lock").isZero();
    // a job whose runs all failed has published nothing, so its kind is still open
    pub.begin("fresh", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE).close();
    assertThat(publishSegments(new PlantedSegments(20, 2, true), "fresh", 1, 2).kind()).isEqualTo(BatchKind.SEGMENTS);
  }

  @Test void eachKindTakesOnlyItsOwnRows() {
    try (BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      assertThatThrownBy(() -> w.recommendations().userSink(IdMap.sequential(1), IdMap.sequential(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'segments' batch");
      assertThatThrownBy(() -> w.recommendations().writeSegmentFallback(1, new int[] {0}, new float[] {1}, 1, IdMap.sequential(1)))
          .isInstanceOf(IllegalStateException.class);
    }
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)) {
      assertThatThrownBy(() -> w.segments().writeAssignment(new PlantedSegments(3, 2, true).assignment(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'recommendations' batch");
      assertThatThrownBy(() -> w.segments().writeProfiles(List.of())).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test void invalidSegmentsAreModelErrorsNamingTheCustomerOrSegment() {
    PlantedSegments p = new PlantedSegments(30, 3, true);
    try (BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      SegmentAssignment good = p.assignment(1);
      float[] distance = good.distance().clone();
      distance[7] = Float.NaN;
      assertThatThrownBy(() -> w.segments().writeAssignment(new SegmentAssignment(p.customers, good.segment(), distance, good.rfm())))
          .isInstanceOf(ModelException.class).hasMessageContaining("customer 'c7'").hasMessageContaining("distance");
    }
    try (BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      SegmentAssignment good = p.assignment(1);
      short[] score = good.rfm().score().clone();
      score[4] = 561;
      SegmentAssignment.Rfm rfm = new SegmentAssignment.Rfm(good.rfm().recencyDays(), good.rfm().frequency(),
          good.rfm().monetary(), score);
      assertThatThrownBy(() -> w.segments().writeAssignment(new SegmentAssignment(p.customers, good.segment(), good.distance(), rfm)))
          .isInstanceOf(ModelException.class).hasMessageContaining("customer 'c4'").hasMessageContaining("RFM score 561");
      int[] segment = good.segment().clone();
      segment[2] = 0;
      assertThatThrownBy(() -> w.segments().writeAssignment(new SegmentAssignment(p.customers, segment, good.distance(), null)))
          .isInstanceOf(IllegalStateException.class); // once per batch, even when the first was refused
    }
    try (BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      List<SegmentProfile> twice = new ArrayList<>(p.profiles(1));
      twice.add(twice.get(0));
      assertThatThrownBy(() -> w.segments().writeProfiles(twice)).isInstanceOf(ModelException.class)
          .hasMessageContaining("segment 1");
      assertThatThrownBy(() -> w.segments().writeTransitions(List.of(new SegmentTransition(null, null, 3))))
          .isInstanceOf(ModelException.class).hasMessageContaining("neither end");
      assertThatThrownBy(() -> w.segments().writeTransitions(List.of(new SegmentTransition(1, 2, 3), new SegmentTransition(1, 2, 4))))
          .isInstanceOf(ModelException.class).hasMessageContaining("repeats");
    }
  }

  @Test void rfmScoresAreThreeDigitsOneToFive() {
    for (short s = -1; s < 1000; s++) {
      String t = Short.toString(s);
      boolean valid = s == 0 || t.matches("[1-5]{3}");
      assertThat(SegmentWriter.validRfmScore(s)).as("score %d", s).isEqualTo(valid);
    }
  }
}
