package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.Scores;
import larder.core.segment.SegmentAssignment;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.store.Dialect;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading scores jobs on SQLite and PostgreSQL, and upgrading a version 2 store to them. */
abstract class ScoreReaderContract {
  static final int ENTITIES = 3_000;
  static final List<String> LABELS = List.of("high risk", "low, \"quoted\"", "ünï ✓\ttab", "");

  TestStore db;
  Store store;
  Publisher pub;
  ScoreReader scores;
  final IdMap entities = new IdMap();

  /** A fresh, empty store for each test (nothing created yet), removed after it. */
  abstract TestStore newStore();

  abstract Dialect dialect();

  @BeforeEach void open() {
    db = newStore();
    // ids whose byte order differs from Java's String order (U+FFFD sorts before an emoji in UTF-16)
    for (String awkward : List.of("\uFFFD", "😀", "é", "E", "new\nline", "")) entities.intern(awkward);
    for (int e = entities.size(); e < ENTITIES; e++) entities.intern("e" + e);
  }

  void openStore() {
    store = db.open(Store::open);
    pub = new Publisher(store);
    scores = new ScoreReader(store);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  /**
   * Generation gen: entity e scores gen * 1e6 plus one of 500 values (so many entities tie), the
   * generation readable from any score; labelled LABELS[e mod 5] ("g<gen> " prefixed), none when e mod 5 = 4.
   */
  static double score(int e, int gen) { return gen * 1e6 + (e * 7_919L % 500) / 3.0; }

  static int generation(double score) { return (int) Math.floor(score / 1e6); }

  static String label(int e, int gen) { return e % 5 == 4 ? null : "g" + gen + " " + LABELS.get(e % 5); }

  Scores planted(int gen) {
    double[] score = new double[ENTITIES];
    String[] label = new String[ENTITIES];
    for (int e = 0; e < ENTITIES; e++) {
      score[e] = score(e, gen);
      label[e] = label(e, gen);
    }
    return new Scores(entities, score, label);
  }

  BatchInfo publishScores(String job, int gen, int keep) {
    try (BatchLoader w = pub.begin(job, BatchKind.SCORES, "churn", BatchParams.NONE)) {
      w.scores().write(planted(gen));
      return w.publish(keep);
    }
  }

  BatchInfo publishSegments(String job, int keep) {
    IdMap customers = IdMap.sequential(10);
    int[] segment = new int[10];
    Arrays.fill(segment, 1);
    try (BatchLoader w = pub.begin(job, BatchKind.SEGMENTS, "rules", BatchParams.NONE)) {
      w.segments().writeAssignment(new SegmentAssignment(customers, segment, new float[10], null));
      return w.publish(keep);
    }
  }

  /** The store's order of entity ids: their UTF-8 bytes, unsigned. */
  static final Comparator<String> BYTE_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** Generation gen's entities with {@code label} (all when null), highest score first, ties in byte order. */
  List<ScoredEntity> expectedTop(int gen, String label) {
    List<ScoredEntity> all = new ArrayList<>();
    for (int e = 0; e < ENTITIES; e++) {
      if (label == null || label.equals(label(e, gen))) all.add(new ScoredEntity(entities.name(e), score(e, gen), label(e, gen)));
    }
    all.sort(Comparator.comparingDouble(ScoredEntity::score).reversed()
        .thenComparing(ScoredEntity::entityId, BYTE_ORDER));
    return all;
  }

  @Test void anEntitysScoreLabelBatchAndAge() {
    openStore();
    BatchInfo b = publishScores("churn", 1, 2);
    ScoreReader at = new ScoreReader(store, Clock.fixed(b.publishedAt().plusSeconds(90), ZoneOffset.UTC));
    for (int e : new int[] {0, 1, 4, 5, 9, 2_999}) {
      EntityScore s = at.scoreOf("churn", entities.name(e));
      assertThat(s.job()).isEqualTo("churn");
      assertThat(s.entityId()).isEqualTo(entities.name(e));
      assertThat(Double.doubleToRawLongBits(s.score())).isEqualTo(Double.doubleToRawLongBits(score(e, 1)));
      assertThat(s.label()).isEqualTo(label(e, 1));
      assertThat(s.batchId()).isEqualTo(b.id());
      assertThat(s.publishedAt()).isEqualTo(b.publishedAt());
      assertThat(s.age()).isEqualTo(Duration.ofSeconds(90));
    }
    assertThat(at.scoreOf("churn", "e9").label()).isNull();
    assertThat(at.scoreOf("churn", "e8").label()).as("an empty label is not none").isEqualTo("g1 ");
  }

  @Test void unknownJobsEntitiesKindsAndLimitsAreErrorsWithAHint() {
    openStore();
    publishScores("churn", 1, 2);
    publishSegments("seg", 2);
    assertThatThrownBy(() -> scores.scoreOf("churn", "nobody")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("entity 'nobody'").hasMessageContaining("job 'churn'")
        .hasMessageContaining(ENTITIES + " entities")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("entity id"));
    assertThatThrownBy(() -> scores.scoreOf("churn", "E7")).as("ids are exact").isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> scores.top("chrun", 10, null)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'chrun'").hasMessageContaining("known scores jobs: churn");
    assertThatThrownBy(() -> scores.forEachScore("seg", e -> {})).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("job 'seg' serves segments, not scores")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("churn"));
    assertThatThrownBy(() -> new SegmentReader(store).segmentOf("churn", "e1")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("job 'churn' serves scores, not segments")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("seg"));
    assertThatThrownBy(() -> new PredictionReader(store).recommend("churn", "e1", 5))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("job 'churn' serves scores, not recommendations")
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("known: none"));
    assertThatThrownBy(() -> new PredictionReader(store).recommend("nope", "e1", 5))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("known jobs: none");
    assertThatThrownBy(() -> scores.top("churn", 0, null)).isInstanceOf(InputException.class)
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> scores.top("churn", ScoreReader.MAX_PAGE + 1, null)).isInstanceOf(InputException.class);
  }

  @Test void topIsHighestScoreFirstTiesByEntityIdAndFiltersByLabel() {
    openStore();
    BatchInfo b = publishScores("churn", 2, 2);
    List<String> labels = new ArrayList<>();
    labels.add(null);
    for (int e = 0; e < 5; e++) labels.add(label(e, 2));
    for (String label : labels) {
      List<ScoredEntity> expected = expectedTop(2, label);
      for (int limit : new int[] {1, 7, 250, ENTITIES + 10}) {
        ScorePage page = scores.top("churn", limit, label);
        assertThat(page.job()).isEqualTo("churn");
        assertThat(page.label()).isEqualTo(label);
        assertThat(page.batchId()).isEqualTo(b.id());
        List<ScoredEntity> got = page.entities();
        assertThat(got).as("label %s, limit %d", label, limit)
            .containsExactlyElementsOf(expected.subList(0, Math.min(limit, expected.size())));
        // the ordering property itself, independent of how the expectation was built
        for (int i = 1; i < got.size(); i++) {
          ScoredEntity prev = got.get(i - 1);
          ScoredEntity cur = got.get(i);
          assertThat(cur.score()).isLessThanOrEqualTo(prev.score());
          if (cur.score() == prev.score()) assertThat(BYTE_ORDER.compare(prev.entityId(), cur.entityId())).isNegative();
          if (label != null) assertThat(cur.label()).isEqualTo(label);
        }
      }
    }
    assertThat(expectedTop(2, label(0, 2)).size()).as("ties exist").isGreaterThan(500);
    assertThat(scores.top("churn", 10, "no such label").entities()).isEmpty();
    assertThat(scores.top("churn", 10, "g1 high risk").entities()).as("labels compared exactly").isEmpty();
  }

  @Test void streamingGivesEveryEntityInIdOrderFromOneSnapshot() {
    openStore();
    BatchInfo b1 = publishScores("churn", 1, 3);
    List<ScoredEntity> streamed = new ArrayList<>();
    AtomicInteger starts = new AtomicInteger();
    AtomicReference<BatchInfo> started = new AtomicReference<>();
    long n = scores.forEachScore("churn", new ScoreConsumer() {
      @Override public void start(BatchInfo batch) {
        assertThat(streamed).isEmpty();
        starts.incrementAndGet();
        started.set(batch);
      }

      @Override public void accept(ScoredEntity e) {
        if (streamed.size() == 1) publishScores("churn", 2, 3); // a switch mid-stream changes nothing read
        streamed.add(e);
      }
    });
    assertThat(starts.get()).isEqualTo(1);
    assertThat(started.get().id()).isEqualTo(b1.id());
    assertThat(n).isEqualTo(ENTITIES);
    List<ScoredEntity> expected = expectedTop(1, null);
    expected.sort(Comparator.comparing(ScoredEntity::entityId, BYTE_ORDER));
    assertThat(streamed).containsExactlyElementsOf(expected);
    assertThat(scores.scoreOf("churn", "e10").score()).isEqualTo(score(10, 2)); // the publish did happen
    List<Double> second = new ArrayList<>();
    scores.forEachScore("churn", e -> second.add(e.score()));
    assertThat(second).hasSize(ENTITIES).allSatisfy(s -> assertThat(generation(s)).isEqualTo(2));
  }

  @Test void answersNeverMixBatchesWhileScoresPublish() throws Exception {
    openStore();
    publishScores("churn", 1, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Map<Long, Set<Integer>> generationsOfBatch = new ConcurrentHashMap<>();
    Thread t = new Thread(() -> {
      try {
        while (!done.get()) {
          int e = ThreadLocalRandom.current().nextInt(ENTITIES);
          EntityScore s = scores.scoreOf("churn", entities.name(e));
          int gen = generation(s.score());
          assertThat(s.score()).isEqualTo(score(e, gen));
          assertThat(s.label()).isEqualTo(label(e, gen));
          generationsOfBatch.computeIfAbsent(s.batchId(), k -> ConcurrentHashMap.newKeySet()).add(gen);
          String label = ThreadLocalRandom.current().nextBoolean() ? null : label(e, gen);
          ScorePage page = scores.top("churn", 40, label);
          if (page.entities().isEmpty()) {
            // a publish came between the two reads: the label of the older generation matches nothing now
            assertThat(label).isNotNull();
          } else {
            int pageGen = generation(page.entities().get(0).score());
            assertThat(page.entities()).containsExactlyElementsOf(expectedTop(pageGen, label).subList(0, 40));
            generationsOfBatch.computeIfAbsent(page.batchId(), k -> ConcurrentHashMap.newKeySet()).add(pageGen);
          }
          reads.incrementAndGet();
        }
      } catch (Throwable ex) {
        failure.set(ex);
      }
    });
    t.start();
    for (int gen = 2; gen <= 6; gen++) publishScores("churn", gen, 1);
    done.set(true);
    t.join();
    if (failure.get() != null) throw new AssertionError("after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isPositive();
    assertThat(generationsOfBatch).allSatisfy((batch, gens) -> assertThat(gens).as("batch %d", batch).hasSize(1));
  }

  @Test void aVersion2StoreIsUpgradedInPlaceAndKeepsServing() throws SQLException {
    Dialect d = dialect();
    boolean pg = d.kind() == Dialect.Kind.POSTGRES;
    String ts = pg ? "now()" : "'2024-05-01T03:00:00.000000Z'";
    try (Connection c = db.connect()) {
      for (int v = 0; v <= 2; v++) Store.execute(c, d.migration(v).toArray(String[]::new));
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (1, " + ts + "), (2, " + ts + ")",
          "INSERT INTO larder_batch (job, kind, model, params, metrics, created_at, published_at, status, users,"
              + " segments) VALUES ('seg', 'segments', 'rules', '{}', '{}', " + ts + ", " + ts + ", 'published', 2, 1)");
      if (pg) {
        // as the version 2 loader left it: a partition of the batch
        Store.execute(c, "CREATE TABLE larder_segment_rows_1 PARTITION OF larder_segment_rows FOR VALUES IN (1)");
      }
      Store.execute(c, "INSERT INTO larder_segment_rows (batch_id, customer_id, segment_id, distance) VALUES"
              + " (1, 'c1', 1, 0.5), (1, 'c2', 1, 0.25)",
          "INSERT INTO larder_segment_profile_rows (batch_id, segment_id, label, size, share) VALUES (1, 1, 'all', 2, 1.0)",
          "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('seg', 1, " + ts + ")");
    }
    openStore();
    assertThat(Schema.version(store)).isEqualTo(Schema.VERSION);
    SegmentReader segments = new SegmentReader(store);
    CustomerSegment old = segments.segmentOf("seg", "c2");
    assertThat(old.batchId()).isEqualTo(1);
    assertThat(old.segmentLabel()).isEqualTo("all");
    assertThat(old.distance()).isEqualTo(0.25f);
    assertThat(segments.profiles("seg").profiles()).hasSize(1);
    // the upgraded store takes scores batches, and still retires the old segments batch like any other
    BatchInfo b = publishScores("churn", 1, 2);
    assertThat(scores.scoreOf("churn", "e7").score()).isEqualTo(score(7, 1));
    assertThat(scores.top("churn", 3, null).batchId()).isEqualTo(b.id());
    publishSegments("seg", 1);
    assertThat(new PredictionReader(store).batches("seg")).extracting(BatchInfo::status)
        .containsExactly("published", "retired");
    assertThat(segments.segmentOf("seg", "0").batchId()).isNotEqualTo(1);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM larder_segment_rows WHERE batch_id = 1"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*), min(batch_id), max(batch_id) FROM larder_scores WHERE job = 'churn'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(ENTITIES);
      assertThat(rs.getLong(2)).isEqualTo(b.id());
      assertThat(rs.getLong(3)).isEqualTo(b.id());
    }
    try (Store again = Store.open(db.location())) {
      assertThat(Schema.version(again)).isEqualTo(Schema.VERSION); // opening again changes nothing
      assertThat(new ScoreReader(again).scoreOf("churn", "e7").batchId()).isEqualTo(b.id());
    }
  }
}
