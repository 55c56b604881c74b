package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import larder.core.LarderException;
import larder.core.Progress;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.serve.RankedItem;
import larder.serve.Recommendations;
import larder.store.Events;
import larder.store.Store;
import larder.store.UserHistories;
import larder.testkit.TestStore;
import larder.train.recommend.kept.UserHistory;
import larder.train.score.TopNScoring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code larder run --refresh} through {@link JobRunner#refresh} on a real store, with the job's own CSV source
 * growing between runs as an event log does: changed users get new lists from the refresh, users the base never
 * saw get lists of their own, everyone else's rows stay byte for byte; rows already covered, too many changed
 * users and a damaged source publish nothing; events after a refresh's data are left out at read time; a full
 * run compacts the refreshes away and a rollback brings back its base's latest refresh. Readers never see a mix.
 *
 * <p>A refreshed list is compared with the kept model's list of the user's whole history as a full read of the
 * source gives it; that the kept item side scores as the fitted model does is the train side's (ItemSideTest,
 * AlsRefreshTest).
 */
abstract class RefreshRunnerContract {
  static final String JOB = "shop";
  static final int TOP_N = 5;
  static final int USERS = 200;
  static final int ITEMS = 60;
  /** The base's rows are at T0 .. T0 + 99,999 s. */
  static final long T0 = 1_700_000_000L;

  @TempDir Path dir;
  private TestStore db;
  Store store;
  Publisher publisher;
  JobRunner runner;
  Path events;
  /** Each user's items in the CSV so far. */
  final Map<String, Set<String>> seen = new HashMap<>();
  long newest;

  abstract TestStore newStore();

  @BeforeEach void open() throws Exception {
    events = dir.resolve("events.csv");
    Random random = new Random(20261205L);
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    for (int u = 0; u < USERS; u++) {
      int n = 4 + random.nextInt(9);
      for (int k = 0; k < n; k++) {
        // skewed towards the low items, so popularity and neighbours have something to find
        int item = (int) (ITEMS * Math.pow(random.nextDouble(), 2));
        long ts = T0 + random.nextInt(100_000);
        newest = Math.max(newest, ts);
        append(csv, user(u), "i" + item, ts);
      }
    }
    Files.writeString(events, csv);
    db = newStore();
    store = db.open(Store::open);
    publisher = new Publisher(store);
    runner = new JobRunner(publisher, Progress.NONE, (job, message) -> { });
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  static String user(int u) {
    return String.format("u%03d", u);
  }

  private void append(StringBuilder csv, String user, String item, long ts) {
    csv.append(user).append(',').append(item).append(',').append(ts).append('\n');
    seen.computeIfAbsent(user, k -> new HashSet<>()).add(item);
  }

  /** Appends {@code user}'s interactions with {@code items} to the job's source, each a second after the newest. */
  void addRows(String user, String... items) throws Exception {
    StringBuilder csv = new StringBuilder();
    for (String item : items) append(csv, user, item, ++newest);
    Files.writeString(events, csv, StandardOpenOption.APPEND);
  }

  /** An item {@code user} has not interacted with, among those the base knows. */
  String unseenItem(String user, int from) {
    for (int i = from; ; i++) {
      if (!seen.getOrDefault(user, Set.of()).contains("i" + (i % ITEMS)) && seenAnywhere("i" + (i % ITEMS))) {
        return "i" + (i % ITEMS);
      }
    }
  }

  private boolean seenAnywhere(String item) {
    return seen.values().stream().anyMatch(s -> s.contains(item));
  }

  RecommendationsJob job(String model, String extra) {
    String yaml = """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts } }
            model: %s
            top_n: %d
            similar_items: 3
            threads: 2
        """.formatted(model, TOP_N) + extra;
    return (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), yaml, JOB);
  }

  Map<String, List<String>> served() {
    return ServedLists.of(store, JOB);
  }

