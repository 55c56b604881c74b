package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.core.TopNSink;
import larder.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publishing contract, run on SQLite and on PostgreSQL. */
abstract class PublisherContract {
  Store store;
  Publisher pub;

  /** Opens a fresh, empty store. */
  abstract Store openStore() throws Exception;

  abstract void dropStore() throws Exception;

  /** A raw connection of its own (not from the store's pool), as an application would have. */
  abstract Connection rawConnection() throws SQLException;

  /** Holds a lock that keeps the writer thread from starting its load until closed. */
  abstract AutoCloseable blockLoads() throws Exception;

  /** The plan of the point query, one line per row. */
  abstract String explainPointQuery(Connection c, String job, String user) throws SQLException;

  abstract void assertIndexedPlan(String plan);

  @BeforeEach void open() throws Exception {
    store = openStore();
    pub = new Publisher(store);
  }

  @AfterEach void close() throws Exception {
    store.close();
    dropStore();
  }

  BatchInfo publishGeneration(Planted p, String job, int gen, int keep) throws Exception {
    try (BatchWriter w = pub.begin(job, "recommendations", "test", "{\"gen\":" + gen + "}")) {
      p.send(w.recommendationSink(p.users, p.items), gen, 0, 1);
      w.writeFallback(new int[] {gen % p.items.size(), 1, 2}, new float[] {3, 2, 1}, 3, p.items);
      w.similarSink(p.items).accept(0, new int[] {1, 2}, new float[] {0.5f, 0.25f}, 2);
      w.setMetrics("{\"gen\":" + gen + "}");
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

  long currentOf(String job) throws SQLException {
    return count("SELECT batch_id FROM larder_current WHERE job = ?", job);
  }

  @Test void publishMakesTheBatchCurrentWithItsCountsAndMetrics() throws Exception {
    Planted p = new Planted(300, 50, 10);
    BatchInfo b = publishGeneration(p, "shop", 1, 3);
    assertThat(b.status()).isEqualTo("published");
    assertThat(b.rows()).isEqualTo(3000);
    assertThat(b.keys()).isEqualTo(300);
    assertThat(b.secondaryRows()).isEqualTo(2);
    assertThat(b.metrics()).isEqualTo("{\"gen\":1}");
    assertThat(b.params()).isEqualTo("{\"gen\":1}");
    assertThat(b.publishedAt()).isNotNull().isAfterOrEqualTo(b.createdAt());
    assertThat(currentOf("shop")).isEqualTo(b.id());
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 1);
    }
    assertThat(count("SELECT count(*) FROM larder_fallback WHERE job = ?", "shop")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM larder_similar_items WHERE job = ? AND item_id = 'i0'", "shop")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
  }

  @Test void eachPublishSupersedesThePreviousAndKeepsTheLastN() throws Exception {
    Planted p = new Planted(40, 20, 5);
    List<Long> ids = new ArrayList<>();
    for (int gen = 1; gen <= 4; gen++) ids.add(publishGeneration(p, "shop", gen, 2).id());
    assertThat(ids).isSorted();
    assertThat(List.of(status(ids.get(0)), status(ids.get(1)), status(ids.get(2)), status(ids.get(3))))
        .containsExactly("retired", "retired", "superseded", "published");
    assertThat(count("SELECT count(DISTINCT batch_id) FROM larder_rec_rows")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id <= ?", ids.get(1))).isZero();
    assertThat(count("SELECT count(*) FROM larder_fallback_rows WHERE batch_id <= ?", ids.get(1))).isZero();
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 4);
    }
    // another job is untouched by this job's keep
    BatchInfo other = publishGeneration(p, "news", 9, 1);
    publishGeneration(p, "shop", 5, 1);
    assertThat(status(other.id())).isEqualTo("published");
    assertThat(status(ids.get(2))).isEqualTo("retired");
  }

