package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.InputException;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.core.StoreException;
import larder.extract.ExtractResult;
import larder.extract.InteractionSource;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.serve.RankedItem;
import larder.serve.Recommendations;
import larder.store.Events;
import larder.store.Store;
import larder.testkit.TestStore;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job runner end to end on a real store: YAML config, a generated CSV, every model type, and the
 * failure paths that must leave the previous batch serving. One contract, run by a subclass per store.
 */
abstract class JobRunnerTest {
  static final int USERS = 600;
  static final int ITEMS = 150;
  static final int EVENTS = 12_000;
  static final int TOP_N = 10;
  static final int SIMILAR = 5;
  static final String JOB = "shop";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static Path events;
  /** Per user, the items of its valid CSV rows: what exclude_seen must leave out. */
  private static Map<String, Set<String>> seen;
  private static Set<String> catalogue;
  /** Per item, its distinct users, and the items in order of first appearance (the dense id order). */
  private static Map<String, Integer> buyers;
  private static List<String> firstSeen;
  /** Per user and item, the summed quantity and the latest time (epoch seconds): what a half-life decays. */
  private static Map<String, Map<String, double[]>> pairs;

  @TempDir Path dir;
  TestStore db;
  Store store;
  Publisher publisher;
  PredictionReader reader;
  JobRunner runner;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeAll
  static void generate() throws Exception {
    events = shared.resolve("events.csv");
    new SyntheticShop(ShopParams.of(USERS, ITEMS, EVENTS, 20240601L)).writeCsv(events, Progress.NONE);
    seen = new HashMap<>();
    catalogue = new HashSet<>();
    buyers = new HashMap<>();
    firstSeen = new ArrayList<>();
    pairs = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(events)) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(",");
        if (seen.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1])) buyers.merge(f[1], 1, Integer::sum);
        if (catalogue.add(f[1])) firstSeen.add(f[1]);
        double[] pair = pairs.computeIfAbsent(f[0], k -> new HashMap<>()).computeIfAbsent(f[1], k -> new double[2]);
        pair[0] += Double.parseDouble(f[3]);
        pair[1] = Math.max(pair[1], java.time.Instant.parse(f[2]).getEpochSecond());
      }
    }
  }

  @BeforeEach
  void open() throws Exception {
    Files.copy(events, dir.resolve("events.csv"));
    db = newStore();
    store = db.open(Store::open);
    publisher = new Publisher(store);
    reader = new PredictionReader(store);
    runner = new JobRunner(publisher, Progress.NONE, (job, message) -> steps.add(message));
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  // ---------------------------------------------------------------- a run of each model

  @ParameterizedTest
  @ValueSource(strings = {"popularity", "itemknn", "als", "ease"})
  void eachModelPublishesUnseenRankedListsWithFallbackAndMetadata(String type) throws Exception {
    RunReport report = runner.run(config(model(type), 0, ""));

    BatchInfo b = report.batch();
    assertThat(reader.current(JOB)).contains(b);
    assertThat(reader.batches(JOB)).containsExactly(b);
    assertThat(b.status()).isEqualTo("published");
    assertThat(b.model()).isEqualTo(type);
    assertThat(b.kind()).isEqualTo(BatchKind.RECOMMENDATIONS);
    assertThat(b.publishedAt()).isNotNull();
    assertThat(b.message()).isNull();
    JsonNode params = JSON.readTree(b.params().toJson());
    switch (type) {
      case "popularity" -> assertThat(params.get("count").asText()).isEqualTo("weight");
      case "itemknn" -> assertThat(params.get("neighbors").asInt()).isEqualTo(20);
      case "als" -> {
        assertThat(params.get("factors").asInt()).isEqualTo(4);
        assertThat(params.get("iterations").asInt()).isEqualTo(3);
        assertThat(params.get("seed").asLong()).isEqualTo(11);
      }
      default -> assertThat(params.get("lambda").asDouble()).isEqualTo(50.0);
    }

    long expected = assertListsFollowTheData(b);
    assertThat(report.recommendationRows()).isEqualTo(expected);
    assertThat(report.usersScored()).isEqualTo(seen.size());
    assertThat(report.users()).isEqualTo(seen.size());
    assertThat(report.items()).isEqualTo(catalogue.size());
    assertThat(report.rowsRead()).isEqualTo(EVENTS);
    assertThat(report.badRows()).isZero();
    assertThat(report.metrics()).isEmpty();
    assertThat(JSON.readTree(b.metrics().toJson()).size()).isZero();

    if (type.equals("popularity")) {
      assertThat(b.secondaryRows()).isZero();
      assertThat(count("SELECT COUNT(*) FROM larder_similar_items WHERE job = ?", JOB)).isZero();
      assertThatThrownBy(() -> reader.similarItems(JOB, catalogue.iterator().next(), SIMILAR))
          .isInstanceOf(NotFoundException.class);
    } else {
      assertSimilarItems(b);
      assertThat(report.similarRows()).isEqualTo(b.secondaryRows());
    }
    assertThat(report.summary()).contains("published batch " + b.id()).contains(type);
  }

  @Test
  void configLoadedFromAFileRunsTheSameWay() throws Exception {
    Path file = dir.resolve("larder.yaml");
    Files.writeString(file, yaml(model("popularity"), 0, ""));
    RunReport report = runner.run((RecommendationsJob) LarderConfig.load(file).select(List.of(JOB)).get(0));
    assertListsFollowTheData(report.batch());
  }

  // ---------------------------------------------------------------- evaluation

  @ParameterizedTest
  @ValueSource(strings = {"itemknn", "als", "ease"})
  void evaluationStoresModelAndPopularityMetricsAndTheModelWinsOnPlantedTastes(String type) throws Exception {
    RunReport report = runner.run(config(type.equals("als") ? "{ type: als, factors: 8, iterations: 6, seed: 3 }"
        : model(type), 0, "    evaluate: { holdout: 0.2, k: 10, seed: 5 }\n"));

    JsonNode m = JSON.readTree(report.batch().metrics().toJson());
    assertThat(m.get("k").asInt()).isEqualTo(10);
    assertThat(m.get("holdout").asDouble()).isEqualTo(0.2);
    JsonNode model = m.get("model");
    JsonNode pop = m.get("popularity");
    for (String key : List.of("precision", "recall", "ndcg", "map", "hit_rate", "coverage")) {
      assertThat(model.get(key).isNumber()).as(key).isTrue();
      assertThat(pop.get(key).isNumber()).as(key).isTrue();
      assertThat(model.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
    }
    assertThat(model.get("users").asLong()).isPositive().isLessThanOrEqualTo(seen.size());
    // users stick to one of 20 taste groups 80% of the time: a personal model must beat the global ranking
    assertThat(model.get("ndcg").asDouble()).isGreaterThan(pop.get("ndcg").asDouble());
    assertThat(model.get("precision").asDouble()).isGreaterThan(pop.get("precision").asDouble());
    assertThat(model.get("coverage").asDouble()).isGreaterThan(pop.get("coverage").asDouble());
    assertThat(JSON.readTree(JSON.writeValueAsString(report.metrics()))).isEqualTo(m);
    assertThat(report.summary()).contains("evaluation @10").contains("popularity");
    // the published lists are from the model fitted on all the data, not the evaluation split
    assertListsFollowTheData(report.batch());
  }

  /** The evaluation's training and scoring report as "eval" phases up to their totals, before the full training's. */
  @Test
  void evaluationReportsItsTrainingAndScoringAsEvalPhases() throws Exception {
    List<String> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
    Progress recording = new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        if (done == total) updates.add(phase);
      }

      @Override public void note(String phase, String message) {
        updates.add(phase + ": " + message.replaceAll(" .*", ""));
      }
    };
    new JobRunner(publisher, recording, (job, message) -> steps.add(message))
        .run(config(model("ease"), 0, "    evaluate: { holdout: 0.2, k: 10, seed: 5 }\n"));
    assertThat(updates).containsSubsequence("eval ease: expected", "eval ease gram", "eval ease inv", "eval score",
        "ease: expected", "ease gram", "ease inv", "score");
    assertThat(steps).anyMatch(s -> s.startsWith("evaluating: training ease"))
        .anyMatch(s -> s.startsWith("evaluating: scoring"));
  }

  // ---------------------------------------------------------------- versions

  @Test
  void eachRunSupersedesThePreviousAndKeepRetiresTheOldest() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "    keep: 2\n");
    BatchInfo b1 = runner.run(job).batch();
    BatchInfo b2 = runner.run(job).batch();
    assertThat(b2.id()).isGreaterThan(b1.id());
    assertThat(status(b1.id())).isEqualTo("superseded");
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(b2.id());
    assertThat(count("SELECT COUNT(*) FROM larder_rec_rows WHERE batch_id = ?", b1.id())).isEqualTo(b1.rows());

    BatchInfo b3 = runner.run(job).batch();
    assertThat(reader.batches(JOB)).extracting(BatchInfo::id, BatchInfo::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(b3.id(), "published"),
        org.assertj.core.groups.Tuple.tuple(b2.id(), "superseded"),
        org.assertj.core.groups.Tuple.tuple(b1.id(), "retired"));
    assertThat(count("SELECT COUNT(*) FROM larder_rec_rows WHERE batch_id = ?", b1.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM larder_fallback_rows WHERE batch_id = ?", b1.id())).isZero();
    assertThat(count("SELECT COUNT(*) FROM larder_rec_rows WHERE batch_id = ?", b2.id())).isEqualTo(b2.rows());
    assertListsFollowTheData(b3);
    // the kept batch is whole: rolling back serves it
    assertThat(publisher.rollback(JOB).id()).isEqualTo(b2.id());
    assertListsFollowTheData(reader.current(JOB).orElseThrow());
  }

  // ---------------------------------------------------------------- failures

  @Test
  void aSourceThatTurnsMalformedFailsTheRunAndTheOldBatchKeepsServing() throws Exception {
    RecommendationsJob job = config(model("itemknn"), 2, "");
    BatchInfo good = runner.run(job).batch();
    Map<String, List<String>> before = lists();
    Path csv = dir.resolve("events.csv");
    String clean = Files.readString(csv);
    // three bad rows, one more than max_bad_rows; data rows start on line 2
    Files.writeString(csv, "u1,i1,2024-01-01T00:00:00Z,lots,1.00,1\nu2,,2024-01-01T00:00:00Z,1,1.00,2\nu3\n",
        StandardOpenOption.APPEND);

    assertThatThrownBy(() -> runner.run(job))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.line()).isEqualTo(EVENTS + 2);
          assertThat(e.field()).isEqualTo("quantity");
          assertThat(e.source()).endsWith("events.csv");
        })
        .hasMessageContaining("max_bad_rows = 2");
    assertFailedWhilePreviousServes(good, before, "max_bad_rows");

    Files.writeString(csv, clean);
    assertRunsAgain(job, good);
  }

  @Test
  void aMissingFileFailsTheRunAndTheOldBatchKeepsServing() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "");
    BatchInfo good = runner.run(job).batch();
    Map<String, List<String>> before = lists();
    Path csv = dir.resolve("events.csv");
    Path aside = dir.resolve("aside.csv");
    Files.move(csv, aside);

    assertThatThrownBy(() -> runner.run(job)).isInstanceOf(InputException.class).hasMessageContaining("file not found");
    assertFailedWhilePreviousServes(good, before, "file not found");

    Files.move(aside, csv);
    assertRunsAgain(job, good);
  }

  /** A truncated extract (a quarter of the users) is refused by the whole-batch checks before any training. */
  @Test
  void aTruncatedExtractFailsTheChecksAndTheOldBatchKeepsServing() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "    checks: { min_rows: 100, max_row_change: 0.5 }\n");
    BatchInfo good = runner.run(job).batch();
    Map<String, List<String>> before = lists();
    Path csv = dir.resolve("events.csv");
    List<String> lines = Files.readAllLines(csv);
    Set<String> kept = new HashSet<>();
    StringBuilder truncated = new StringBuilder(lines.get(0)).append('\n');
    int rows = 0;
    for (String line : lines.subList(1, lines.size())) {
      String user = line.substring(0, line.indexOf(','));
      if (kept.size() < USERS / 4 || kept.contains(user)) {
        kept.add(user);
        truncated.append(line).append('\n');
        rows++;
      }
    }
    Files.writeString(csv, truncated);
    assertThat(good.inputRows()).isEqualTo(EVENTS);
    assertThatThrownBy(() -> runner.run(job)).isInstanceOf(InputException.class)
        .hasMessageContaining("events.csv")
        .hasMessageContaining(String.format(java.util.Locale.ROOT, "%,d input rows against %,d in the serving batch %d", rows, EVENTS, good.id()))
        .hasMessageContaining("max_row_change = 50%");
    assertFailedWhilePreviousServes(good, before, "max_row_change");

    RecommendationsJob few = config(model("popularity"), 0, "    checks: { min_rows: 10000 }\n");
    assertThatThrownBy(() -> runner.run(few)).isInstanceOf(InputException.class)
        .hasMessageContaining(String.format(java.util.Locale.ROOT, "%,d input rows, fewer than min_rows = 10,000", rows));
    RecommendationsJob fewUsers = config(model("popularity"), 0, "    checks: { min_users: 1000 }\n");
    assertThatThrownBy(() -> runner.run(fewUsers)).isInstanceOf(InputException.class)
        .hasMessageContaining(kept.size() + " users, fewer than min_users = 1,000");
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(good.id());
    assertThatThrownBy(() -> config(model("popularity"), 0, "    checks: { score_min: 0 }\n"))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("jobs.shop.checks").hasMessageContaining("score_min");
  }

  @Test
  void aFirstRunThatFailsLeavesNothingServing() {
    RecommendationsJob job = config(model("popularity"), 0, "");
    assertThatThrownBy(() -> runner.run(with(job, "no-such.csv"))).isInstanceOf(InputException.class);
    assertThat(reader.current(JOB)).isEmpty();
    assertThat(reader.batches(JOB)).singleElement().satisfies(b -> {
      assertThat(b.status()).isEqualTo("failed");
      assertThat(b.message()).contains("no-such.csv");
    });
    assertThatThrownBy(() -> reader.recommend(JOB, "u1", TOP_N)).isInstanceOf(NotFoundException.class);
    assertRunsAgain(job, null);
  }

  @Test
  void aModelThatRefusesFailsTheRunAndTheOldBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(config(model("als"), 0, "")).batch();
    Map<String, List<String>> before = lists();

    RecommendationsJob ease = config("{ type: ease, max_items: 50 }", 0, "");
    assertThatThrownBy(() -> runner.run(ease)).isInstanceOf(ModelException.class).hasMessageContaining("max_items = 50");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before, "max_items");
    assertThat(failed.model()).isEqualTo("ease");
    assertThat(JSON.readTree(failed.params().toJson()).get("max_items").asInt()).isEqualTo(50);

    assertRunsAgain(config(model("ease"), 0, ""), good);
  }

  @Test
  void anExceptionInsideScoringFailsTheRunAndTheOldBatchKeepsServing() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "");
    BatchInfo good = runner.run(job).batch();
    Map<String, List<String>> before = lists();

    // users below 300 are scored and queued for loading before the scorer breaks
    RecommendationsJob broken = new RecommendationsJob(JOB, job.source(), new BreaksAtUser(job.model(), 300, false), TOP_N, true, SIMILAR,
        true, 3, 2, null);
    assertThatThrownBy(() -> runner.run(broken))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scorer broke on user");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before, "scorer broke on user");
    assertThat(failed.model()).isEqualTo("breaks");

    assertRunsAgain(job, good);
  }

  @Test
  void aModelThatEmitsInfiniteScoresFailsWithModelExceptionAndTheOldBatchKeepsServing() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "");
    BatchInfo good = runner.run(job).batch();
    Map<String, List<String>> before = lists();

    RecommendationsJob infinite = new RecommendationsJob(JOB, job.source(), new BreaksAtUser(job.model(), 300, true), TOP_N, true,
        SIMILAR, true, 3, 2, null);
    assertThatThrownBy(() -> runner.run(infinite)).isInstanceOf(ModelException.class).hasMessageContaining("Infinity");
    assertFailedWhilePreviousServes(good, before, "has score Infinity");
    assertRunsAgain(job, good);
  }

  // ---------------------------------------------------------------- options

  @Test
  void withoutExclusionFallbackOrSimilarItemsTheBatchHasOnlyFullLists() throws Exception {
    Path file = dir.resolve("larder.yaml");
    String text = yaml(model("itemknn"), 0, "    exclude_seen: false\n    fallback: false\n")
        .replace("similar_items: " + SIMILAR, "similar_items: 0");
    RunReport report = runner.run((RecommendationsJob) YamlConfig.job(file, text, JOB));
    BatchInfo b = report.batch();
    List<Row> recs = rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?");
    assertThat(recs).hasSize(seen.size() * Math.min(TOP_N, catalogue.size()));
    assertThat(b.rows()).isEqualTo(recs.size());
    // itemknn scores a user's own items highly: without exclusion they come back
    assertThat(recs.stream().filter(r -> seen.get(r.key).contains(r.item)).count()).isPositive();
    assertThat(b.secondaryRows()).isZero();
    assertThat(count("SELECT COUNT(*) FROM larder_fallback WHERE job = ?", JOB)).isZero();
    assertThat(count("SELECT COUNT(*) FROM larder_similar_items WHERE job = ?", JOB)).isZero();
    Recommendations stranger = reader.recommend(JOB, "nobody", TOP_N);
    assertThat(stranger.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(stranger.items()).isEmpty();
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void aSecondRunOfTheSameJobIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InteractionSource csv = job.source();
    InteractionSource blocking = new InteractionSource() {
      @Override public ExtractResult read(Progress p) {
        entered.countDown();
        try {
          if (!release.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return csv.read(p);
      }

      @Override public String label() { return "blocking " + csv.label(); }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<RunReport> first = pool.submit(() -> runner.run(with(job, blocking)));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<BatchInfo> during = reader.batches(JOB);
      assertThat(during).singleElement().extracting(BatchInfo::status).isEqualTo("staging");

      assertThatThrownBy(() -> runner.run(job)).isInstanceOf(StoreException.class).hasMessageContaining("already running");
      // another process on the same store is refused the same way
      try (Store other = Store.open(store.location())) {
        JobRunner elsewhere = new JobRunner(new Publisher(other), Progress.NONE, RunReport.Listener.NONE);
        assertThatThrownBy(() -> elsewhere.run(job)).isInstanceOf(StoreException.class)
            .hasMessageContaining("already running");
      }
      assertThat(reader.batches(JOB)).isEqualTo(during);
      assertThat(first.isDone()).isFalse();

      release.countDown();
      BatchInfo b1 = first.get(60, TimeUnit.SECONDS).batch();
      assertListsFollowTheData(b1);
      BatchInfo b2 = runner.run(job).batch();
      assertThat(b2.id()).isGreaterThan(b1.id());
      assertThat(status(b1.id())).isEqualTo("superseded");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- bad rows within the limit

  @Test
  void badRowsUnderTheLimitAreSkippedCountedAndReported() throws Exception {
    Files.writeString(dir.resolve("events.csv"),
        "u1,i1,2024-01-01T00:00:00Z,lots,1.00,1\nu2,,2024-01-01T00:00:00Z,1,1.00,2\nu3\n", StandardOpenOption.APPEND);
    RunReport report = runner.run(config(model("itemknn"), 5, ""));

    assertThat(report.badRows()).isEqualTo(3);
    assertThat(report.rowsRead()).isEqualTo(EVENTS + 3);
    assertThat(report.summary()).contains("3 bad");
    List<String> skipped = steps.stream().filter(s -> s.startsWith("skipped bad row: ")).toList();
    assertThat(skipped).hasSize(3);
    assertThat(skipped.get(0)).contains("events.csv:" + (EVENTS + 2)).contains("quantity");
    assertThat(skipped.get(1)).contains("events.csv:" + (EVENTS + 3)).contains("item_id");
    assertThat(skipped.get(2)).contains("events.csv:" + (EVENTS + 4));
    assertListsFollowTheData(report.batch());
  }

  // ---------------------------------------------------------------- item filters

  /**
   * Deny lists (inline and a gzipped file) and an allow list (a file) on a job with segment fallback: no
   * filtered item is in any list the views serve, and every list is still as long as the allowed items allow.
   */
  @ParameterizedTest
  @ValueSource(strings = {"popularity", "itemknn", "als", "ease"})
  void filteredItemsAppearInNoPublishedListAndListsStayFull(String type) throws Exception {
    // the five most popular items are denied, so without the filter they would be in most lists
    List<String> byPopularity = new ArrayList<>(firstSeen);
    byPopularity.sort((a, b) -> buyers.get(b) - buyers.get(a));
    List<String> sorted = new ArrayList<>(catalogue);
    Collections.sort(sorted);
    List<String> unlisted = new ArrayList<>();
    for (int k = 0; k < sorted.size(); k += 15) unlisted.add(sorted.get(k)); // not in the catalogue file
    Files.createDirectories(dir.resolve("lists"));
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("lists/out-of-stock.csv")))) {
      out.write(("item_id\n" + byPopularity.get(3) + "\n" + byPopularity.get(4) + "\n" + byPopularity.get(0)
          + "\ngone-1\ngone-2\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    StringBuilder allowFile = new StringBuilder("item_id\n");
    for (String i : sorted) if (!unlisted.contains(i)) allowFile.append(i).append('\n');
    allowFile.append("new-1\nnew-2\nnew-3\n");
    Files.writeString(dir.resolve("catalogue.csv"), allowFile);
    Set<String> denied = new HashSet<>(byPopularity.subList(0, 5));
    Set<String> allowed = new HashSet<>(catalogue);
    allowed.removeAll(denied);
    allowed.removeAll(unlisted);

    Path file = dir.resolve("larder.yaml");
    String text = """
        jobs:
          seg:
            type: segments
            source: { file: events.csv, columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }
            kmeans: { k: 3 }
            threads: 2
        """ + yaml(model(type), 0, """
            segment_fallback: seg
            filters:
              deny: [%s, %s, %s, no-such-item]
              deny_file: lists/out-of-stock.csv
              allow_file: catalogue.csv
        """.formatted(byPopularity.get(0), byPopularity.get(1), byPopularity.get(2))).substring("jobs:\n".length());
    LarderConfig cfg = YamlConfig.parse(file, text);
    RunReport report = null;
    for (var job : cfg.select(null)) if (runner.run(job) instanceof RunReport r) report = r;
    BatchInfo b = report.batch();

    // users: min(top_n, allowed items not seen), none filtered, ranked
    Map<String, List<Row>> byUser = new TreeMap<>();
    for (Row r : rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?")) {
      byUser.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
    }
    long expectedRows = 0;
    for (var e : seen.entrySet()) {
      Set<String> open = new HashSet<>(allowed);
      open.removeAll(e.getValue());
      List<Row> list = byUser.getOrDefault(e.getKey(), List.of());
      assertThat(list).as("list of %s", e.getKey()).hasSize(Math.min(TOP_N, open.size()));
      assertRanked(list, b.id(), "user " + e.getKey());
      assertThat(list).extracting(r -> r.item).as("list of %s", e.getKey()).allMatch(open::contains);
      expectedRows += list.size();
    }
    assertThat(b.rows()).isEqualTo(expectedRows);

    // the global fallback: the most popular allowed items, ties to the item seen first; counted as the model
    // counts when the model is popularity (here by weight), else by distinct users
    List<String> byFallback = byPopularity;
    if (type.equals("popularity")) {
      Map<String, Double> weight = new HashMap<>();
      for (var byItem : pairs.values()) for (var e : byItem.entrySet()) weight.merge(e.getKey(), e.getValue()[0], Double::sum);
      byFallback = new ArrayList<>(firstSeen);
      byFallback.sort((a, c) -> Double.compare(weight.get(c), weight.get(a)));
    }
    List<String> fallback = rows("SELECT '-', rank, item_id, score, batch_id FROM larder_fallback WHERE job = ?")
        .stream().map(r -> r.item).toList();
    assertThat(fallback).containsExactlyElementsOf(byFallback.stream().filter(allowed::contains).limit(TOP_N).toList());

    // per segment: only allowed items, and full lists (every segment's users touch far more than top_n items)
    List<Row> segmentRows = rows("SELECT CAST(segment_id AS VARCHAR(20)), rank, item_id, score, batch_id"
        + " FROM larder_segment_fallback WHERE job = ?");
    Map<String, List<Row>> bySegment = new TreeMap<>();
    for (Row r : segmentRows) bySegment.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
    assertThat(bySegment).hasSize(3);
    for (var e : bySegment.entrySet()) {
      assertThat(e.getValue()).hasSize(TOP_N);
      assertRanked(e.getValue(), b.id(), "segment " + e.getKey());
      assertThat(e.getValue()).extracting(r -> r.item).allMatch(allowed::contains);
    }

    // similar items: lists only for allowed items, and only of allowed items
    List<Row> similar = rows("SELECT item_id, rank, similar_item_id, score, batch_id FROM larder_similar_items WHERE job = ?");
    if (type.equals("popularity")) {
      assertThat(similar).isEmpty();
    } else {
      assertThat(similar).isNotEmpty();
      assertThat(similar).extracting(r -> r.key).allMatch(allowed::contains);
      assertThat(similar).extracting(r -> r.item).allMatch(allowed::contains);
      String someDenied = byPopularity.get(0);
      assertThatThrownBy(() -> reader.similarItems(JOB, someDenied, SIMILAR)).isInstanceOf(NotFoundException.class);
    }

    // the read side serves the same
    String someone = byUser.keySet().iterator().next();
    assertThat(reader.recommend(JOB, someone, TOP_N).items()).extracting(RankedItem::itemId)
        .containsExactlyElementsOf(byUser.get(someone).stream().map(r -> r.item).toList());
    assertThat(reader.recommend(JOB, "nobody", TOP_N).items()).extracting(RankedItem::itemId)
        .containsExactlyElementsOf(fallback);

    // sizes in the batch's params and in the run's steps: 3 + 1 inline, 5 in the file, one of them repeated
    JsonNode filters = JSON.readTree(b.params().toJson()).get("filters");
    assertThat(filters.get("deny").asInt()).isEqualTo(8);
    assertThat(filters.get("allow").asInt()).isEqualTo(catalogue.size() - unlisted.size() + 3);
    assertThat(steps).contains("deny list: 8 ids, 3 not in the data",
        String.format("allow list: %,d ids, 3 not in the data", catalogue.size() - unlisted.size() + 3),
        String.format("filters: %,d of %,d items may be recommended", allowed.size(), catalogue.size()));
  }

  @Test
  void anAllowListThatMatchesNoItemFailsTheRunNamingTheFileAndTheOldBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(config(model("itemknn"), 0, "")).batch();
    Map<String, List<String>> before = lists();
    Files.writeString(dir.resolve("catalogue.csv"), "item_id\nsku-1\nsku-2\n"); // another shop's ids
    RecommendationsJob job = config(model("itemknn"), 0, "    filters: { allow_file: catalogue.csv }\n");
    assertThatThrownBy(() -> runner.run(job))
        .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.source()).endsWith("catalogue.csv"))
        .hasMessageContaining("none of the 2 ids");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before, "catalogue.csv");
    assertThat(JSON.readTree(failed.params().toJson()).get("filters").get("allow").asInt()).isEqualTo(2);
  }

  @Test
  void aMissingDenyFileFailsTheRunNamingItAndTheOldBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(config(model("popularity"), 0, "")).batch();
    Map<String, List<String>> before = lists();
    RecommendationsJob job = config(model("popularity"), 0, "    filters: { deny: [i1], deny_file: out-of-stock.csv }\n");
    assertThatThrownBy(() -> runner.run(job)).isInstanceOf(InputException.class)
        .hasMessageContaining("out-of-stock.csv").hasMessageContaining("file not found");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before, "out-of-stock.csv");
    assertThat(JSON.readTree(failed.params().toJson()).has("filters")).isFalse(); // unread, so no sizes

    Files.writeString(dir.resolve("out-of-stock.csv"), "i2\n");
    BatchInfo next = runner.run(job).batch();
    assertThat(JSON.readTree(next.params().toJson()).get("filters").get("deny").asInt()).isEqualTo(2);
    assertThat(rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?"))
        .extracting(r -> r.item).isNotEmpty().doesNotContain("i1", "i2");
  }

  // ---------------------------------------------------------------- decay

  /**
   * {@code half_life: 30d} on popularity by weight: each user's scores, and the fallback's (by distinct users,
   * the model's half-life inherited), are the decayed sums computed from the CSV, ages measured from its
   * latest row.
   */
  @Test
  void aPopularityHalfLifeDecaysTheListsAndTheFallbackFromTheLatestTimestamp() throws Exception {
    RunReport report = runner.run(with30dHalfLife());
    BatchInfo b = report.batch();
    JsonNode params = JSON.readTree(b.params().toJson());
    assertThat(params.get("half_life").asText()).isEqualTo("30d");
    assertThat(params.get("fallback_half_life").asText()).isEqualTo("30d");

    long latest = 0;
    for (var byItem : pairs.values()) for (double[] p : byItem.values()) latest = Math.max(latest, (long) p[1]);
    Map<String, Double> byWeight = new HashMap<>();
    for (var byItem : pairs.values()) {
      for (var e : byItem.entrySet()) {
        double decay = Math.pow(2, -(latest - e.getValue()[1]) / (30.0 * 86_400));
        byWeight.merge(e.getKey(), e.getValue()[0] * decay, Double::sum);
      }
    }
    assertListsFollowTheData(b);
    for (Row r : rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?")) {
      assertThat((double) r.score).as("%s for %s", r.item, r.key).isCloseTo(byWeight.get(r.item),
          org.assertj.core.api.Assertions.within(1e-4 * byWeight.get(r.item) + 1e-6));
    }
    // the model counts by weight, and so does its fallback list: a newcomer sees the model's own ranking
    List<Row> fallback = rows("SELECT '-', rank, item_id, score, batch_id FROM larder_fallback WHERE job = ?");
    double last = Double.MAX_VALUE;
    for (Row r : fallback) {
      assertThat((double) r.score).as(r.item).isCloseTo(byWeight.get(r.item),
          org.assertj.core.api.Assertions.within(1e-4 * byWeight.get(r.item)));
      last = Math.min(last, byWeight.get(r.item));
    }
    // nothing left out is clearly more popular than the last listed item
    Set<String> listed = new HashSet<>(fallback.stream().map(r -> r.item).toList());
    for (var e : byWeight.entrySet()) {
      if (!listed.contains(e.getKey())) assertThat(e.getValue()).as(e.getKey()).isLessThanOrEqualTo(last * (1 + 1e-4));
    }
  }

  private RecommendationsJob with30dHalfLife() {
    return with30dHalfLife("");
  }

  // ---------------------------------------------------------------- data high-water mark

  /**
   * A run on a file with timestamps records the newest of them as the batch's data_until; an event after it is
   * left out of the served list though recorded long before the run began, one at or before it changes nothing.
   */
  @Test
  void aRunOnTimedRowsRecordsTheNewestAndEventsAfterItAreLeftOut() throws Exception {
    String text = yaml(model("popularity"), 0, "").replace("weight: quantity }", "weight: quantity, timestamp: timestamp }");
    BatchInfo b = runner.run((RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), text, JOB)).batch();
    long newest = pairs.values().stream().flatMap(m -> m.values().stream()).mapToLong(p -> (long) p[1]).max().orElseThrow();
    Instant dataUntil = Instant.ofEpochSecond(newest);
    assertThat(b.dataUntil()).isEqualTo(dataUntil).isBefore(b.createdAt());
    assertThat(reader.batches(JOB).get(0).dataUntil()).isEqualTo(dataUntil);

    String user = seen.keySet().iterator().next();
    List<String> before = items(reader.recommend(JOB, user, TOP_N));
    Events.record(store, List.of(new Events.Event(JOB, user, before.get(0), dataUntil.plusSeconds(1)),
        new Events.Event(JOB, user, before.get(1), dataUntil)));
    List<String> after = items(reader.recommend(JOB, user, TOP_N));
    assertThat(after).as("the first after data_until (before created_at) is out; the second, at it, stays")
        .doesNotContain(before.get(0)).contains(before.get(1)).containsExactlyElementsOf(before.subList(1, before.size()));
  }

  /** Without a timestamp column the batch knows no high-water mark, and created_at bounds the events. */
  @Test
  void aRunOnUntimedRowsRecordsNoHighWaterMark() throws Exception {
    BatchInfo b = runner.run(config(model("popularity"), 0, "")).batch();
    assertThat(b.dataUntil()).isNull();
    assertThat(reader.current(JOB).orElseThrow().dataUntil()).isNull();
    String user = seen.keySet().iterator().next();
    List<String> before = items(reader.recommend(JOB, user, TOP_N));
    Instant newest = Instant.ofEpochSecond(pairs.values().stream().flatMap(m -> m.values().stream())
        .mapToLong(p -> (long) p[1]).max().orElseThrow());
    Events.record(store, List.of(new Events.Event(JOB, user, before.get(0), newest.plusSeconds(1))));
    assertThat(items(reader.recommend(JOB, user, TOP_N))).as("before created_at: the batch's to handle")
        .containsExactlyElementsOf(before);
  }

  private static List<String> items(Recommendations r) {
    return r.items().stream().map(RankedItem::itemId).toList();
  }

  private RecommendationsJob with30dHalfLife(String extra) {
    Path file = dir.resolve("larder.yaml");
    String text = yaml("{ type: popularity, count: weight, half_life: 30d }", 0, extra)
        .replace("weight: quantity }", "weight: quantity, timestamp: timestamp }");
    return (RecommendationsJob) YamlConfig.job(file, text, JOB);
  }

  @ParameterizedTest
  @ValueSource(strings = {"random", "time"})
  void aDecayedPopularityModelIsEvaluatedOnItsTrainingSplitsTimes(String split) throws Exception {
    RunReport report = runner.run(with30dHalfLife("    evaluate: { holdout: 0.2, k: 10, split: " + split + " }\n"));
    JsonNode m = JSON.readTree(report.batch().metrics().toJson());
    assertThat(m.get("split").asText()).isEqualTo(split);
    assertThat(m.get("model").get("users").asLong()).isPositive();
    assertThat(m.get("model").get("ndcg").asDouble()).isBetween(0.0, 1.0);
    assertListsFollowTheData(report.batch());
  }

  @Test
  void aHalfLifeOnDataWithoutTimesFailsTheRunNamingTheKey() throws Exception {
    BatchInfo good = runner.run(config(model("popularity"), 0, "")).batch();
    Map<String, List<String>> before = lists();
    // the timestamp column is named but empty in every row
    Path csv = dir.resolve("untimed.csv");
    StringBuilder text = new StringBuilder("user_id,item_id,timestamp\n");
    for (var e : seen.entrySet()) for (String i : e.getValue()) text.append(e.getKey()).append(',').append(i).append(",\n");
    Files.writeString(csv, text);
    Path file = dir.resolve("larder.yaml");
    String yaml = yaml("{ type: popularity, half_life: 14d }", 0, "")
        .replace("file: events.csv, columns: { user: user_id, item: item_id, weight: quantity }",
            "file: untimed.csv, columns: { user: user_id, item: item_id, timestamp: timestamp }");
    RecommendationsJob job = (RecommendationsJob) YamlConfig.job(file, yaml, JOB);
    assertThatThrownBy(() -> runner.run(job))
        .isInstanceOfSatisfying(larder.core.ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("jobs.shop.model.half_life"))
        .hasMessageContaining("no timestamps");
    assertFailedWhilePreviousServes(good, before, "jobs.shop.model.half_life");
  }

  // ---------------------------------------------------------------- contract checks

  /**
   * Checks the current lists against the CSV: every user has min(top_n, unseen items) items, none seen,
   * ranks 1..n in score order; the fallback is present; the batch's counts match. Returns the row count.
   */
  long assertListsFollowTheData(BatchInfo b) throws Exception {
    Map<String, List<Row>> byUser = new TreeMap<>();
    for (Row r : rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?")) {
      byUser.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
    }
    long expectedRows = 0;
    long expectedUsers = 0;
    for (var e : seen.entrySet()) {
      int n = Math.min(TOP_N, catalogue.size() - e.getValue().size());
      expectedRows += n;
      if (n > 0) expectedUsers++;
      List<Row> list = byUser.getOrDefault(e.getKey(), List.of());
      assertThat(list).as("list of %s", e.getKey()).hasSize(n);
      assertRanked(list, b.id(), "user " + e.getKey());
      for (Row r : list) {
        assertThat(e.getValue()).as("%s was recommended an item it has", e.getKey()).doesNotContain(r.item);
      }
    }
    assertThat(seen.keySet()).containsAll(byUser.keySet());
    assertThat(byUser.values().stream().mapToLong(List::size).sum()).isEqualTo(expectedRows);
    assertThat(b.rows()).isEqualTo(expectedRows);
    assertThat(b.keys()).isEqualTo(expectedUsers);

    List<Row> fallback = rows("SELECT '-', rank, item_id, score, batch_id FROM larder_fallback WHERE job = ?");
    assertThat(fallback).hasSize(Math.min(TOP_N, catalogue.size()));
    assertRanked(fallback, b.id(), "fallback");

    // the read side serves the same lists
    String someone = byUser.keySet().iterator().next();
    Recommendations mine = reader.recommend(JOB, someone, TOP_N);
    assertThat(mine.source()).isEqualTo(Recommendations.USER);
    assertThat(mine.batchId()).isEqualTo(b.id());
    assertThat(mine.items()).extracting(RankedItem::itemId)
        .containsExactlyElementsOf(byUser.get(someone).stream().map(r -> r.item).toList());
    Recommendations stranger = reader.recommend(JOB, "nobody-" + b.id(), TOP_N);
    assertThat(stranger.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(stranger.items()).extracting(RankedItem::itemId)
        .containsExactlyElementsOf(fallback.stream().map(r -> r.item).toList());
    return expectedRows;
  }

  private void assertSimilarItems(BatchInfo b) throws Exception {
    Map<String, List<Row>> byItem = new TreeMap<>();
    for (Row r : rows("SELECT item_id, rank, similar_item_id, score, batch_id FROM larder_similar_items WHERE job = ?")) {
      byItem.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r);
    }
    assertThat(byItem).isNotEmpty();
    assertThat(catalogue).containsAll(byItem.keySet());
    long total = 0;
    for (var e : byItem.entrySet()) {
      List<Row> list = e.getValue();
      assertThat(list.size()).isBetween(1, Math.min(SIMILAR, catalogue.size() - 1));
      assertRanked(list, b.id(), "similar to " + e.getKey());
      assertThat(list).extracting(r -> r.item).doesNotContain(e.getKey());
      total += list.size();
    }
    assertThat(b.secondaryRows()).isEqualTo(total);
    String item = byItem.keySet().iterator().next();
    assertThat(reader.similarItems(JOB, item, SIMILAR).items()).extracting(RankedItem::itemId)
        .containsExactlyElementsOf(byItem.get(item).stream().map(r -> r.item).toList());
  }

  private static void assertRanked(List<Row> list, long batchId, String what) {
    Set<String> distinct = new HashSet<>();
    for (int k = 0; k < list.size(); k++) {
      Row r = list.get(k);
      assertThat(r.rank).as("rank in %s", what).isEqualTo(k + 1);
      assertThat(r.batch).as("batch of %s", what).isEqualTo(batchId);
      assertThat(catalogue).as("item of %s", what).contains(r.item);
      assertThat(Float.isFinite(r.score)).as("score in %s", what).isTrue();
      if (k > 0) assertThat(r.score).as("score order in %s", what).isLessThanOrEqualTo(list.get(k - 1).score);
      assertThat(distinct.add(r.item)).as("%s repeats %s", what, r.item).isTrue();
    }
  }

  /** Asserts the newest batch failed with {@code message} while {@code previous} kept serving the same lists. */
  private BatchInfo assertFailedWhilePreviousServes(BatchInfo previous, Map<String, List<String>> before,
      String message) throws Exception {
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(previous.id());
    assertThat(status(previous.id())).isEqualTo("published");
    assertThat(lists()).isEqualTo(before);
    BatchInfo failed = reader.batches(JOB).get(0);
    assertThat(failed.id()).isGreaterThan(previous.id());
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.message()).contains(message);
    assertThat(failed.rows()).isZero();
    assertThat(failed.publishedAt()).isNull();
    for (String table : List.of("larder_rec_rows", "larder_similar_rows", "larder_fallback_rows")) {
      assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE batch_id = ?", failed.id())).as(table).isZero();
    }
    assertThat(count("SELECT COUNT(*) FROM larder_job_lock WHERE job = ?", JOB)).as("lock released").isZero();
    return failed;
  }

  /** Once the cause is gone the job publishes again: the failed run released its lock. */
  private void assertRunsAgain(RecommendationsJob job, BatchInfo previous) {
    try {
      BatchInfo next = runner.run(job).batch();
      assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(next.id());
      if (previous != null) assertThat(status(previous.id())).isEqualTo("superseded");
      assertListsFollowTheData(next);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---------------------------------------------------------------- helpers

  static String model(String type) {
    return switch (type) {
      case "popularity" -> "{ type: popularity, count: weight }";
      case "itemknn" -> "{ type: itemknn, neighbors: 20 }";
      case "als" -> "{ type: als, factors: 4, iterations: 3, seed: 11 }";
      case "ease" -> "{ type: ease, lambda: 50 }";
      default -> throw new IllegalArgumentException(type);
    };
  }

  static String yaml(String model, int maxBadRows, String extra) {
    return """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity }, max_bad_rows: %d }
            model: %s
            top_n: %d
            similar_items: %d
            threads: 2
        """.formatted(maxBadRows, model, TOP_N, SIMILAR) + extra;
  }

  RecommendationsJob config(String model, int maxBadRows, String extra) {
    return (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), yaml(model, maxBadRows, extra), JOB);
  }

  /** The same job reading another file (relative to the test folder). */
  RecommendationsJob with(RecommendationsJob job, String file) {
    Path cfg = dir.resolve("larder.yaml");
    String text = yaml(model("popularity"), 0, "").replace("file: events.csv", "file: " + file);
    return with(job, ((RecommendationsJob) YamlConfig.job(cfg, text, JOB)).source());
  }

  static RecommendationsJob with(RecommendationsJob j, InteractionSource source) {
    return new RecommendationsJob(j.name(), source, j.model(), j.topN(), j.excludeSeen(), j.similarItems(), j.fallback(),
        j.keep(), j.threads(), j.evaluation());
  }

  private record Row(String key, int rank, String item, float score, long batch) {}

  private List<Row> rows(String sql) {
    return store.read("read rows", c -> {
      List<Row> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY 1, 2")) {
        ps.setString(1, JOB);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getFloat(4), rs.getLong(5)));
          }
        }
      }
      return out;
    });
  }

  /** Everything the job serves, as text, to compare before and after a failed run. */
  private Map<String, List<String>> lists() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Row r : rows("SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?")) {
      out.computeIfAbsent(r.key, k -> new ArrayList<>()).add(r.rank + ":" + r.item + ":" + r.score + "@" + r.batch);
    }
    for (Row r : rows("SELECT '-', rank, item_id, score, batch_id FROM larder_fallback WHERE job = ?")) {
      out.computeIfAbsent("fallback", k -> new ArrayList<>()).add(r.rank + ":" + r.item + ":" + r.score + "@" + r.batch);
    }
    for (Row r : rows("SELECT item_id, rank, similar_item_id, score, batch_id FROM larder_similar_items WHERE job = ?")) {
      out.computeIfAbsent("similar " + r.key, k -> new ArrayList<>()).add(r.rank + ":" + r.item + ":" + r.score);
    }
    return out;
  }

  long count(String sql, Object arg) {
    return store.read("count", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  String status(long batchId) {
    return reader.batches(JOB).stream().filter(b -> b.id() == batchId).findFirst().orElseThrow().status();
  }

  /**
   * A model that scores like {@code inner} until it reaches user {@code failAt}: then it throws, or with
   * {@code infinite} it gives that user an infinite score.
   */
  record BreaksAtUser(Recommender inner, int failAt, boolean infinite) implements Recommender {
    @Override public String name() { return "breaks"; }

    @Override public Map<String, Object> params() { return Map.of("fail_at", failAt); }

    @Override public TrainedModel fit(Interactions train, Progress progress) {
      TrainedModel m = inner.fit(train, progress);
      return new TrainedModel() {
        @Override public int userCount() { return m.userCount(); }

        @Override public int itemCount() { return m.itemCount(); }

        @Override public int preferredBlock() { return 16; }

        @Override public UserScorer newUserScorer() {
          UserScorer s = m.newUserScorer();
          return (users, count, out) -> {
            s.score(users, count, out);
            for (int j = 0; j < count; j++) {
              if (users[j] < failAt) continue;
              if (!infinite) throw new IllegalStateException("scorer broke on user " + users[j]);
              out[j * m.itemCount()] = Float.POSITIVE_INFINITY;
            }
          };
        }
      };
    }
  }

  @Test
  void metricsOfAFailedEvaluatedRunAreKept() throws Exception {
    RecommendationsJob job = config(model("popularity"), 0, "    evaluate: { holdout: 0.2, k: 10, seed: 5 }\n");
    Recommender inner = job.model();
    int[] fits = {0};
    Recommender failsAfterEvaluation = new Recommender() { // the evaluation's fit works; the final one breaks
      @Override public String name() { return inner.name(); }
      @Override public Map<String, Object> params() { return inner.params(); }
      @Override public TrainedModel fit(Interactions train, Progress progress) {
        if (++fits[0] == 2) throw new IllegalStateException("training broke");
        return inner.fit(train, progress);
      }
    };
    RecommendationsJob broken = new RecommendationsJob(JOB, job.source(), failsAfterEvaluation, TOP_N, true, SIMILAR, true, 3, 2, job.evaluation());
    assertThatThrownBy(() -> runner.run(broken)).isInstanceOf(IllegalStateException.class).hasMessage("training broke");
    BatchInfo failed = reader.batches(JOB).get(0);
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(JSON.readTree(failed.metrics().toJson()).has("model")).as(failed.metrics().toJson()).isTrue();
  }

  @Test
  void theRunsOwnErrorSurfacesWhenMarkingTheBatchFailedAlsoFails() {
    RecommendationsJob job = config(model("popularity"), 0, "");
    InteractionSource dies = new InteractionSource() {
      @Override public ExtractResult read(Progress p) {
        store.close(); // the store becomes unreachable, then the source fails
        throw new InputException("events.csv", 7, "item_id", "empty id", "fix the row");
      }
      @Override public String label() { return "dies"; }
    };
    assertThatThrownBy(() -> runner.run(with(job, dies))).isInstanceOf(InputException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).isNotEmpty());
  }
}