  List<BatchInfo> batches() {
    return new PredictionReader(store).batches(JOB);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ type: popularity }", "{ type: itemknn, neighbors: 12 }", "{ type: ease, lambda: 50 }",
      "{ type: als, factors: 6, iterations: 3, seed: 11 }"})
  void changedAndNewUsersGetNewListsAndEveryoneElseKeepsTheirRowsThroughThreeRefreshes(String model) throws Exception {
    RecommendationsJob job = job(model, "");
    long base = runner.run(job).batch().id();
    Map<String, List<String>> before = served();
    assertThat(before).hasSize(USERS);

    Set<String> touched = new HashSet<>();
    String changed = user(3);
    String a = unseenItem(changed, 0), b = unseenItem(changed, 1);
    addRows(changed, a, b);
    addRows("newbie", "i0", "i1", "i2");
    touched.addAll(List.of(changed, "newbie"));
    RefreshReport first = runner.refresh(job);
    assertThat(first.batch()).isNotNull();
    long r1 = first.batch().id();
    assertThat(first.baseBatchId()).isEqualTo(base);
    assertThat(first.changedUsers()).isEqualTo(2);
    assertThat(first.newUsers()).isEqualTo(1);
    assertThat(first.batch().dataUntil()).isEqualTo(Instant.ofEpochSecond(newest));

    Map<String, List<String>> after = served();
    // (a) the changed user's new list: from the refresh, none of what they have seen, the new items included
    List<String> list = after.get(changed);
    assertThat(list).isNotEmpty().allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(r1));
    assertThat(list).extracting(ServedLists::item).doesNotContainAnyElementsOf(seen.get(changed));
    assertThat(list).isNotEqualTo(before.get(changed));
    // (b) the new user has a list of their own, not the fallback
    Recommendations newbie = new PredictionReader(store).recommend(JOB, "newbie", TOP_N);
    assertThat(newbie.source()).isEqualTo(Recommendations.USER);
    assertThat(newbie.batchId()).isEqualTo(r1);
    assertThat(newbie.items()).extracting(RankedItem::itemId).doesNotContain("i0", "i1", "i2").isNotEmpty();
    assertThat(after.get("newbie")).extracting(ServedLists::item)
        .containsExactlyElementsOf(newbie.items().stream().map(RankedItem::itemId).toList());

    // two more refreshes, each of other users (one of them again)
    for (int round = 0; round < 2; round++) {
      String u = user(10 + round);
      addRows(u, unseenItem(u, 5));
      addRows(changed, unseenItem(changed, 7 + round));
      touched.add(u);
      RefreshReport r = runner.refresh(job);
      assertThat(r.changedUsers()).isEqualTo(2);
      Map<String, List<String>> now = served();
      assertThat(now.get(u)).allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(r.batch().id()));
      assertThat(now.get(changed)).allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(r.batch().id()));
      assertThat(now.get(changed)).extracting(ServedLists::item).doesNotContainAnyElementsOf(seen.get(changed));
    }

    // (c) untouched users: the same rows, item ids, score bits and base batch id
    Map<String, List<String>> end = served();
    assertThat(end).hasSize(USERS + 1);
    Map<String, List<String>> untouchedBefore = new HashMap<>(before), untouchedAfter = new HashMap<>(end);
    untouchedBefore.keySet().removeAll(touched);
    untouchedAfter.keySet().removeAll(touched);
    assertThat(untouchedAfter).hasSize(USERS - 3).isEqualTo(untouchedBefore);
    assertThat(untouchedAfter.values()).allSatisfy(rows -> assertThat(rows)
        .allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(base)));
  }

  /**
   * (d) A refreshed user's list is the kept model's list for their whole history as a full read of the source
   * gives it (base and new rows, items the base knows): the runner merges, excludes and scores as a full run of
   * that history would. That the kept side scores as the fitted model does is ItemSideTest's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{ type: popularity }", "{ type: itemknn, neighbors: 12 }",
      "{ type: itemknn, neighbors: 12, neighborhood: history }", "{ type: ease, lambda: 50 }",
      "{ type: als, factors: 6, iterations: 3, seed: 11 }"})
  void aRefreshedListIsTheKeptModelsListOfTheWholeHistory(String model) throws Exception {
    RecommendationsJob job = job(model, "");
    long base = runner.run(job).batch().id();
    String u = user(17);
    String again = seen.get(u).iterator().next();
    addRows(u, unseenItem(u, 0), again, "brand-new", unseenItem(u, 3));
    addRows("newbie", "i1", "i4", "i1");
    runner.refresh(job);
    addRows(u, unseenItem(u, 9));
    runner.refresh(job);

    for (String user : List.of(u, "newbie")) assertListIsTheKeptModelsOfTheWholeHistory(job, base, user);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ type: itemknn, neighbors: 12 }", "{ type: ease, lambda: 50 }",
      "{ type: als, factors: 6, iterations: 3, seed: 11 }"})
  void weightsOfNewRowsAddUpAsAFullReadAddsThem(String model) throws Exception {
    // the same rows with a quantity column: 1 for the base, more for the new rows, some repeating old items
    String weighted = Files.readString(events).lines().map(l -> l + (l.startsWith("user_id") ? ",quantity" : ",1"))
        .reduce("", (a, b) -> a + b + "\n");
    Files.writeString(events, weighted);
    RecommendationsJob job = (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts, weight: quantity } }
            model: %s
            top_n: %d
            threads: 2
        """.formatted(model, TOP_N), JOB);
    long base = runner.run(job).batch().id();
    String u = user(21);
    String old = seen.get(u).iterator().next(), fresh = unseenItem(u, 0);
    Files.writeString(events, u + "," + old + "," + (++newest) + ",3\n" + u + "," + fresh + "," + (++newest) + ",2.5\n"
        + u + "," + fresh + "," + (++newest) + ",4\n", StandardOpenOption.APPEND);
    runner.refresh(job);
    Files.writeString(events, u + "," + old + "," + (++newest) + ",0.5\n", StandardOpenOption.APPEND);
    runner.refresh(job);
    UserHistory.Decoded h = UserHistory.decode(new UserHistories(store).read(base, List.of(u)).get(u), u);
    IdMap items = new KeptBatch(store).items(base);
    assertThat(h.values()[java.util.Arrays.binarySearch(h.items(), items.idOf(fresh))]).isEqualTo(6.5f);
    assertListIsTheKeptModelsOfTheWholeHistory(job, base, u);
  }

  private void assertListIsTheKeptModelsOfTheWholeHistory(RecommendationsJob job, long base, String user) {
    KeptBatch kept = new KeptBatch(store);
    IdMap items = kept.items(base);
    Interactions all = job.source().read(Progress.NONE).interactions();
    SparseMatrix m = all.byUser();
    int row = all.users().idOf(user);
    java.util.TreeMap<Integer, Float> history = new java.util.TreeMap<>();
    for (int k = m.rowStart(row); k < m.rowEnd(row); k++) {
      int id = items.idOf(all.items().name(m.cols()[k]));
      if (id >= 0) history.put(id, m.vals()[k]);
    }
    int[] ids = history.keySet().stream().mapToInt(Integer::intValue).toArray();
    float[] values = new float[ids.length];
    for (int k = 0; k < ids.length; k++) values[k] = history.get(ids[k]);
    byte[] whole = UserHistory.encode(ids, values, ids.length);
    assertThat(new UserHistories(store).read(base, List.of(user)).get(user)).as("kept history of " + user)
        .isEqualTo(whole);

    SparseMatrix one = UserHistory.matrix(List.of(whole), items.size());
    List<String> expected = new ArrayList<>();
    TopNScoring.scoreUsers(kept.itemSide(base).forUsers(one, 2, Progress.NONE), one, null, TOP_N, null, 2,
        (x, top, scores, count) -> {
          for (int r = 0; r < count; r++) {
            expected.add(items.name(top[r]) + " " + Integer.toHexString(Float.floatToRawIntBits(scores[r])));
          }
        }, Progress.NONE);
    assertThat(expected).isNotEmpty();
    assertThat(served().get(user)).as(user).extracting(row2 -> row2.split(" ")[1] + " " + row2.split(" ")[2])
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ type: popularity }", "{ type: itemknn, neighbors: 12 }", "{ type: ease, lambda: 50 }",
      "{ type: als, factors: 6, iterations: 3, seed: 11 }"})
  void aNewUserWithOnlyItemsTheModelDoesNotKnowGetsTheFallback(String model) throws Exception {
    RecommendationsJob job = job(model, "");
    long base = runner.run(job).batch().id();
    Recommendations fallback = new PredictionReader(store).recommend(JOB, "stranger", TOP_N);
    assertThat(fallback.source()).isEqualTo(Recommendations.FALLBACK);
    addRows("stranger", "brand-new-1", "brand-new-2");
    addRows(user(9), unseenItem(user(9), 0));
    RefreshReport r = runner.refresh(job);
    assertThat(r.unknownItems()).isEqualTo(2);
    Recommendations after = new PredictionReader(store).recommend(JOB, "stranger", TOP_N);
    assertThat(after.source()).as("no history the model knows: no list of its own").isEqualTo(Recommendations.FALLBACK);
    assertThat(after.items()).isEqualTo(fallback.items());
    assertThat(after.batchId()).isEqualTo(base);
    assertThat(served()).doesNotContainKey("stranger");
  }

  @Test void rowsAtOrBeforeTheHighWaterMarkAreNotCountedAgain() throws Exception {
    RecommendationsJob job = job("{ type: itemknn, neighbors: 12 }", "");
    runner.run(job);
    addRows(user(4), unseenItem(user(4), 0));
    long refresh = runner.refresh(job).batch().id();
    Map<String, List<String>> before = served();
    int batches = batches().size();

    // the same source read again, and then with old rows repeated (at and before the mark): nothing new
    assertThat(runner.refresh(job).batch()).isNull();
    String lines = Files.readString(events).lines().skip(1).limit(50).reduce("", (x, y) -> x + y + "\n");
    Files.writeString(events, lines + user(7) + ",i3," + newest + "\n", StandardOpenOption.APPEND);
    RefreshReport again = runner.refresh(job);
    assertThat(again.batch()).isNull();
    assertThat(again.rowsCovered()).isEqualTo(again.rowsRead());
    assertThat(served()).isEqualTo(before);
    assertThat(batches()).hasSize(batches);
    assertThat(new PredictionReader(store).recommend(JOB, user(4), TOP_N).batchId()).isEqualTo(refresh);
  }

  @Test void tooManyChangedUsersAreRefusedAndTheListsStay() throws Exception {
    RecommendationsJob job = job("{ type: ease, lambda: 50 }", "    refresh: { max_changed_users: 3 }\n");
    long base = runner.run(job).batch().id();
    Map<String, List<String>> before = served();
    for (int u = 20; u < 24; u++) addRows(user(u), unseenItem(user(u), 0));
    assertThatThrownBy(() -> runner.refresh(job)).isInstanceOf(LarderException.class)
        .hasMessageContaining("4 users have new interactions").hasMessageContaining("max_changed_users (3")
        .hasMessageContaining("nothing was refreshed");
    assertThat(served()).isEqualTo(before);
    assertThat(batches()).extracting(BatchInfo::id).containsExactly(base);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"u030,i1,", "u030,i1,17e9x"})
  void aDamagedRefreshSourceFailsAndTheListsStay(String bad) throws Exception {
    RecommendationsJob job = job("{ type: popularity }", "");
    long base = runner.run(job).batch().id();
    addRows(user(5), unseenItem(user(5), 0));
    long refresh = runner.refresh(job).batch().id();
    Map<String, List<String>> before = served();
    addRows(user(6), unseenItem(user(6), 0));
    Files.writeString(events, bad + (newest + 5) + "\n", StandardOpenOption.APPEND);
    addRows(user(8), unseenItem(user(8), 0));
    assertThatThrownBy(() -> runner.refresh(job)).isInstanceOf(LarderException.class).hasMessageContaining("events.csv");
    assertThat(served()).isEqualTo(before);
    List<BatchInfo> all = batches();
    assertThat(all.get(0).id()).as("nothing published").isIn(refresh, refresh + 1);
    assertThat(all).filteredOn(b -> b.id() > refresh).allSatisfy(b -> assertThat(b.status()).isEqualTo("failed"));
    assertThat(all).extracting(BatchInfo::id).contains(base);
  }

  @Test void eventsAfterTheRefreshDataAreLeftOutAtReadTimeAndThoseAtItAreNot() throws Exception {
    RecommendationsJob job = job("{ type: itemknn, neighbors: 12 }", "");
    runner.run(job);
    String u = user(12);
    addRows(u, unseenItem(u, 0));
    BatchInfo refresh = runner.refresh(job).batch();
    Instant until = refresh.dataUntil();
    List<String> list = served().get(u);
    assertThat(list).hasSizeGreaterThanOrEqualTo(3);
    String later = ServedLists.item(list.get(0)), atMark = ServedLists.item(list.get(1));
    Events.record(store, List.of(new Events.Event(JOB, u, later, until.plusSeconds(1)),
        new Events.Event(JOB, u, atMark, until)));

    List<String> fresh = ServedLists.of(store, JOB, "larder_recommendations_fresh").get(u);
    assertThat(fresh).extracting(ServedLists::item).doesNotContain(later).contains(atMark);
    assertThat(fresh).isEqualTo(list.subList(1, list.size()));
    Recommendations read = new PredictionReader(store).recommend(JOB, u, TOP_N);
    assertThat(read.batchId()).isEqualTo(refresh.id());
    assertThat(read.items()).extracting(RankedItem::itemId).doesNotContain(later).contains(atMark);
    assertThat(read.items()).extracting(RankedItem::rank).startsWith(2);
  }

  @Test void aFullRunServesNoDeltaAndARollbackServesThePreviousBaseWithItsLatestRefresh() throws Exception {
    RecommendationsJob job = job("{ type: ease, lambda: 50 }", "");
    long firstBase = runner.run(job).batch().id();
    addRows(user(40), unseenItem(user(40), 0));
    runner.refresh(job);
    addRows(user(41), unseenItem(user(41), 0));
    long latest = runner.refresh(job).batch().id();
    Map<String, List<String>> refreshed = served();

    long secondBase = runner.run(job).batch().id();
    Map<String, List<String>> full = served();
    assertThat(full).hasSize(USERS);
    assertThat(full.values()).allSatisfy(rows -> assertThat(rows)
        .allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(secondBase)));
    long deltaRows = store.read("count delta rows", c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM larder_rec_delta WHERE base_batch_id = ?")) {
        ps.setLong(1, secondBase);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    assertThat(deltaRows).isZero();
    // a refresh now starts from the new base
    addRows(user(42), unseenItem(user(42), 0));
    assertThat(runner.refresh(job).baseBatchId()).isEqualTo(secondBase);

    publisher.rollback(JOB, firstBase);
    assertThat(served()).isEqualTo(refreshed);
    assertThat(new PredictionReader(store).recommend(JOB, user(41), TOP_N).batchId()).isEqualTo(latest);
  }

  @Test void aRefreshWhileAFullRunHoldsTheLockIsRefusedAndRunsOnceItIsGone() throws Exception {
    RecommendationsJob job = job("{ type: ease, lambda: 50 }", "");
    runner.run(job);
    Map<String, List<String>> before = served();
    addRows(user(50), unseenItem(user(50), 0));
    try (BatchLoader full = publisher.begin(JOB, BatchKind.RECOMMENDATIONS, "ease", BatchParams.NONE)) {
      assertThatThrownBy(() -> runner.refresh(job)).isInstanceOf(LarderException.class).hasMessageContaining("lock");
      assertThat(served()).isEqualTo(before);
    }
    long refresh = runner.refresh(job).batch().id();
    assertThat(served().get(user(50))).allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(refresh));
  }

  @Test void aRetiredBaseTakesItsRefreshesAlong() throws Exception {
    RecommendationsJob job = job("{ type: itemknn, neighbors: 12 }", "    keep: 2\n");
    long first = runner.run(job).batch().id();
    addRows(user(60), unseenItem(user(60), 0));
    long refresh = runner.refresh(job).batch().id();
    runner.run(job);
    assertThatThrownBy(() -> publisher.rollback(JOB, refresh)).isInstanceOf(LarderException.class)
        .hasMessageContaining("roll back to " + first);
    runner.run(job);
    Map<Long, String> status = new HashMap<>();
    for (BatchInfo b : batches()) status.put(b.id(), b.status());
    assertThat(status.get(first)).isEqualTo("retired");
    assertThat(status.get(refresh)).isNotIn("published", "superseded");
    long leftOver = store.read("count what the retired base left", c -> {
      long n = 0;
      for (String sql : List.of("larder_rec_delta WHERE base_batch_id = ?", "larder_user_history WHERE batch_id = ?")) {
        try (var ps = c.prepareStatement("SELECT COUNT(*) FROM " + sql)) {
          ps.setLong(1, first);
          try (var rs = ps.executeQuery()) {
            rs.next();
            n += rs.getLong(1);
          }
        }
      }
      return n;
    });
    assertThat(leftOver).isZero();
  }

  /** A query source on the store's own database: the full run binds 1970, each refresh its high-water mark. */
  @Test void aQuerySourceReadsOnlyTheRowsAfterTheMark() throws Exception {
    boolean postgres = db.jdbcUrl().startsWith("jdbc:postgresql:");
    String table = "shop_events_" + Long.toHexString(new Random().nextLong() & Long.MAX_VALUE);
    try (var c = db.connect(); var st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " (user_id TEXT, item_id TEXT, ts " + (postgres ? "TIMESTAMPTZ" : "INTEGER") + ")");
    }
    String insert = "INSERT INTO " + table + " VALUES (?, ?, " + (postgres ? "to_timestamp(?)" : "?") + ")";
    java.util.function.Consumer<List<String>> load = lines -> {
      try (var c = db.connect(); var ps = c.prepareStatement(insert)) {
        for (String line : lines) {
          String[] f = line.split(",");
          ps.setString(1, f[0]);
          ps.setString(2, f[1]);
          ps.setLong(3, Long.parseLong(f[2]));
          ps.addBatch();
        }
        ps.executeBatch();
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    };
    load.accept(Files.readString(events).lines().skip(1).toList());
    String since = postgres ? ":since" : ":since_epoch";
    RecommendationsJob job = (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), """
        jobs:
          shop:
            source: { url: "%s", sql: "SELECT user_id, item_id, ts FROM %s WHERE ts > %s",
                      columns: { user: user_id, item: item_id, timestamp: ts } }
            model: { type: itemknn, neighbors: 12 }
            top_n: %d
        """.formatted(db.jdbcUrl(), table, since, TOP_N), JOB);
    long base = runner.run(job).batch().id();
    assertThat(served()).hasSize(USERS);
    Map<String, List<String>> before = served();

    String u = user(33);
    load.accept(List.of(u + "," + unseenItem(u, 0) + "," + (newest + 10)));
    RefreshReport r = runner.refresh(job);
    assertThat(r.rowsRead()).as("the query gave only the new row").isEqualTo(1);
    assertThat(r.changedUsers()).isEqualTo(1);
    assertThat(r.batch().dataUntil()).isEqualTo(Instant.ofEpochSecond(newest + 10));
    Map<String, List<String>> after = served();
    assertThat(after.get(u)).allSatisfy(row -> assertThat(ServedLists.batch(row)).isEqualTo(r.batch().id()));
    after.remove(u);
    before.remove(u);
    assertThat(after).isEqualTo(before);
    assertThat(runner.refresh(job).batch()).as("nothing after the new mark").isNull();
    assertThat(r.baseBatchId()).isEqualTo(base);
  }

  @Test void readersDuringRefreshesSeeOneWholeListFromOneBatch() throws Exception {
    RecommendationsJob job = job("{ type: itemknn, neighbors: 12 }", "    refresh: { max_changed_users: 50 }\n");
    runner.run(job);
    List<String> users = new ArrayList<>();
    for (int u = 0; u < 12; u++) users.add(user(u));
    // every state each user's list has been in, as "batch:item,item,..."
    Map<String, Set<String>> states = new java.util.concurrent.ConcurrentHashMap<>();
    Runnable remember = () -> served().forEach((user, rows) -> {
      if (users.contains(user)) states.computeIfAbsent(user, k -> java.util.concurrent.ConcurrentHashMap.newKeySet())
          .add(ServedLists.batch(rows.get(0)) + ":" + rows.stream().map(ServedLists::item).toList());
    });
    remember.run();

    AtomicBoolean done = new AtomicBoolean();
    AtomicLong answers = new AtomicLong();
    ConcurrentLinkedQueue<String> seenAnswers = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    PredictionReader reader = new PredictionReader(store);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t;
      Thread thread = new Thread(() -> {
        try {
          for (int k = offset; !done.get(); k++) {
            String u = users.get(k % users.size());
            Recommendations r = reader.recommend(JOB, u, TOP_N);
            assertThat(r.source()).isEqualTo(Recommendations.USER);
            List<Integer> ranks = r.items().stream().map(RankedItem::rank).toList();
            for (int i = 0; i < ranks.size(); i++) assertThat(ranks.get(i)).as(u + " " + ranks).isEqualTo(i + 1);
            seenAnswers.add(u + "=" + r.batchId() + ":" + r.items().stream().map(RankedItem::itemId).toList());
            answers.incrementAndGet();
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    try {
      for (int round = 0; round < 8; round++) {
        for (int k = 0; k < 4; k++) {
          String u = users.get((round * 4 + k) % users.size());
          addRows(u, unseenItem(u, round * 3 + k));
        }
        assertThat(runner.refresh(job).batch()).isNotNull();
        remember.run();
      }
    } finally {
      done.set(true);
      for (Thread t : threads) t.join();
    }
    assertThat(errors).isEmpty();
    assertThat(answers.get()).isGreaterThan(40);
    for (String answer : seenAnswers) {
      String u = answer.substring(0, answer.indexOf('='));
      assertThat(states.get(u)).as("an answer for " + u + " is one state the list was in").contains(answer.substring(u.length() + 1));
    }
  }
}