  @Test void rollbackGoesBackOneKeptBatchAtATime() throws Exception {
    Planted p = new Planted(30, 20, 4);
    long b1 = publishGeneration(p, "shop", 1, 3).id();
    long b2 = publishGeneration(p, "shop", 2, 3).id();
    long b3 = publishGeneration(p, "shop", 3, 3).id();

    BatchInfo r1 = pub.rollback("shop");
    assertThat(r1.id()).isEqualTo(b2);
    assertThat(r1.status()).isEqualTo("published");
    assertThat(status(b3)).isEqualTo("superseded");
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 2);
    }
    assertThat(pub.rollback("shop").id()).isEqualTo(b1);
    assertThatThrownBy(() -> pub.rollback("shop")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no kept batch older");

    assertThat(pub.rollback("shop", b3).id()).isEqualTo(b3);   // forward again, by id
    assertThat(currentOf("shop")).isEqualTo(b3);
    assertThat(pub.rollback("shop", b3).id()).isEqualTo(b3);   // already current: unchanged
    assertThat(List.of(status(b1), status(b2), status(b3))).containsExactly("superseded", "superseded", "published");
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 3);
    }
    assertThatThrownBy(() -> pub.rollback("shop", 999_999)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("not a kept batch");
    assertThatThrownBy(() -> pub.rollback("nosuchjob")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("known jobs: shop");
  }

  @Test void rollingBackPastKeepIsRefusedWithAHint() throws Exception {
    Planted p = new Planted(10, 10, 3);
    publishGeneration(p, "shop", 1, 1);
    publishGeneration(p, "shop", 2, 1);
    assertThatThrownBy(() -> pub.rollback("shop")).isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((NotFoundException) e).hint()).contains("keep"));
  }

  @Test void aRunFailingMidLoadLeavesThePreviousBatchServing() throws Exception {
    Planted p = new Planted(500, 40, 8);
    long b1 = publishGeneration(p, "shop", 1, 3).id();
    BatchWriter w = pub.begin("shop", "recommendations", "test", "{}");
    TopNSink sink = w.recommendationSink(p.users, p.items);
    try {
      p.send((u, it, sc, n) -> {
        if (u == 300) throw new IllegalStateException("scoring blew up at user 300");
        sink.accept(u, it, sc, n);
      }, 2, 0, 1);
    } catch (IllegalStateException e) {
      w.fail(e);
    }
    assertThat(status(w.batchId())).isEqualTo("failed");
    assertThat(pub.store().<String>read("m", c -> {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT message FROM larder_batches WHERE batch_id = " + w.batchId())) {
        rs.next();
        return rs.getString(1);
      }
    })).contains("scoring blew up");
    assertThat(currentOf("shop")).isEqualTo(b1);
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", w.batchId())).isZero();
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 1);
    }
    assertThatThrownBy(() -> w.publish(3)).isInstanceOf(IllegalStateException.class);
    // the lock was released: the next run goes ahead
    assertThat(publishGeneration(p, "shop", 3, 3).status()).isEqualTo("published");
  }

  @Test void closingWithoutPublishIsAFailedRun() throws Exception {
    Planted p = new Planted(50, 10, 3);
    long id;
    try (BatchWriter w = pub.begin("shop", "recommendations", "test", "{}")) {
      p.send(w.recommendationSink(p.users, p.items), 1, 0, 1);
      id = w.batchId();
    }
    assertThat(status(id)).isEqualTo("failed");
    assertThat(count("SELECT count(*) FROM larder_rec_rows")).isZero();
    assertThat(count("SELECT count(*) FROM larder_current")).isZero();
  }

  @Test void aWriterFailureSurfacesAsStoreErrorAndTheOldBatchServes() throws Exception {
    Planted p = new Planted(20, 10, 3);
    long b1 = publishGeneration(p, "shop", 1, 3).id();
    BatchWriter w = pub.begin("shop", "recommendations", "test", "{}");
    TopNSink sink = w.recommendationSink(p.users, p.items);
    p.send(sink, 2, 0, 1);
    try {
      p.send(sink, 2, 0, 1); // every user twice: the primary key refuses the second copy
    } catch (StoreException e) {
      // SQLite sees it on insert, so a later accept may already report it
    }
    assertThatThrownBy(() -> w.publish(3)).isInstanceOf(StoreException.class).hasMessageContaining("batch " + w.batchId());
    assertThat(status(w.batchId())).isEqualTo("failed");
    assertThat(currentOf("shop")).isEqualTo(b1);
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
  }

  @Test void aSecondConcurrentRunOfAJobIsRefused() throws Exception {
    try (BatchWriter first = pub.begin("shop", "recommendations", "test", "{}")) {
      assertThatThrownBy(() -> pub.begin("shop", "recommendations", "test", "{}"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("job 'shop' is already running (since ")
          .hasMessageContaining("owner " + PublishOptions.DEFAULTS.owner())
          .hasMessageContaining("DELETE FROM larder_job_lock");
      try (BatchWriter other = pub.begin("news", "recommendations", "test", "{}")) {
        assertThat(other.batchId()).isGreaterThan(first.batchId());
      }
    }
    pub.begin("shop", "recommendations", "test", "{}").close();
  }

  @Test void aStaleLockIsTakenOverAndTheLoserCannotPublish() throws Exception {
    Planted p = new Planted(20, 10, 3);
    Publisher impatient = new Publisher(store, PublishOptions.DEFAULTS.withStaleLockAfter(Duration.ofMillis(200)),
        Progress.NONE);
    BatchWriter stale = impatient.begin("shop", "recommendations", "test", "{}");
    Thread.sleep(300);
    BatchWriter fresh = impatient.begin("shop", "recommendations", "test", "{}");
    assertThat(status(stale.batchId())).isEqualTo("failed"); // abandoned
    assertThatThrownBy(() -> stale.publish(3)).isInstanceOf(StoreException.class).hasMessageContaining("lock");
    p.send(fresh.recommendationSink(p.users, p.items), 1, 0, 1);
    assertThat(fresh.publish(3).status()).isEqualTo("published");
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 1);
    }
    assertThat(pub.breakLock("shop")).isFalse();
  }

  @Test void jobNamesAreValidated() {
    assertThatThrownBy(() -> pub.begin("shop recs!", "recommendations", "als", "{}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shop recs!");
    assertThatThrownBy(() -> pub.begin("", "recommendations", "als", "{}")).isInstanceOf(ConfigException.class);
  }

  @Test void twoHundredThousandRowsFromTwoThreadsRoundTripExactly() throws Exception {
    Planted p = new Planted(20_000, 3_000, 10);
    AtomicLong lastReported = new AtomicLong();
    Publisher withProgress = new Publisher(store, PublishOptions.DEFAULTS,
        (phase, done, total, unit) -> lastReported.set(done));
    BatchInfo b;
    try (BatchWriter w = withProgress.begin("big", "recommendations", "test", "{}")) {
      p.sendParallel(w.recommendationSink(p.users, p.items), 5, 2);
      b = w.publish(2);
    }
    assertThat(b.rows()).isEqualTo(200_000);
    assertThat(b.keys()).isEqualTo(20_000);
    assertThat(lastReported.get()).isEqualTo(200_000);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "big", 5);
    }
  }

  @Test void aFullQueueMakesScoringThreadsWait() throws Exception {
    Planted p = new Planted(200, 10, 3);
    Publisher small = new Publisher(store, PublishOptions.DEFAULTS.withQueueLists(4), Progress.NONE);
    BatchWriter w = small.begin("shop", "recommendations", "test", "{}");
    TopNSink sink = w.recommendationSink(p.users, p.items);
    AtomicInteger accepted = new AtomicInteger();
    Thread producer;
    try (AutoCloseable block = blockLoads()) {
      producer = new Thread(() -> p.send((u, it, sc, n) -> {
        sink.accept(u, it, sc, n);
        accepted.incrementAndGet();
      }, 1, 0, 1));
      producer.start();
      Thread.sleep(500);
      // 4 queued, 1 held by the blocked writer, 1 being offered
      assertThat(accepted.get()).isBetween(4, 6);
      assertThat(producer.isAlive()).isTrue();
    }
    producer.join(30_000);
    assertThat(accepted.get()).isEqualTo(200);
    assertThat(w.publish(1).keys()).isEqualTo(200);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 1);
    }
  }

  @Test void aReaderNeverSeesAMixedOrEmptyBatchWhilePublishesRun() throws Exception {
    Planted p = new Planted(2_000, 200, 10);
    publishGeneration(p, "shop", 1, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread reader = new Thread(() -> {
      try (Connection c = rawConnection();
          PreparedStatement ps = c.prepareStatement("SELECT rank, item_id, score, batch_id FROM larder_recommendations"
              + " WHERE job = ? AND user_id = ? ORDER BY rank")) {
        while (!done.get()) {
          int u = ThreadLocalRandom.current().nextInt(p.users.size());
          ps.setString(1, "shop");
          ps.setString(2, "u" + u);
          List<Long> batches = new ArrayList<>();
          List<Integer> gens = new ArrayList<>();
          int rank = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              assertThat(rs.getInt(1)).isEqualTo(++rank);
              assertThat(rs.getString(2)).isEqualTo("i" + p.item(u, rank));
              gens.add(Planted.generation(rs.getFloat(3)));
              batches.add(rs.getLong(4));
            }
          }
          assertThat(rank).as("a complete list").isEqualTo(p.n);
          assertThat(batches).as("one batch").containsOnly(batches.get(0));
          assertThat(gens).containsOnly(gens.get(0));
          reads.incrementAndGet();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    for (int gen = 2; gen <= 6; gen++) publishGeneration(p, "shop", gen, 2);
    done.set(true);
    reader.join();
    if (failure.get() != null) throw new AssertionError("reader failed after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isGreaterThan(20);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 6);
    }
  }

  @Test void thePointQueryIsAnIndexedLookup() throws Exception {
    Planted p = new Planted(5_000, 500, 10);
    publishGeneration(p, "shop", 1, 2);
    publishGeneration(p, "shop", 2, 2);
    try (Connection c = rawConnection()) {
      assertIndexedPlan(explainPointQuery(c, "shop", "u42"));
    }
  }
}
