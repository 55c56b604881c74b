package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.NotFoundException;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.Events;
import larder.store.Schema;
import larder.store.Store;
import larder.store.UserHistories;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Refreshes (schema version 10) on SQLite and PostgreSQL: a refresh changes exactly its users' lists in the views,
 * atomically per user, and rides along with its base through full runs, rollbacks and retention.
 */
abstract class RefreshContract {
  static final String JOB = "shop";
  TestStore db;
  Store store;
  Publisher pub;
  Planted p;

  abstract TestStore newStore();

  /** A connection of its own, as an application would have. */
  abstract Connection rawConnection() throws SQLException;

  /** The plan of {@code sql} (job, user bound), one line per row. */
  abstract String explain(Connection c, String sql, String job, String user) throws SQLException;

  /** Asserts that a plan reads every table by its key. */
  abstract void assertIndexed(String plan);

  @BeforeEach void open() {
    db = newStore();
    store = db.open(Store::open);
    pub = new Publisher(store);
    p = new Planted(120, 40, 5);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  /** A full run of generation {@code gen}: every user's planted list, the users' histories, {@code dataUntil}. */
  BatchInfo publishBase(int gen, int keep, Instant dataUntil) {
    try (BatchLoader w = pub.begin(JOB, BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      p.send(w.recommendations().userSink(p.users, p.items), gen, 0, 1);
      w.recommendations().writeFallback(new int[] {1, 2, 3}, new float[] {3, 2, 1}, 3, p.items);
      w.setDataUntil(dataUntil);
      long id = w.batchId();
      w.beforeSwitch(() -> new UserHistories(store).write(id, p.users.size(), p.users::name,
          u -> history(p.users.name(u), gen)));
      return w.publish(keep);
    }
  }

  static byte[] history(String user, int gen) {
    return (user + "@" + gen).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** User {@code user}'s list in refresh generation {@code gen}: {@code len} items, scores telling the generation. */
  int[] refreshItems(String user, int gen, int len) {
    int[] it = new int[len];
    for (int r = 0; r < len; r++) it[r] = Math.floorMod(user.hashCode() + 7 * r + 13 * gen, p.items.size());
    return it;
  }

  static float[] refreshScores(int gen, int len) {
    float[] s = new float[len];
    for (int r = 0; r < len; r++) s[r] = gen * 1000 + (len - r) + 0.5f;
    return s;
  }

  /** A refresh giving each user of {@code lists} a list of generation {@code gen} and the given length. */
  BatchInfo refresh(int gen, Map<String, Integer> lists, Instant dataUntil) {
    try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
      fill(r, gen, lists);
      r.setDataUntil(dataUntil);
      return r.publish();
    }
  }

  void fill(RefreshLoader r, int gen, Map<String, Integer> lists) {
    lists.forEach((user, len) -> {
      r.putList(user, refreshItems(user, gen, len), refreshScores(gen, len), len, p.items);
      r.putHistory(user, history(user, gen));
    });
  }

  /** The rows {@code user} should see from refresh generation {@code gen} published as batch {@code batchId}. */
  List<String> expected(String user, int gen, int len, long batchId) {
    List<String> rows = new ArrayList<>();
    int[] it = refreshItems(user, gen, len);
    float[] s = refreshScores(gen, len);
    for (int r = 0; r < len; r++) rows.add((r + 1) + "|" + p.items.name(it[r]) + "|" + s[r] + "|" + batchId);
    return rows;
  }

  /** Every row of the job's lists in {@code view}, by user, in rank order. */
  Map<String, List<String>> dump(String view) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement("SELECT user_id, rank, item_id,"
        + " score, batch_id FROM " + view + " WHERE job = ? ORDER BY user_id, rank")) {
      ps.setString(1, JOB);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), u -> new ArrayList<>())
              .add(rs.getInt(2) + "|" + rs.getString(3) + "|" + rs.getFloat(4) + "|" + rs.getLong(5));
        }
      }
    }
    return out;
  }

  long count(String sql, Object... args) throws SQLException {
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  Long refreshIdOf(String job) throws SQLException {
    try (Connection c = rawConnection();
        PreparedStatement ps = c.prepareStatement("SELECT refresh_id FROM larder_current WHERE job = ?")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  String status(long id) throws SQLException {
    try (Connection c = rawConnection();
        PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batches WHERE batch_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  Set<Long> currentIds() throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT batch_id FROM larder_batches WHERE job = ? AND is_current")) {
      ps.setString(1, JOB);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  @Test void refreshesChangeExactlyTheirUsersListsAndNoOtherRow() throws Exception {
    BatchInfo base = publishBase(1, 3, Instant.parse("2026-01-01T00:00:00Z"));
    Map<String, List<String>> before = dump("larder_recommendations");
    assertThat(before).hasSize(120);

    Map<String, Integer> r1 = new LinkedHashMap<>(Map.of("u1", 5, "u5", 5, "u7", 4, "u9", 0, "new1", 3));
    BatchInfo b1 = refresh(2, r1, Instant.parse("2026-01-02T00:00:00Z"));
    Map<String, Integer> r2 = new LinkedHashMap<>(Map.of("u1", 2, "u11", 5));
    BatchInfo b2 = refresh(3, r2, Instant.parse("2026-01-03T00:00:00Z"));
    Map<String, Integer> r3 = new LinkedHashMap<>(Map.of("u5", 3, "u9", 5));
    BatchInfo b3 = refresh(4, r3, Instant.parse("2026-01-04T00:00:00Z"));

    Map<String, List<String>> after = dump("larder_recommendations");
    Map<String, List<String>> want = new TreeMap<>(before);
    want.put("u1", expected("u1", 3, 2, b2.id()));
    want.put("u5", expected("u5", 4, 3, b3.id()));
    want.put("u7", expected("u7", 2, 4, b1.id()));
    want.put("u9", expected("u9", 4, 5, b3.id()));
    want.put("new1", expected("new1", 2, 3, b1.id()));
    want.put("u11", expected("u11", 3, 5, b2.id()));
    assertThat(after).isEqualTo(want);
    // every user no refresh touched: byte-identical rows, still the base's
    for (String u : before.keySet()) {
      if (!Set.of("u1", "u5", "u7", "u9", "u11").contains(u)) {
        assertThat(after.get(u)).isEqualTo(before.get(u));
        assertThat(after.get(u).get(0)).endsWith("|" + base.id());
      }
    }

    assertThat(b1.status()).isEqualTo("published");
    assertThat(b3.rows()).isEqualTo(8);
    assertThat(b3.keys()).isEqualTo(2);
    assertThat(List.of(status(b1.id()), status(b2.id()), status(b3.id())))
        .containsExactly("superseded", "superseded", "published");
    assertThat(currentIds()).containsExactlyInAnyOrder(base.id(), b3.id());
    assertThat(refreshIdOf(JOB)).isEqualTo(b3.id());
    assertThat(store.read("current", c -> Batches.current(c, store.dialect(), JOB)).orElseThrow().id())
        .isEqualTo(base.id());
    assertThat(store.read("refresh", c -> Batches.currentRefresh(c, store.dialect(), JOB)).orElseThrow().id())
        .isEqualTo(b3.id());
    assertThat(store.read("jobs", Batches::servingJobs)).containsExactly(JOB);
    assertThat(count("SELECT count(*) FROM larder_batches WHERE batch_id = ? AND base_batch_id = ?", b2.id(),
        base.id())).isEqualTo(1);
    // the histories: the base's, replaced for the refreshed users, added for the new one
    Map<String, byte[]> h = new UserHistories(store).read(base.id(), List.of("u0", "u1", "u5", "new1", "nobody"));
    assertThat(h).containsOnlyKeys("u0", "u1", "u5", "new1");
    assertThat(new String(h.get("u0"))).isEqualTo("u0@1");
    assertThat(new String(h.get("u1"))).isEqualTo("u1@3");
    assertThat(new String(h.get("new1"))).isEqualTo("new1@2");
  }

  @Test void anEmptiedListFallsBackAndTheNextRefreshSeesTheHighWaterMark() throws Exception {
    BatchInfo base = publishBase(1, 3, Instant.parse("2026-01-01T00:00:00Z"));
    try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
      assertThat(r.baseBatchId()).isEqualTo(base.id());
      assertThat(r.refreshId()).isNull();
      assertThat(r.highWaterMark()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
      assertThat(r.baseUsers()).isEqualTo(120);
      assertThat(r.batchId()).isGreaterThan(base.id());
      r.putList("u3", new int[0], new float[0], 0, p.items);
      r.setDataUntil(Instant.parse("2026-01-05T00:00:00Z"));
      r.publish();
    }
    assertThat(dump("larder_recommendations")).doesNotContainKey("u3").hasSize(119);
    assertThat(recommend("u3")).containsExactly("3:i1", "3:i2", "3:i3"); // the job's fallback list
    try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
      assertThat(r.refreshId()).isNotNull();
      assertThat(r.highWaterMark()).isEqualTo(Instant.parse("2026-01-05T00:00:00Z"));
    }
  }

  /** {@link Schema#RECOMMEND_SQL} for {@code user}: "level:item" per row. */
  List<String> recommend(String user) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement(Schema.RECOMMEND_SQL)) {
      Object[] args = {JOB, user, user, JOB, JOB, user, 10};
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getInt("level") + ":" + rs.getString("item_id"));
      }
    }
    return out;
  }

  @Test void readersSeeOneWholeListWhileRefreshesReplaceIt() throws Exception {
    BatchInfo base = publishBase(1, 3, null);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long seed = t;
      Thread th = new Thread(() -> {
        Random rnd = new Random(seed);
        try (Connection c = rawConnection(); PreparedStatement ps = c.prepareStatement("SELECT rank, batch_id, score"
            + " FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank")) {
          while (!done.get()) {
            String user = "u" + rnd.nextInt(20);
            ps.setString(1, JOB);
            ps.setString(2, user);
            List<int[]> rows = new ArrayList<>();
            Set<Long> batches = new HashSet<>();
            Set<Integer> gens = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(new int[] {rs.getInt(1)});
                batches.add(rs.getLong(2));
                gens.add(Planted.generation(rs.getFloat(3)));
              }
            }
            if (rows.size() != 5 || batches.size() != 1 || gens.size() != 1) {
              throw new AssertionError(user + ": " + rows.size() + " rows from batches " + batches + ", generations "
                  + gens);
            }
            for (int r = 0; r < 5; r++) {
              if (rows.get(r)[0] != r + 1) throw new AssertionError(user + ": rank " + rows.get(r)[0] + " at " + r);
            }
            reads.incrementAndGet();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      readers.add(th);
      th.start();
    }
    Random rnd = new Random(7);
    Set<Long> refreshes = new HashSet<>();
    for (int gen = 2; gen <= 6; gen++) {
      Map<String, Integer> lists = new LinkedHashMap<>();
      for (int k = 0; k < 8; k++) lists.put("u" + rnd.nextInt(20), 5);
      try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
        fill(r, gen, lists);
        r.betweenDeleteAndInsert(() -> sleep(150));
        refreshes.add(r.publish().id());
      }
    }
    done.set(true);
    for (Thread th : readers) th.join();
    assertThat(failure.get()).isNull();
    assertThat(reads.get()).isGreaterThan(20);
    assertThat(refreshes).hasSize(5).doesNotContain(base.id());
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test void aFailedRefreshChangesNothingVisible() throws Exception {
    publishBase(1, 3, null);
    BatchInfo good = refresh(2, Map.of("u1", 5), null);
    Map<String, List<String>> before = dump("larder_recommendations");
    RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE);
    fill(r, 3, Map.of("u1", 2, "u2", 5, "u3", 0));
    r.betweenDeleteAndInsert(() -> {
      throw new IllegalStateException("planted failure between delete and insert");
    });
    assertThatThrownBy(r::publish).hasMessageContaining("planted failure");
    r.close();
    assertThat(status(r.batchId())).isEqualTo("failed");
    assertThat(dump("larder_recommendations")).isEqualTo(before);
    assertThat(refreshIdOf(JOB)).isEqualTo(good.id());
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    assertThat(count("SELECT count(*) FROM larder_rec_delta WHERE refresh_id = ?", r.batchId())).isZero();
    assertThat(new String(new UserHistories(store).read(good.id() - 1, List.of("u2")).get("u2"))).isEqualTo("u2@1");
    // a refresh failed by its caller: the same
    RefreshLoader r2 = pub.beginRefresh(JOB, "test", BatchParams.NONE);
    fill(r2, 4, Map.of("u4", 5));
    assertThat(r2.failedBy(new IllegalStateException("scoring blew up"))).hasMessage("scoring blew up");
    assertThat(status(r2.batchId())).isEqualTo("failed");
    assertThat(dump("larder_recommendations")).isEqualTo(before);
    assertThat(refresh(5, Map.of("u4", 5), null).status()).isEqualTo("published");
  }

  @Test void aStopSignalFailsAnOpenRefreshAndReleasesItsLock() throws Exception {
    publishBase(1, 3, null);
    Map<String, List<String>> before = dump("larder_recommendations");
    RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE);
    fill(r, 2, Map.of("u1", 5, "u2", 3));
    List<Publisher.Stopped> stopped = pub.stopRuns("interrupted by SIGTERM", System.nanoTime() + 30_000_000_000L);
    assertThat(stopped).containsExactly(new Publisher.Stopped(JOB, r.batchId(), BatchLoader.Outcome.FAILED));
    assertThat(status(r.batchId())).isEqualTo("failed");
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    // what the runner does next: its next call is refused with the reason, its own failure changes nothing
    assertThatThrownBy(() -> fill(r, 2, Map.of("u3", 1))).isInstanceOf(StoreException.class)
        .hasMessageContaining("interrupted by SIGTERM");
    assertThatThrownBy(r::publish).isInstanceOf(StoreException.class).hasMessageContaining("interrupted by SIGTERM");
    r.failedBy(new IllegalStateException("the runner's own failure"));
    r.close();
    assertThat(dump("larder_recommendations")).isEqualTo(before);
    assertThatThrownBy(() -> pub.beginRefresh(JOB, "test", BatchParams.NONE)).isInstanceOf(StoreException.class)
        .hasMessageContaining("interrupted by SIGTERM");
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    assertThat(pub.stopRuns("again", System.nanoTime())).isEmpty();
  }

  @Test void aStopWhileARefreshPublishesWaitsForItsTransaction() throws Exception {
    publishBase(1, 3, null);
    RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE);
    fill(r, 2, Map.of("u1", 5));
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    r.betweenDeleteAndInsert(() -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var publishing = pool.submit(r::publish);
      assertThat(inside.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      var stopping = pool.submit(() -> pub.stopRuns("interrupted by SIGTERM", System.nanoTime() + 60_000_000_000L));
      for (int i = 0; i < 1000 && pub.stopReason() == null; i++) Thread.sleep(10);
      Thread.sleep(200);
      assertThat(stopping.isDone()).as("waits for the transaction").isFalse();
      release.countDown();
      assertThat(stopping.get(60, java.util.concurrent.TimeUnit.SECONDS))
          .containsExactly(new Publisher.Stopped(JOB, r.batchId(), BatchLoader.Outcome.PUBLISHED));
      assertThat(publishing.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo("published");
      assertThat(refreshIdOf(JOB)).isEqualTo(r.batchId());
      assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test void aRefreshIsRefusedWhileAnotherRunHoldsTheLockOrWithoutABase() throws Exception {
    assertThatThrownBy(() -> pub.beginRefresh(JOB, "test", BatchParams.NONE)).isInstanceOf(StoreException.class)
        .hasMessageContaining("run the job in full first");
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
    publishBase(1, 3, null);
    try (BatchLoader full = pub.begin(JOB, BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      assertThat(full.batchId()).isPositive();
      assertThatThrownBy(() -> pub.beginRefresh(JOB, "test", BatchParams.NONE)).isInstanceOf(StoreException.class)
          .hasMessageContaining("job '" + JOB + "' is already running")
          .hasMessageContaining("owner " + PublishOptions.DEFAULTS.owner());
    }
    try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
      assertThat(r.refreshId()).isNull();
      assertThatThrownBy(() -> pub.begin(JOB, BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE))
          .isInstanceOf(StoreException.class).hasMessageContaining("is already running");
      assertThatThrownBy(() -> pub.beginRefresh(JOB, "test", BatchParams.NONE))
          .isInstanceOf(StoreException.class).hasMessageContaining("is already running");
    }
  }

  @Test void aFullRunStartsAnEmptyDeltaAndRollbackBringsTheBasesLatestRefreshBack() throws Exception {
    BatchInfo b1 = publishBase(1, 3, null);
    refresh(2, Map.of("u1", 5), null);
    BatchInfo r1b = refresh(3, Map.of("u2", 5, "u1", 4), null);
    Map<String, List<String>> withR1 = dump("larder_recommendations");

    BatchInfo b2 = publishBase(4, 3, null);
    assertThat(refreshIdOf(JOB)).isNull();
    assertThat(status(r1b.id())).isEqualTo("superseded");
    assertThat(currentIds()).containsExactly(b2.id());
    try (Connection c = rawConnection()) {
      p.assertServing(c, JOB, 4); // every user on the new base: the delta of b1 shows no more
    }
    BatchInfo r2 = refresh(5, Map.of("u3", 5), null);
    Map<String, List<String>> withR2 = dump("larder_recommendations");

    assertThatThrownBy(() -> pub.rollback(JOB, r1b.id())).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("batch " + r1b.id() + " is a refresh of batch " + b1.id() + "; roll back to "
            + b1.id() + ", which serves with its latest refresh");
    BatchInfo back = pub.rollback(JOB);
    assertThat(back.id()).isEqualTo(b1.id());
    assertThat(refreshIdOf(JOB)).isEqualTo(r1b.id());
    assertThat(status(r1b.id())).isEqualTo("published");
    assertThat(status(r2.id())).isEqualTo("superseded");
    assertThat(currentIds()).containsExactlyInAnyOrder(b1.id(), r1b.id());
    assertThat(dump("larder_recommendations")).isEqualTo(withR1);
    // a refresh now goes on from b1's latest refresh
    try (RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE)) {
      assertThat(r.baseBatchId()).isEqualTo(b1.id());
      assertThat(r.refreshId()).isEqualTo(r1b.id());
    }
    assertThat(pub.rollback(JOB, b2.id()).id()).isEqualTo(b2.id());
    assertThat(refreshIdOf(JOB)).isEqualTo(r2.id());
    assertThat(dump("larder_recommendations")).isEqualTo(withR2);
  }

  @Test void aRefreshWhoseBaseWasRolledAwayIsRefused() throws Exception {
    publishBase(1, 3, null);
    BatchInfo b2 = publishBase(2, 3, null);
    RefreshLoader r = pub.beginRefresh(JOB, "test", BatchParams.NONE);
    fill(r, 3, Map.of("u1", 5));
    pub.rollback(JOB);
    Map<String, List<String>> before = dump("larder_recommendations");
    assertThatThrownBy(r::publish).isInstanceOf(StoreException.class)
        .hasMessageContaining("batch " + b2.id() + " is no longer current");
    assertThat(status(r.batchId())).isEqualTo("failed");
    assertThat(dump("larder_recommendations")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM larder_job_lock")).isZero();
  }

  @Test void retentionCountsFullBatchesAndRetiresRefreshesWithTheirBase() throws Exception {
    BatchInfo b1 = publishBase(1, 2, null);
    BatchInfo r1a = refresh(2, Map.of("u1", 5), null);
    BatchInfo r1b = refresh(3, Map.of("u2", 5), null);
    BatchInfo b2 = publishBase(4, 2, null);
    refresh(5, Map.of("u3", 5), null);
    assertThat(status(b1.id())).isEqualTo("superseded"); // two full batches kept: refreshes do not count
    assertThat(count("SELECT count(*) FROM larder_rec_delta WHERE base_batch_id = ?", b1.id())).isEqualTo(12);
    assertThat(count("SELECT count(*) FROM larder_user_history WHERE batch_id = ?", b1.id())).isEqualTo(120);

    BatchInfo b3 = publishBase(6, 2, null);
    assertThat(List.of(status(b1.id()), status(r1a.id()), status(r1b.id()), status(b2.id()), status(b3.id())))
        .containsExactly("retired", "retired", "retired", "superseded", "published");
    assertThat(count("SELECT count(*) FROM larder_rec_delta WHERE base_batch_id = ?", b1.id())).isZero();
    assertThat(count("SELECT count(*) FROM larder_user_history WHERE batch_id = ?", b1.id())).isZero();
    assertThat(count("SELECT count(*) FROM larder_rec_delta WHERE base_batch_id = ?", b2.id())).isEqualTo(6);
    assertThat(count("SELECT count(*) FROM larder_user_history WHERE batch_id = ?", b2.id())).isEqualTo(120);
  }

  @Test void theFreshViewUsesEachRowsOwnAsOfTime() throws Exception {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Instant t1 = Instant.parse("2026-01-02T00:00:00Z");
    Instant t2 = Instant.parse("2026-01-03T00:00:00Z");
    Instant t3 = Instant.parse("2026-01-04T00:00:00Z");
    publishBase(1, 3, t0);
    BatchInfo r = refresh(2, Map.of("u1", 5), t2);
    String u1First = p.items.name(refreshItems("u1", 2, 5)[0]);
    String u1Second = p.items.name(refreshItems("u1", 2, 5)[1]);
    String u2First = p.items.name(p.item(2, 1));
    Events.record(store, List.of(
        new Events.Event(JOB, "u1", u1First, t1),   // before the refresh's as-of: its list already knew it
        new Events.Event(JOB, "u1", u1Second, t3),  // after it: left out
        new Events.Event(JOB, "u2", u2First, t1))); // after the base's as-of: left out of u2's base list
    Map<String, List<String>> fresh = dump("larder_recommendations_fresh");
    assertThat(fresh.get("u1")).hasSize(4).anyMatch(row -> row.startsWith("1|" + u1First + "|"))
        .noneMatch(row -> row.contains("|" + u1Second + "|")).allMatch(row -> row.endsWith("|" + r.id()));
    assertThat(fresh.get("u2")).hasSize(4).noneMatch(row -> row.contains("|" + u2First + "|"));
    assertThat(fresh.get("u4")).hasSize(5);
    assertThat(recommend("u1")).hasSize(4).contains("1:" + u1First).doesNotContain("1:" + u1Second);
    assertThat(recommend("u2")).hasSize(4).doesNotContain("1:" + u2First);
  }

  @Test void theViewsReadByKey() throws Exception {
    publishBase(1, 3, null);
    refresh(2, Map.of("u1", 5), null);
    try (Connection c = rawConnection()) {
      for (String view : List.of("larder_recommendations", "larder_recommendations_fresh")) {
        String plan = explain(c, "SELECT rank, item_id, score FROM " + view + " WHERE job = ? AND user_id = ?"
            + " ORDER BY rank", JOB, "u1");
        assertIndexed(plan);
      }
    }
  }
}
