package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;
import larder.core.ConfigException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.core.TopNSink;
import larder.store.LockHolder;
import larder.store.ProcessKey;
import larder.store.Store;
import larder.testkit.ServingSnapshot;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publishing contract, run on SQLite and on PostgreSQL. */
abstract class PublisherContract {
  TestStore db;
  Store store;
  Publisher pub;

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  /** A raw connection of its own (not from the store's pool), as an application would have. */
  abstract Connection rawConnection() throws SQLException;

  /** Holds a lock that keeps the writer thread from starting its load until closed. */
  abstract AutoCloseable blockLoads() throws Exception;

  /** The plan of the point query, one line per row. */
  abstract String explainPointQuery(Connection c, String job, String user) throws SQLException;

  abstract void assertIndexedPlan(String plan);

  @BeforeEach void open() throws Exception {
    db = newStore();
    store = db.open(Store::open);
    pub = new Publisher(store);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  BatchInfo publishGeneration(Planted p, String job, int gen, int keep) throws Exception {
    try (BatchLoader w = pub.begin(job, BatchKind.RECOMMENDATIONS, "test", BatchParams.of(Map.of("gen", gen)))) {
      p.send(w.recommendations().userSink(p.users, p.items), gen, 0, 1);
      w.recommendations().writeFallback(new int[] {gen % p.items.size(), 1, 2}, new float[] {3, 2, 1}, 3, p.items);
      w.recommendations().similarSink(p.items).accept(0, new int[] {1, 2}, new float[] {0.5f, 0.25f}, 2);
      w.setMetrics(BatchMetrics.of(Map.of("gen", gen)));
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
    assertThat(b.metrics().toJson()).isEqualTo("{\"gen\":1}");
    assertThat(b.params().toJson()).isEqualTo("{\"gen\":1}");
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
    BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    TopNSink sink = w.recommendations().userSink(p.users, p.items);
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
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      p.send(w.recommendations().userSink(p.users, p.items), 1, 0, 1);
      id = w.batchId();
    }
    assertThat(status(id)).isEqualTo("failed");
    assertThat(count("SELECT count(*) FROM larder_rec_rows")).isZero();
    assertThat(count("SELECT count(*) FROM larder_current")).isZero();
  }

  @Test void aWriterFailureSurfacesAsStoreErrorAndTheOldBatchServes() throws Exception {
    Planted p = new Planted(20, 10, 3);
    long b1 = publishGeneration(p, "shop", 1, 3).id();
    BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    TopNSink sink = w.recommendations().userSink(p.users, p.items);
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
    try (BatchLoader first = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      assertThatThrownBy(() -> pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("job 'shop' is already running (since ")
          .hasMessageContaining("owner " + PublishOptions.DEFAULTS.owner())
          .hasMessageContaining("DELETE FROM larder_job_lock");
      try (BatchLoader other = pub.begin("news", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
        assertThat(other.batchId()).isGreaterThan(first.batchId());
      }
    }
    pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE).close();
  }

  /** Rewrites the lock of {@code job} as if {@code process} held it, with a lease ending at {@code expiresAt}. */
  void lockHeldBy(String job, ProcessKey process, Instant expiresAt) {
    store.write("fake a lock holder", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE larder_job_lock SET process = ?, expires_at = ? WHERE job = ?")) {
        ps.setString(1, process.text());
        store.dialect().setInstant(ps, 2, expiresAt);
        ps.setString(3, job);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      return null;
    });
  }

  /** A process of this machine that has ended. */
  static ProcessKey endedProcess() throws Exception {
    Process p = new ProcessBuilder("true").start();
    long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new ProcessKey(p.pid(), start, ProcessKey.current().machine());
  }

  String message(long batchId) {
    return pub.info(batchId).message();
  }

  @Test void theLockOfAProcessGoneFromThisMachineIsTakenOverAtOnceAndTheLoserCannotPublish() throws Exception {
    Planted p = new Planted(20, 10, 3);
    long b1 = publishGeneration(p, "shop", 1, 3).id();
    // no rows: on SQLite a loading run holds the write lock, which the fake below needs
    BatchLoader dead = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    lockHeldBy("shop", endedProcess(), Instant.now().plus(Duration.ofHours(1))); // its lease does not matter
    // shown as crashed before any run cleans it up
    assertThat(pub.info(dead.batchId()).status()).isEqualTo("failed");
    assertThat(message(dead.batchId())).startsWith("crashed: ").contains("no longer running");
    assertThat(status(dead.batchId())).as("the table itself").isEqualTo("staging");

    BatchLoader fresh = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    assertThat(status(dead.batchId())).isEqualTo("failed");
    assertThat(message(dead.batchId())).startsWith("crashed: ").contains("batch " + fresh.batchId());
    assertThatThrownBy(() -> dead.publish(3)).isInstanceOf(StoreException.class).hasMessageContaining("lock");
    assertThat(currentOf("shop")).isEqualTo(b1);
    p.send(fresh.recommendations().userSink(p.users, p.items), 3, 0, 1);
    assertThat(fresh.publish(3).status()).isEqualTo("published");
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 3);
    }
    assertThat(pub.breakLock("shop")).isFalse();
  }

  @Test void aReusedPidDoesNotKeepADeadRunsLock() {
    BatchLoader dead = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    ProcessKey me = ProcessKey.current();
    assertThat(me.startMillis()).as("this platform reports start instants").isPositive();
    lockHeldBy("shop", new ProcessKey(me.pid(), me.startMillis() - 3_600_000, me.machine()),
        Instant.now().plus(Duration.ofHours(1)));
    pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE).close();
    assertThat(message(dead.batchId())).startsWith("crashed: ");
  }

  @Test void aLiveRunOnThisMachineIsRefusedEvenWhenItsLeaseLapsed() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      long start = sleeper.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
      BatchLoader live = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
      lockHeldBy("shop", new ProcessKey(sleeper.pid(), start, ProcessKey.current().machine()),
          Instant.now().minus(Duration.ofHours(1)));
      assertThatThrownBy(() -> pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE))
          .isInstanceOf(StoreException.class).hasMessageContaining("already running")
          .hasMessageContaining("process " + sleeper.pid() + " of this machine is running");
      assertThat(pub.info(live.batchId()).status()).isEqualTo("staging");
      live.close();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test void anotherHostsLockHoldsWhileItsLeaseLastsAndIsTakenOverOnceItRunsOut() {
    ProcessKey elsewhere = new ProcessKey(4242, 1_700_000_000_000L, "linux:another-machine:pid:[1]");
    BatchLoader remote = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    lockHeldBy("shop", elsewhere, Instant.now().plus(Duration.ofMinutes(1)));
    assertThatThrownBy(() -> pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE))
        .isInstanceOf(StoreException.class).hasMessageContaining("already running").hasMessageContaining("lease");
    assertThat(pub.info(remote.batchId()).status()).isEqualTo("staging");

    lockHeldBy("shop", elsewhere, Instant.now().minusSeconds(1));
    assertThat(pub.info(remote.batchId()).status()).isEqualTo("failed");
    BatchLoader next = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    assertThat(message(remote.batchId())).startsWith("crashed: ").contains("lease ran out");
    next.close();
  }

  @Test void theRunningProcessRenewsItsLease() throws Exception {
    Publisher shortLease = new Publisher(store, PublishOptions.DEFAULTS.withLockLease(Duration.ofMillis(400)),
        Progress.NONE);
    try (BatchLoader w = shortLease.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      Instant first = leaseEnd("shop");
      Instant later = first;
      for (int i = 0; i < 100 && !later.isAfter(first); i++) {
        Thread.sleep(50);
        later = leaseEnd("shop");
      }
      assertThat(later).isAfter(first);
      assertThat(w.batchId()).isPositive();
    }
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
  }

  Instant leaseEnd(String job) {
    return store.read("read the lease", c -> LockHolder.of(c, store.dialect(), job, false).orElseThrow().expiresAt());
  }

  @Test void aLockWrittenBeforeLeasesKeepsItsSixHoursUnlessItsProcessIsGone() throws Exception {
    BatchLoader old = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    Instant acquired = Instant.now().minus(Duration.ofHours(1));
    store.write("an old version's lock", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_job_lock SET owner = ?, acquired_at = ?,"
          + " process = NULL, expires_at = NULL WHERE job = 'shop'")) {
        ps.setString(1, "elsewhere/99#1");
        store.dialect().setInstant(ps, 2, acquired);
        ps.executeUpdate();
      }
      return null;
    });
    assertThatThrownBy(() -> pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)).isInstanceOf(StoreException.class)
        .hasMessageContaining("elsewhere/99#1");
    long gone = endedProcess().pid();
    store.write("an old version's lock of this host", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_job_lock SET owner = ? WHERE job = 'shop'")) {
        ps.setString(1, ProcessKey.hostName() + "/" + gone + "#1");
        ps.executeUpdate();
      }
      return null;
    });
    pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE).close();
    assertThat(status(old.batchId())).isEqualTo("failed");
  }

  @Test void stoppingRunsFailsThemReleasesTheirLocksAndRefusesNewOnes() throws Exception {
    Planted p = new Planted(200, 30, 5);
    ServingSnapshot before = publishAndSnapshot(p);
    BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    TopNSink sink = w.recommendations().userSink(p.users, p.items);
    p.send(sink, 2, 0, 2);
    List<Publisher.Stopped> stopped = pub.stopRuns("interrupted by SIGTERM", System.nanoTime() + 30_000_000_000L);
    assertThat(stopped).containsExactly(new Publisher.Stopped("shop", w.batchId(), BatchLoader.Outcome.FAILED));
    assertThat(status(w.batchId())).isEqualTo("failed");
    assertThat(message(w.batchId())).isEqualTo("interrupted by SIGTERM");
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", w.batchId())).isZero();
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    assertThatThrownBy(() -> p.send(sink, 2, 1, 2)).isInstanceOf(StoreException.class)
        .hasMessageContaining("interrupted by SIGTERM");
    w.fail(new IllegalStateException("the runner's own failure")); // what a runner does next: no change
    assertThat(message(w.batchId())).isEqualTo("interrupted by SIGTERM");
    assertThatThrownBy(() -> pub.begin("news", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)).isInstanceOf(StoreException.class)
        .hasMessageContaining("interrupted by SIGTERM");
    assertThat(pub.stopRuns("again", System.nanoTime())).isEmpty();
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test void aStopWhilePublishingAbortsTheLoadAndRefusesTheSwitch() throws Exception {
    Planted p = new Planted(200, 30, 5);
    ServingSnapshot before = publishAndSnapshot(p);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
      Future<BatchInfo> publishing;
      Future<List<Publisher.Stopped>> stopping;
      try (AutoCloseable block = blockLoads()) {
        p.send(w.recommendations().userSink(p.users, p.items), 2, 0, 1); // queued: the writer waits for the store
        publishing = pool.submit(() -> w.publish(3));
        for (int i = 0; i < 1000 && !w.publishing(); i++) Thread.sleep(10);
        assertThat(w.publishing()).isTrue();
        stopping = pool.submit(() -> pub.stopRuns("interrupted by SIGTERM", System.nanoTime() + 60_000_000_000L));
        for (int i = 0; i < 1000 && pub.stopReason() == null; i++) Thread.sleep(10);
      }
      assertThat(stopping.get(60, TimeUnit.SECONDS))
          .containsExactly(new Publisher.Stopped("shop", w.batchId(), BatchLoader.Outcome.FAILED));
      assertThatThrownBy(() -> publishing.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
          .hasMessageContaining("interrupted by SIGTERM");
      assertThat(status(w.batchId())).isEqualTo("failed");
      assertThat(message(w.batchId())).isEqualTo("interrupted by SIGTERM");
      assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", w.batchId())).isZero();
      assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
      assertThat(snapshot()).isEqualTo(before);
    } finally {
      pool.shutdownNow();
    }
  }

  ServingSnapshot publishAndSnapshot(Planted p) throws Exception {
    publishGeneration(p, "shop", 1, 3);
    return snapshot();
  }

  ServingSnapshot snapshot() {
    return ServingSnapshot.of(db.location(), "shop");
  }

  @Test void retentionAfterARollbackKeepsTheBatchRolledBackTo() throws Exception {
    Planted p = new Planted(30, 10, 3);
    List<Long> ids = new ArrayList<>();
    for (int gen = 1; gen <= 5; gen++) ids.add(publishGeneration(p, "shop", gen, 3).id());
    long b3 = ids.get(2), b4 = ids.get(3), b5 = ids.get(4);
    assertThat(pub.rollback("shop", b3).id()).isEqualTo(b3);
    long b6 = publishGeneration(p, "shop", 6, 3).id();
    assertThat(List.of(status(b3), status(b4), status(b5), status(b6)))
        .containsExactly("superseded", "retired", "superseded", "published");
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", b3)).isEqualTo(90);
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", b4)).isZero();
    // rollback's default target is unchanged: the newest kept batch older than the current one
    assertThat(pub.rollback("shop").id()).isEqualTo(b5);
    assertThat(pub.rollback("shop").id()).isEqualTo(b3);
    try (Connection c = rawConnection()) {
      p.assertServing(c, "shop", 3);
    }
    // keep 2 keeps the batch a publish replaces (3, which served last), not the newer 5 and 6
    long b7 = publishGeneration(p, "shop", 7, 2).id();
    assertThat(List.of(status(b3), status(b5), status(b6), status(b7)))
        .containsExactly("superseded", "retired", "retired", "published");
    assertThat(count("SELECT count(*) FROM larder_batches WHERE job = 'shop' AND served_until IS NOT NULL"
        + " AND status = 'superseded'")).isEqualTo(1);
  }

  @Test void jobNamesAreValidated() {
    assertThatThrownBy(() -> pub.begin("shop recs!", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shop recs!");
    assertThatThrownBy(() -> pub.begin("", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)).isInstanceOf(ConfigException.class);
  }

  @Test void twoHundredThousandRowsFromTwoThreadsRoundTripExactly() throws Exception {
    Planted p = new Planted(20_000, 3_000, 10);
    AtomicLong lastReported = new AtomicLong();
    Publisher withProgress = new Publisher(store, PublishOptions.DEFAULTS,
        (phase, done, total, unit) -> lastReported.set(done));
    BatchInfo b;
    try (BatchLoader w = withProgress.begin("big", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      p.sendParallel(w.recommendations().userSink(p.users, p.items), 5, 2);
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
    BatchLoader w = small.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE);
    TopNSink sink = w.recommendations().userSink(p.users, p.items);
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
