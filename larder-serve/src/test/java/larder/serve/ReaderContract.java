package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.publish.RefreshLoader;
import larder.store.Events;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read contract, run on SQLite and PostgreSQL. */
abstract class ReaderContract {
  static final int USERS = 400;
  static final int ITEMS = 60;
  static final int N = 8;

  TestStore db;
  Store store;
  Publisher pub;
  PredictionReader reader;
  final IdMap users = new IdMap();
  final IdMap items = new IdMap();

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeEach void open() {
    db = newStore();
    store = db.open(Store::open);
    pub = new Publisher(store);
    reader = new PredictionReader(store);
    for (int u = 0; u < USERS; u++) users.intern("user-" + u);
    for (int i = 0; i < ITEMS; i++) items.intern("item-" + i);
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  /** Generation {@code gen}: user u gets items (u + gen + r) mod ITEMS, score gen*100 + N - r. */
  static int item(int u, int rank, int gen) { return (u + gen + rank) % ITEMS; }

  static float score(int rank, int gen) { return gen * 100 + N - rank; }

  BatchInfo publish(String job, int gen, boolean withSimilar, int keep) {
    try (BatchLoader w = pub.begin(job, BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      int[] it = new int[N];
      float[] sc = new float[N];
      for (int u = 0; u < USERS; u++) {
        for (int r = 1; r <= N; r++) {
          it[r - 1] = item(u, r, gen);
          sc[r - 1] = score(r, gen);
        }
        sink.accept(u, it, sc, N);
      }
      w.recommendations().writeFallback(new int[] {gen % ITEMS, (gen + 1) % ITEMS}, new float[] {gen * 100 + 2, gen * 100 + 1}, 2, items);
      if (withSimilar) {
        var similar = w.recommendations().similarSink(items);
        for (int i = 0; i < ITEMS; i++) similar.accept(i, new int[] {(i + 1) % ITEMS, (i + 2) % ITEMS}, new float[] {0.9f, 0.8f}, 2);
      }
      return w.publish(keep);
    }
  }

  @Test void aRefreshedUsersListComesFromTheRefreshAndTheJobStillServesItsBase() {
    BatchInfo base = publish("shop", 3, false, 2);
    BatchInfo refresh;
    try (RefreshLoader r = pub.beginRefresh("shop", "test", BatchParams.NONE)) {
      r.putList("user-5", new int[] {7, 9}, new float[] {2f, 1f}, 2, items);
      r.putList("user-6", new int[0], new float[0], 0, items);
      refresh = r.publish();
    }
    Recommendations own = reader.recommend("shop", "user-5", 5);
    assertThat(own.batchId()).isEqualTo(refresh.id());
    assertThat(own.publishedAt()).isEqualTo(refresh.publishedAt());
    assertThat(own.items()).extracting(RankedItem::itemId).containsExactly("item-7", "item-9");
    Recommendations untouched = reader.recommend("shop", "user-17", 5);
    assertThat(untouched.batchId()).isEqualTo(base.id());
    assertThat(untouched.items()).hasSize(5);
    Recommendations emptied = reader.recommend("shop", "user-6", 5);
    assertThat(emptied.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(emptied.batchId()).isEqualTo(base.id());
    assertThat(reader.current("shop").orElseThrow().id()).isEqualTo(base.id());
    assertThat(reader.jobs()).containsExactly("shop");
    // every answer names the job's base and its refresh, whichever batch the list came from
    for (Recommendations r : List.of(own, untouched, emptied)) {
      assertThat(r.serving().base().id()).isEqualTo(base.id());
      assertThat(r.serving().refresh().id()).isEqualTo(refresh.id());
    }
    Serving s = reader.serving("shop").orElseThrow();
    assertThat(s.base().id()).isEqualTo(base.id());
    assertThat(s.refresh().id()).isEqualTo(refresh.id());
    assertThat(s.refresh().isRefresh()).isTrue();
    assertThat(s.refresh().baseBatchId()).isEqualTo(base.id());
    assertThat(s.base().isRefresh()).isFalse();

    // a newer refresh replaces the first in every answer at once, also for users it did not touch
    BatchInfo second;
    try (RefreshLoader r = pub.beginRefresh("shop", "test", BatchParams.NONE)) {
      r.putList("user-8", new int[] {3}, new float[] {1f}, 1, items);
      second = r.publish();
    }
    assertThat(reader.recommend("shop", "user-5", 5).serving().refresh().id()).isEqualTo(second.id());
    assertThat(reader.recommend("shop", "user-17", 5).serving().refresh().id()).isEqualTo(second.id());
    assertThat(reader.recommend("shop", "user-8", 5).batchId()).isEqualTo(second.id());
    assertThat(reader.recommend("shop", "user-6", 5).serving().refresh().id()).isEqualTo(second.id());
    List<JobStatus> status = reader.jobStatuses();
    assertThat(status).singleElement().satisfies(j -> {
      assertThat(j.serving().id()).isEqualTo(base.id());
      assertThat(j.refresh().id()).isEqualTo(second.id());
      assertThat(j.failure()).isNull();
    });

    // a full run serves alone again: no refresh in the answers
    BatchInfo next = publish("shop", 4, false, 2);
    Recommendations full = reader.recommend("shop", "user-5", 5);
    assertThat(full.batchId()).isEqualTo(next.id());
    assertThat(full.serving().base().id()).isEqualTo(next.id());
    assertThat(full.serving().refresh()).isNull();
    assertThat(reader.serving("shop").orElseThrow().refresh()).isNull();
    assertThat(reader.jobStatuses().get(0).refresh()).isNull();
  }

  @Test void aJobWithoutRefreshServesItsBaseAloneInEveryAnswer() {
    BatchInfo base = publish("shop", 3, false, 2);
    Recommendations own = reader.recommend("shop", "user-5", 5);
    Recommendations fallback = reader.recommend("shop", "nobody", 5);
    for (Recommendations r : List.of(own, fallback)) {
      assertThat(r.serving().base().id()).isEqualTo(base.id());
      assertThat(r.serving().refresh()).isNull();
    }
    assertThat(reader.serving("shop").orElseThrow().base().id()).isEqualTo(base.id());
    assertThat(reader.serving("shop").orElseThrow().refresh()).isNull();
    assertThat(reader.serving("nope")).isEmpty();
  }

  @Test void aKnownUserGetsTheirListFromTheCurrentBatch() {
    BatchInfo b = publish("shop", 3, false, 2);
    Instant later = b.publishedAt().plusSeconds(90);
    PredictionReader at = new PredictionReader(store, Clock.fixed(later, ZoneOffset.UTC));
    Recommendations r = at.recommend("shop", "user-17", 5);
    assertThat(r.source()).isEqualTo(Recommendations.USER);
    assertThat(r.batchId()).isEqualTo(b.id());
    assertThat(r.publishedAt()).isEqualTo(b.publishedAt());
    assertThat(r.age()).isEqualTo(Duration.ofSeconds(90));
    List<RankedItem> expected = new ArrayList<>();
    for (int rank = 1; rank <= 5; rank++) expected.add(new RankedItem(rank, "item-" + item(17, rank, 3), score(rank, 3)));
    assertThat(r.items()).containsExactlyElementsOf(expected);
    assertThat(reader.recommend("shop", "user-17", 100).items()).hasSize(N);
    // every limit up to the list's length gives exactly that many, the best first (limits are read in buckets)
    for (int limit = 1; limit <= N; limit++) {
      assertThat(reader.recommend("shop", "user-17", limit).items()).containsExactlyElementsOf(expected(17, limit));
    }
    assertThat(reader.recommend("shop", "user-17", Integer.MAX_VALUE).items()).hasSize(N);
  }

  private static List<RankedItem> expected(int user, int limit) {
    List<RankedItem> out = new ArrayList<>();
    for (int rank = 1; rank <= limit; rank++) out.add(new RankedItem(rank, "item-" + item(user, rank, 3), score(rank, 3)));
    return out;
  }

  @Test void limitBucketsHoldEveryLimitAndAreFew() {
    java.util.Set<Integer> buckets = new java.util.HashSet<>();
    for (int limit : new int[] {1, 9, 10, 11, 20, 21, 50, 99, 100, 101, 1_000_000, Integer.MAX_VALUE}) {
      int b = PredictionReader.bucketLimit(PredictionReader.limitBucket(limit));
      assertThat(b).as("limit %d", limit).isGreaterThanOrEqualTo(limit);
      assertThat((long) b).as("limit %d", limit).isLessThanOrEqualTo(Math.max(10, 5L * limit / 2));
      buckets.add(b);
    }
    assertThat(PredictionReader.limitBucket(Integer.MAX_VALUE)).isLessThan(30);
  }

  @Test void itemsTheUserInteractedWithAfterTheBatchAreLeftOutAndTheLimitStillMet() {
    BatchInfo b = publish("shop", 3, false, 2);
    Instant after = Instant.now(), before = b.createdAt().minusSeconds(3600);
    String first = "item-" + item(17, 1, 3), third = "item-" + item(17, 3, 3), fourth = "item-" + item(17, 4, 3);
    Events.record(store, List.of(new Events.Event("shop", "user-17", first, after),
        new Events.Event("shop", "user-17", third, after),
        new Events.Event("shop", "user-17", "item-" + item(17, 2, 3), before),  // before the batch: its own business
        new Events.Event("shop", "user-18", fourth, after),                    // another user's
        new Events.Event("news", "user-17", "item-" + item(17, 5, 3), after))); // another job's
    Recommendations r = reader.recommend("shop", "user-17", 5);
    assertThat(r.source()).isEqualTo(Recommendations.USER);
    assertThat(r.items()).as("ranks 1 and 3 left out, stored ranks kept, still 5 items")
        .extracting(RankedItem::rank).containsExactly(2, 4, 5, 6, 7);
    assertThat(r.items()).extracting(RankedItem::itemId).doesNotContain(first, third).contains(fourth);
    assertThat(reader.recommend("shop", "user-17", 100).items()).hasSize(N - 2);
    assertThat(reader.recommend("shop", "user-16", N).items()).as("user-16 has no events").hasSize(N);

    // the fallback list too, for that user only
    Events.record(store, List.of(new Events.Event("shop", "someone-new", "item-3", after)));
    assertThat(reader.recommend("shop", "someone-new", 10).items()).containsExactly(new RankedItem(2, "item-4", 301f));
    assertThat(reader.recommend("shop", "stranger", 10).items()).hasSize(2);

    // a user whose own list is all left out gets the fallback list
    List<Events.Event> all = new ArrayList<>();
    for (int rank = 1; rank <= N; rank++) all.add(new Events.Event("shop", "user-20", "item-" + item(20, rank, 3), after));
    Events.record(store, all);
    assertThat(reader.recommend("shop", "user-20", 10).source()).isEqualTo(Recommendations.FALLBACK);
  }

  @Test void aNewRunCoversEarlierEventsAndPublishPrunesThoseNoKeptBatchNeeds() {
    BatchInfo b1 = publish("shop", 1, false, 1);
    Events.record(store, List.of(new Events.Event("shop", "user-1", "item-" + item(1, 1, 2), Instant.now()),
        new Events.Event("shop", "user-2", "item-x", b1.createdAt().minusSeconds(60)),
        new Events.Event("news", "user-2", "item-x", b1.createdAt().minusSeconds(60))));
    assertThat(events("shop")).isEqualTo(2);
    publish("shop", 2, false, 1);
    assertThat(events("shop")).as("the event before batch 1, the oldest kept, is gone").isEqualTo(1);
    assertThat(reader.recommend("shop", "user-1", N).items()).as("batch 2 was created after the event: it covers it")
        .hasSize(N).extracting(RankedItem::itemId).contains("item-" + item(1, 1, 2));
    publish("shop", 3, false, 1);
    assertThat(events("shop")).as("batch 1 retired: the oldest kept is batch 2, created after the event").isZero();
    assertThat(events("news")).as("another job's events stay").isEqualTo(1);
  }

  private int events(String job) {
    return store.read("count events", c -> {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM larder_events WHERE job = ?")) {
        ps.setString(1, job);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  @Test void theExportStreamsEveryListOfTheCurrentBatchInUserThenRankOrder() {
    publish("shop", 1, false, 3);
    BatchInfo b = publish("shop", 2, false, 3);
    List<String> rows = new ArrayList<>();
    long[] started = {0};
    long n = reader.forEachRecommendation("shop", new PredictionReader.RowConsumer() {
      @Override public void start(BatchInfo batch) {
        started[0] = batch.id();
      }

      @Override public void accept(String user, int rank, String item, float score) {
        rows.add(user + "|" + rank + "|" + item + "|" + score);
      }
    });
    assertThat(started[0]).isEqualTo(b.id());
    assertThat(n).isEqualTo((long) USERS * N).isEqualTo(rows.size());
    List<String> expected = new ArrayList<>();
    List<Integer> byName = new ArrayList<>();
    for (int u = 0; u < USERS; u++) byName.add(u);
    byName.sort(java.util.Comparator.comparing(u -> "user-" + u)); // the ids' own order, as the store sorts text
    for (int u : byName) {
      for (int r = 1; r <= N; r++) expected.add("user-" + u + "|" + r + "|item-" + item(u, r, 2) + "|" + score(r, 2));
    }
    assertThat(rows).containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> reader.forEachRecommendation("nope", (u, r, i, sc) -> { }))
        .isInstanceOf(NotFoundException.class);
  }

  @Test void anUnknownUserGetsTheFallbackList() {
    publish("shop", 4, false, 2);
    Recommendations r = reader.recommend("shop", "someone-new", 10);
    assertThat(r.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(r.items()).containsExactly(new RankedItem(1, "item-4", 402f), new RankedItem(2, "item-5", 401f));
    assertThat(reader.recommend("shop", "someone-new", 1).items()).hasSize(1);
  }

  @Test void anUnknownJobNamesTheKnownOnes() {
    publish("shop", 1, false, 2);
    publish("news", 1, false, 2);
    assertThatThrownBy(() -> reader.recommend("shoes", "user-1", 10)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'shoes'").hasMessageContaining("known jobs: news, shop");
    assertThatThrownBy(() -> reader.similarItems("shoes", "item-1", 10)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> reader.recommend("shop", "user-1", 0)).isInstanceOf(InputException.class)
        .hasMessageContaining("limit");
  }

  @Test void similarItemsForKnownAndUnknownItems() {
    BatchInfo b = publish("shop", 1, true, 2);
    SimilarItems s = reader.similarItems("shop", "item-59", 10);
    assertThat(s.batchId()).isEqualTo(b.id());
    assertThat(s.items()).containsExactly(new RankedItem(1, "item-0", 0.9f), new RankedItem(2, "item-1", 0.8f));
    assertThatThrownBy(() -> reader.similarItems("shop", "item-999", 10)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("item-999");
  }

  @Test void batchesCurrentAndJobsDescribeThePublishedState() {
    BatchInfo a = publish("shop", 1, false, 2);
    BatchInfo b = publish("shop", 2, false, 2);
    BatchInfo n = publish("news", 1, false, 2);
    assertThat(reader.jobs()).containsExactly("news", "shop");
    assertThat(reader.current("shop")).contains(b);
    assertThat(reader.current("nothing")).isEmpty();
    assertThat(reader.batches("shop")).extracting(BatchInfo::id).containsExactly(b.id(), a.id());
    assertThat(reader.batches("shop")).extracting(BatchInfo::status).containsExactly("published", "superseded");
    assertThat(reader.batches(null)).extracting(BatchInfo::id).containsExactly(n.id(), b.id(), a.id());
    pub.rollback("shop");
    assertThat(reader.current("shop").orElseThrow().id()).isEqualTo(a.id());
    assertThat(reader.recommend("shop", "user-3", 1).items().get(0).score()).isEqualTo(score(1, 1));
  }

  @Test void answersNeverMixBatchesWhilePublishesRun() throws Exception {
    publish("shop", 1, true, 2);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    Thread t = new Thread(() -> {
      try {
        while (!done.get()) {
          int u = ThreadLocalRandom.current().nextInt(USERS);
          Recommendations r = reader.recommend("shop", "user-" + u, N);
          assertThat(r.items()).hasSize(N);
          int gen = (int) (r.items().get(0).score() / 100);
          for (RankedItem i : r.items()) {
            assertThat(i.itemId()).isEqualTo("item-" + item(u, i.rank(), gen));
            assertThat(i.score()).isEqualTo(score(i.rank(), gen));
          }
          Recommendations f = reader.recommend("shop", "stranger", 5);
          assertThat(f.items()).hasSize(2);
          assertThat(f.source()).isEqualTo(Recommendations.FALLBACK);
          int fgen = (int) (f.items().get(0).score() / 100);
          assertThat(f.items()).containsExactly(new RankedItem(1, "item-" + fgen % ITEMS, fgen * 100 + 2),
              new RankedItem(2, "item-" + (fgen + 1) % ITEMS, fgen * 100 + 1));
          SimilarItems s = reader.similarItems("shop", "item-7", 5);
          assertThat(s.items()).hasSize(2);
          reads.incrementAndGet();
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    for (int gen = 2; gen <= 6; gen++) publish("shop", gen, true, 1);
    done.set(true);
    t.join();
    if (failure.get() != null) throw new AssertionError("after " + reads.get() + " reads", failure.get());
    assertThat(reads.get()).isPositive();
  }
}
