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
import larder.core.Scores;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing scores batches, run on SQLite and on PostgreSQL. */
abstract class ScorePublishContract {
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

  BatchInfo publishScores(PlantedScores p, String job, int gen, int keep) {
    try (BatchLoader w = pub.begin(job, BatchKind.SCORES, "churn", BatchParams.of(Map.of("gen", gen)))) {
      w.scores().write(p.scores(gen));
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

  @Test void aScoresBatchIsPublishedWithItsCountsAndReadBackExactlyThroughTheView() throws Exception {
    PlantedScores p = new PlantedScores(60_000);
    AtomicLong loaded = new AtomicLong();
    Publisher withProgress = new Publisher(store, PublishOptions.DEFAULTS, (phase, done, total, unit) -> {
      if (phase.equals("load")) loaded.set(done);
    });
    BatchInfo b;
    try (BatchLoader w = withProgress.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      assertThat(w.kind()).isEqualTo(BatchKind.SCORES);
      w.scores().write(p.scores(1));
      b = w.publish(3);
    }
    assertThat(b.kind()).isEqualTo(BatchKind.SCORES);
    assertThat(b.status()).isEqualTo("published");
    assertThat(b.rows()).isEqualTo(60_000);
    assertThat(b.keys()).isEqualTo(60_000);
    assertThat(b.secondaryRows()).isZero();
    assertThat(loaded.get()).isEqualTo(60_000);
    assertThat(count("SELECT users FROM larder_batches WHERE batch_id = ?", b.id())).isEqualTo(60_000);
    assertThat(count("SELECT rec_rows + similar_rows + segments FROM larder_batches WHERE batch_id = ?", b.id())).isZero();
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    try (Connection c = rawConnection()) {
      assertThat(p.assertServing(c, "churn", 1)).isEqualTo(b.id());
    }
    assertThat(count("SELECT count(*) FROM larder_scores WHERE job = 'churn' AND label IS NULL"))
        .isEqualTo((60_000 + 6) / 7);
  }

  @Test void aBatchWithoutLabelsAndAnEmptyBatchPublish() throws Exception {
    IdMap ids = IdMap.sequential(1_000);
    double[] score = new double[1_000];
    for (int e = 0; e < score.length; e++) score[e] = -e / 7.0;
    BatchInfo b;
    try (BatchLoader w = pub.begin("plain", BatchKind.SCORES, "import", BatchParams.NONE)) {
      w.scores().write(new Scores(ids, score, null));
      b = w.publish(2);
    }
    assertThat(b.keys()).isEqualTo(1_000);
    assertThat(count("SELECT count(*) FROM larder_scores WHERE job = 'plain' AND label IS NULL")).isEqualTo(1_000);
    try (BatchLoader w = pub.begin("plain", BatchKind.SCORES, "import", BatchParams.NONE)) {
      w.scores().write(new Scores(new IdMap(), new double[0], null));
      b = w.publish(2);
    }
    assertThat(b.keys()).isZero();
    assertThat(count("SELECT count(*) FROM larder_scores WHERE job = 'plain'")).isZero();
  }

  @Test void aReaderNeverSeesAMixedOrEmptyScoresBatchWhilePublishesRun() throws Exception {
    PlantedScores p = new PlantedScores(10_000);
    publishScores(p, "churn", 1, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread reader = new Thread(() -> {
      try (Connection c = rawConnection();
          PreparedStatement all = c.prepareStatement("SELECT count(*), min(score), max(score), min(batch_id),"
              + " max(batch_id) FROM larder_scores WHERE job = ?");
          PreparedStatement top = c.prepareStatement("SELECT entity_id, score, label FROM larder_scores"
              + " WHERE job = ? ORDER BY score DESC, entity_id LIMIT 20");
          PreparedStatement one = c.prepareStatement("SELECT score, label FROM larder_scores"
              + " WHERE job = ? AND entity_id = ?")) {
        while (!done.get()) {
          all.setString(1, "churn");
          try (ResultSet rs = all.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).as("entities").isEqualTo(p.n());
            assertThat(PlantedScores.generation(rs.getDouble(2))).isEqualTo(PlantedScores.generation(rs.getDouble(3)));
            assertThat(rs.getLong(4)).isEqualTo(rs.getLong(5));
          }
          top.setString(1, "churn");
          List<Integer> gens = new ArrayList<>();
          double last = Double.POSITIVE_INFINITY;
          try (ResultSet rs = top.executeQuery()) {
            while (rs.next()) {
              int e = p.entities.idOf(rs.getString(1));
              int gen = PlantedScores.generation(rs.getDouble(2));
              assertThat(rs.getDouble(2)).isEqualTo(PlantedScores.score(e, gen)).isLessThanOrEqualTo(last);
              assertThat(rs.getString(3)).isEqualTo(PlantedScores.label(e, gen));
              last = rs.getDouble(2);
              gens.add(gen);
            }
          }
          assertThat(gens).hasSize(20).containsOnly(gens.get(0));
          int e = ThreadLocalRandom.current().nextInt(p.n());
          one.setString(1, "churn");
          one.setString(2, p.entities.name(e));
          try (ResultSet rs = one.executeQuery()) {
            assertThat(rs.next()).as("entity %d is always there", e).isTrue();
            int gen = PlantedScores.generation(rs.getDouble(1));
            assertThat(rs.getDouble(1)).isEqualTo(PlantedScores.score(e, gen));
            assertThat(rs.getString(2)).isEqualTo(PlantedScores.label(e, gen));
          }
          reads.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    for (int gen = 2; gen <= 6; gen++) publishScores(p, "churn", gen, 2);
    done.set(true);
    reader.join();
    if (failure.get() != null) throw new AssertionError("reader failed after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isGreaterThan(5);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "churn", 6);
    }
  }

  @Test void aFailedRunLeavesThePreviousScoresServingAndRemovesItsRows() throws Exception {
    PlantedScores p = new PlantedScores(2_000);
    long b1 = publishScores(p, "churn", 1, 3).id();
    long partitionsBefore = tableCount("larder_score_rows");
    BatchLoader w = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE);
    w.scores().write(p.scores(2));
    w.fail(new ModelException("the import file was truncated", "export it again"));
    assertThat(status(w.batchId())).isEqualTo("failed");
    assertThat(rowsAnywhere(w.batchId())).isZero();
    assertThat(tableCount("larder_score_rows")).isEqualTo(partitionsBefore);
    assertThat(count("SELECT batch_id FROM larder_current WHERE job = 'churn'")).isEqualTo(b1);
    assertThat(count("SELECT users FROM larder_batches WHERE batch_id = ?", w.batchId())).isZero();
    try (Connection c = rawConnection()) {
      p.assertServing(c, "churn", 1);
    }
    long id;
    try (BatchLoader w2 = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      w2.scores().write(p.scores(3));
      id = w2.batchId();
    } // closed without publishing
    assertThat(status(id)).isEqualTo("failed");
    assertThat(rowsAnywhere(id)).isZero();
    assertThat(publishScores(p, "churn", 4, 3).status()).isEqualTo("published");
  }

  @Test void rollbackServesTheEarlierScoresAndRetiringDropsTheirRows() throws Exception {
    PlantedScores p = new PlantedScores(1_500);
    long b1 = publishScores(p, "churn", 1, 2).id();
    long b2 = publishScores(p, "churn", 2, 2).id();
    assertThat(pub.rollback("churn").id()).isEqualTo(b1);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "churn", 1);
    }
    assertThat(pub.rollback("churn", b2).id()).isEqualTo(b2);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "churn", 2);
    }
    long b3 = publishScores(p, "churn", 3, 1).id();
    assertThat(status(b1)).isEqualTo("retired");
    assertThat(status(b2)).isEqualTo("retired");
    assertThat(rowsAnywhere(b1) + rowsAnywhere(b2)).isZero();
    assertThat(tableCount("larder_score_rows")).isLessThanOrEqualTo(2); // parent (PostgreSQL) + the current one
    assertThat(count("SELECT count(*) FROM larder_score_rows WHERE batch_id = ?", b3)).isEqualTo(1_500);
  }

  @Test void aJobKeepsItsKindAndUnknownKindsAreRefused() throws Exception {
    publishScores(new PlantedScores(20), "churn", 1, 2);
    for (BatchKind other : List.of(BatchKind.SEGMENTS, BatchKind.RECOMMENDATIONS)) {
      assertThatThrownBy(() -> pub.begin("churn", other, "m", BatchParams.NONE)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'churn'").hasMessageContaining("'scores'").hasMessageContaining("'" + other + "'");
    }
    try (BatchLoader w = pub.begin("seg", BatchKind.SEGMENTS, "kmeans", BatchParams.NONE)) {
      w.segments().writeAssignment(new PlantedSegments(20, 2, true).assignment(1));
      w.publish(2);
    }
    assertThatThrownBy(() -> pub.begin("seg", BatchKind.SCORES, "xgb", BatchParams.NONE)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'seg'").hasMessageContaining("'segments'").hasMessageContaining("'scores'")
        .satisfies(e -> assertThat(((ConfigException) e).hint()).contains("seg-scores"));
    assertThatThrownBy(() -> pub.begin("new", null, "xgb", BatchParams.NONE)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("recommendations, segments, scores");
    assertThat(count("SELECT count(*) FROM larder_job_lock")).as("refused before taking the lock").isZero();
    assertThat(count("SELECT count(*) FROM larder_batch WHERE job = 'new'")).isZero();
  }

  @Test void aStoredKindThatNamesNoKindIsAStoreErrorNamingIt() throws Exception {
    publishScores(new PlantedScores(5), "churn", 1, 2);
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
        "UPDATE larder_batch SET kind = 'score' WHERE job = 'churn'")) {
      ps.executeUpdate();
    }
    assertThatThrownBy(() -> store.read("list batches", c -> Batches.ofJob(c, store.dialect(), "churn")))
        .isInstanceOf(StoreException.class).hasMessageContaining("'score'")
        .hasMessageContaining("recommendations, segments, scores");
    assertThatThrownBy(() -> pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE))
        .isInstanceOf(StoreException.class).hasMessageContaining("'score'");
  }

  @Test void eachKindTakesOnlyItsOwnRows() {
    Scores s = new PlantedScores(3).scores(1);
    try (BatchLoader w = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      assertThatThrownBy(() -> w.recommendations().userSink(IdMap.sequential(1), IdMap.sequential(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'scores' batch");
      assertThatThrownBy(() -> w.recommendations().writeFallback(new int[] {0}, new float[] {1}, 1, IdMap.sequential(1)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> w.segments().writeAssignment(new PlantedSegments(3, 2, true).assignment(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("only a 'segments' batch");
      assertThatThrownBy(() -> w.segments().writeProfiles(List.of())).isInstanceOf(IllegalStateException.class);
    }
    for (BatchKind kind : List.of(BatchKind.RECOMMENDATIONS, BatchKind.SEGMENTS)) {
      try (BatchLoader w = pub.begin("other-" + kind, kind, "m", BatchParams.NONE)) {
        assertThatThrownBy(() -> w.scores().write(s)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("'" + kind + "' batch").hasMessageContaining("only a 'scores' batch");
      }
    }
  }

  @Test void invalidScoresAreModelErrorsNamingTheEntityAndPublishNothing() throws Exception {
    IdMap ids = new IdMap();
    for (String id : List.of("ok", "bad", "nul\0")) ids.intern(id);
    long id;
    try (BatchLoader w = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      id = w.batchId();
      assertThatThrownBy(() -> w.scores().write(new Scores(ids, new double[] {1, Double.NaN, 2}, null)))
          .isInstanceOf(ModelException.class).hasMessageContaining("entity 'bad'").hasMessageContaining("NaN")
          .satisfies(e -> assertThat(((ModelException) e).hint()).contains("finite"));
      assertThatThrownBy(() -> w.scores().write(new Scores(ids, new double[] {1, 2, 3}, null)))
          .isInstanceOf(IllegalStateException.class); // once per batch, even when the first was refused
    }
    assertThat(status(id)).isEqualTo("failed");
    try (BatchLoader w = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      assertThatThrownBy(() -> w.scores().write(new Scores(ids, new double[] {1, 2, 3}, null)))
          .isInstanceOf(ModelException.class).hasMessageContaining("entity 'nul\\0'").hasMessageContaining("NUL");
    }
    try (BatchLoader w = pub.begin("churn", BatchKind.SCORES, "xgb", BatchParams.NONE)) {
      assertThatThrownBy(() -> w.scores().write(new Scores(IdMap.sequential(2), new double[] {1, 2},
          new String[] {"fine", "not\0fine"}))).isInstanceOf(ModelException.class)
          .hasMessageContaining("entity '1'").hasMessageContaining("label");
    }
    assertThat(count("SELECT count(*) FROM larder_score_rows")).isZero();
    assertThat(count("SELECT count(*) FROM larder_current")).isZero();
  }
}
