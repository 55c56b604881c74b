package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.ModelException;
import larder.core.Progress;
import larder.extract.InteractionsBuilder;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.Store;
import larder.testkit.TestStore;
import larder.train.eval.Holdout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality gate end to end on a real store: a model that clears its gate publishes, one that falls
 * short is refused with the figures, its batch failed with the evaluation kept, and the previous batch
 * keeps serving; and the time-based holdout. One contract, run by a subclass per store.
 */
abstract class QualityGateTest {
  static final String JOB = "shop";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVAL = "holdout: 0.2, k: 10, seed: 5";

  @TempDir static Path shared;
  private static Path events;
  private static Path launch;
  private static int usersWithTwoItems;

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
    // users stick to one of 20 taste groups 80% of the time: a personal model beats the global ranking
    events = shared.resolve("events.csv");
    new SyntheticShop(ShopParams.of(500, 120, 9_000, 20240601L)).writeCsv(events, Progress.NONE);
    Map<String, Set<String>> seen = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(events)) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(",");
        seen.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
      }
    }
    usersWithTwoItems = (int) seen.values().stream().filter(s -> s.size() >= 2).count();
    launch = shared.resolve("launch.csv");
    writeLaunch(launch);
  }

  /**
   * Planted for the time split: 200 users each buy five items of their group of ten (days 1-5), then,
   * on day 30, the one item launched that day. Held out by time, every user's test item is the launch,
   * which nobody has in training: no model can find it. Held out at random, most test items are of the
   * user's group, which item-to-item similarity finds.
   */
  private static void writeLaunch(Path out) throws Exception {
    StringBuilder s = new StringBuilder("user_id,item_id,timestamp\n");
    SplittableRandom rnd = new SplittableRandom(17);
    for (int u = 0; u < 200; u++) {
      int group = u % 4;
      List<Integer> items = new ArrayList<>();
      for (int i = 0; i < 10; i++) items.add(group * 10 + i);
      for (int i = items.size() - 1; i > 0; i--) Collections.swap(items, i, rnd.nextInt(i + 1));
      for (int d = 1; d <= 5; d++) {
        s.append("u").append(u).append(",g").append(items.get(d - 1)).append(",2024-03-0").append(d).append("T10:00:00Z\n");
      }
      s.append("u").append(u).append(",launch,2024-03-30T10:00:00Z\n");
    }
    Files.writeString(out, s);
  }

  @BeforeEach
  void open() throws Exception {
    Files.copy(events, dir.resolve("events.csv"));
    Files.copy(launch, dir.resolve("launch.csv"));
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

  // ---------------------------------------------------------------- the gate

  @Test
  void aModelThatClearsItsGatePublishesAndTheBatchRecordsThePass() throws Exception {
    RunReport report = runner.run(job("itemknn", "{ " + EVAL
        + ", gate: { min_lift: 1.1, metric: ndcg, min: { precision: 0.01, hit_rate: 0.05 } } }"));

    BatchInfo b = report.batch();
    assertThat(reader.current(JOB)).contains(b);
    assertThat(b.rows()).isPositive().isEqualTo(count("SELECT COUNT(*) FROM larder_recommendations WHERE job = ?", JOB));
    JsonNode m = JSON.readTree(b.metrics().toJson());
    JsonNode model = m.get("model");
    JsonNode pop = m.get("popularity");
    JsonNode gate = m.get("gate");
    assertThat(gate.get("passed").asBoolean()).isTrue();
    assertThat(gate.get("failures")).isEmpty();
    // each check holds the figure stored beside it, and what it was held to
    assertThat(gate.get("checks")).hasSize(3);
    assertCheck(gate.get("checks").get(0), "min", "precision", model.get("precision").asDouble(), 0.01, true);
    assertCheck(gate.get("checks").get(1), "min", "hit_rate", model.get("hit_rate").asDouble(), 0.05, true);
    assertCheck(gate.get("checks").get(2), "min_lift", "ndcg", model.get("ndcg").asDouble() / pop.get("ndcg").asDouble(),
        1.1, true);
    assertThat(m.get("split").asText()).isEqualTo("random");
    assertThat(JSON.readTree(JSON.writeValueAsString(report.metrics()))).isEqualTo(m);
    assertThat(report.summary()).contains("  gate       passed: precision@10 ")
        .contains(String.format(Locale.ROOT, "lift %.2fx over popularity", gate.get("checks").get(2).get("value").asDouble()));
    assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("quality gate passed: "));
  }

  @Test
  void aModelBelowAnImpossibleGateIsRefusedAndThePreviousBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(job("popularity", "{ " + EVAL + " }")).batch();
    Map<String, List<String>> before = lists();
    steps.clear();

    RecommendationsJob gated = job("itemknn", "{ " + EVAL + ", gate: { min_lift: 50, min: { ndcg: 0.99, recall: 0.001 } } }");
    ModelException refused = (ModelException) catchThrowable(() -> runner.run(gated));

    assertThat(refused.exitCode()).isEqualTo(5);
    BatchInfo failed = assertFailedWhilePreviousServes(good, before);
    JsonNode m = JSON.readTree(failed.metrics().toJson());
    double ndcg = m.get("model").get("ndcg").asDouble();
    double lift = ndcg / m.get("popularity").get("ndcg").asDouble();
    String ndcgFailure = String.format(Locale.ROOT, "ndcg@10 %.4f is below min 0.99", ndcg);
    String liftFailure = String.format(Locale.ROOT, "lift %.2fx over popularity (ndcg@10 %.4f vs %.4f) is below min_lift 50",
        lift, ndcg, m.get("popularity").get("ndcg").asDouble());
    assertThat(refused.getMessage()).isEqualTo("job 'shop': quality gate failed, not publishing: " + ndcgFailure + "; " + liftFailure);
    assertThat(refused.hint()).isEqualTo("batch " + good.id() + " keeps serving; check the data or lower the gate in"
        + " jobs.shop.evaluate.gate");
    // the batch list says why: the message, and the evaluation with the gate's verdict
    assertThat(failed.message()).isEqualTo(refused.getMessage() + " (hint: " + refused.hint() + ")");
    assertThat(failed.model()).isEqualTo("itemknn");
    JsonNode gate = m.get("gate");
    assertThat(gate.get("passed").asBoolean()).isFalse();
    assertThat(gate.get("failures")).extracting(JsonNode::asText).containsExactly(ndcgFailure, liftFailure);
    assertCheck(gate.get("checks").get(0), "min", "recall", m.get("model").get("recall").asDouble(), 0.001, true);
    assertCheck(gate.get("checks").get(1), "min", "ndcg", ndcg, 0.99, false);
    assertCheck(gate.get("checks").get(2), "min_lift", "ndcg", lift, 50, false);
    assertThat(m.get("model").get("users").asLong()).isEqualTo(usersWithTwoItems);
    // refused on the evaluation: the full model was neither trained nor scored
    assertThat(steps).noneMatch(s -> s.startsWith("training ") || s.startsWith("scoring "));

    BatchInfo next = runner.run(job("itemknn", "{ " + EVAL + ", gate: { min_lift: 1.1 } }")).batch();
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(next.id());
    assertThat(status(good.id())).isEqualTo("superseded");
  }

  @Test
  void aRefusedFirstRunLeavesNothingServingAndSaysSo() {
    RecommendationsJob gated = job("popularity", "{ " + EVAL + ", gate: { min: { map: 0.99 } } }");
    assertThatThrownBy(() -> runner.run(gated)).isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.hint())
        .isEqualTo("nothing was published before, so the job serves nothing yet; check the data or lower the gate in"
            + " jobs.shop.evaluate.gate"));
    assertThat(reader.current(JOB)).isEmpty();
    assertThat(reader.batches(JOB)).singleElement().satisfies(b -> {
      assertThat(b.status()).isEqualTo("failed");
      assertThat(b.message()).contains("map@10 ").contains(" is below min 0.99");
    });
    assertThat(count("SELECT COUNT(*) FROM larder_job_lock WHERE job = ?", JOB)).as("lock released").isZero();
  }

  @Test
  void theGateJudgesTheFiguresStoredWithTheBatchRightAtTheirValue() throws Exception {
    JsonNode measured = JSON.readTree(runner.run(job("itemknn", "{ " + EVAL + " }")).batch().metrics().toJson()).get("model");
    double ndcg = measured.get("ndcg").asDouble();
    double precision = measured.get("precision").asDouble();

    // the same evaluation again: a floor at the measured value passes, one a hair above does not
    String atValue = "{ " + EVAL + ", gate: { min: { ndcg: " + ndcg + ", precision: " + precision + " } } }";
    BatchInfo passed = runner.run(job("itemknn", atValue)).batch();
    assertThat(JSON.readTree(passed.metrics().toJson()).get("model")).isEqualTo(measured);
    assertThat(JSON.readTree(passed.metrics().toJson()).get("gate").get("passed").asBoolean()).isTrue();

    String above = "{ " + EVAL + ", gate: { min: { ndcg: " + (ndcg + 1e-4) + ", precision: " + precision + " } } }";
    assertThatThrownBy(() -> runner.run(job("itemknn", above))).isInstanceOf(ModelException.class)
        .hasMessageEndingWith(String.format(Locale.ROOT, "ndcg@10 %.4f is below min %s", ndcg, ndcg + 1e-4));
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(passed.id());
  }

  // ---------------------------------------------------------------- the time split

  @Test
  void aTimeSplitJudgesTheModelOnEachUsersLatestInteractions() throws Exception {
    String source = "{ file: launch.csv, columns: { user: user_id, item: item_id, timestamp: timestamp } }";
    // one of six interactions held out: by time that is the launch, at random mostly a group item
    JsonNode random = JSON.readTree(runner.run(job(source, "itemknn", "{ holdout: 0.15, k: 3, seed: 5 }")).batch()
        .metrics().toJson());
    assertThat(random.get("split").asText()).isEqualTo("random");
    assertThat(random.get("model").get("hit_rate").asDouble()).isPositive();

    RecommendationsJob byTime = job(source, "itemknn", "{ holdout: 0.15, k: 3, split: time, gate: { min: { hit_rate: 0.01 } } }");
    assertThatThrownBy(() -> runner.run(byTime)).isInstanceOf(ModelException.class)
        .hasMessageContaining("hit_rate@3 0.0000 is below min 0.01");
    JsonNode timed = JSON.readTree(reader.batches(JOB).get(0).metrics().toJson());
    assertThat(timed.get("split").asText()).isEqualTo("time");
    for (String who : List.of("model", "popularity")) {
      assertThat(timed.get(who).get("users").asLong()).as(who).isEqualTo(200);
      assertThat(timed.get(who).get("hit_rate").asDouble()).as(who).isZero();
    }
    assertThat(steps).contains("evaluating: holding out the latest 15% of each user's interactions");
    assertThat(Holdout.NO_TIME).as("sources and the holdout mean the same by no time").isEqualTo(InteractionsBuilder.NO_TIME);
  }

  @Test
  void aTimeSplitOnASourceWhoseTimesAreAllEmptyFailsTheRunNamingTheSplit() throws Exception {
    BatchInfo good = runner.run(job("popularity", "{ " + EVAL + " }")).batch();
    Map<String, List<String>> before = lists();
    Files.writeString(dir.resolve("untimed.csv"), "user_id,item_id,timestamp\nu1,a,\nu1,b,\nu2,a,\nu2,c,\n");
    RecommendationsJob untimed = job("{ file: untimed.csv, columns: { user: user_id, item: item_id, timestamp: timestamp } }",
        "popularity", "{ split: time }");

    assertThatThrownBy(() -> runner.run(untimed)).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.key()).isEqualTo("jobs.shop.evaluate.split");
      assertThat(e.hint()).isEqualTo("fill the source's timestamp column, or use split: random");
    }).hasMessage("jobs.shop.evaluate.split = time: untimed.csv gave no timestamps, so there is no latest interaction to hold out");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before);
    assertThat(failed.message()).contains("gave no timestamps");
  }

  // ---------------------------------------------------------------- helpers

  private static void assertCheck(JsonNode check, String condition, String metric, double value, double threshold,
      boolean passed) {
    assertThat(check.get("condition").asText()).isEqualTo(condition);
    assertThat(check.get("metric").asText()).isEqualTo(metric);
    assertThat(check.get("value").asDouble()).isCloseTo(value, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(check.get("threshold").asDouble()).isEqualTo(threshold);
    assertThat(check.get("passed").asBoolean()).as(check.toString()).isEqualTo(passed);
    assertThat(check.get("text").asText()).contains(metric + "@");
  }

  /** The newest batch failed, with no rows and the lock released, while {@code previous} serves what it did. */
  private BatchInfo assertFailedWhilePreviousServes(BatchInfo previous, Map<String, List<String>> before) {
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(previous.id());
    assertThat(status(previous.id())).isEqualTo("published");
    assertThat(lists()).isEqualTo(before);
    BatchInfo failed = reader.batches(JOB).get(0);
    assertThat(failed.id()).isGreaterThan(previous.id());
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.rows()).isZero();
    assertThat(failed.publishedAt()).isNull();
    for (String table : List.of("larder_rec_rows", "larder_similar_rows", "larder_fallback_rows")) {
      assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE batch_id = ?", failed.id())).as(table).isZero();
    }
    assertThat(count("SELECT COUNT(*) FROM larder_job_lock WHERE job = ?", JOB)).as("lock released").isZero();
    return failed;
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected the run to fail");
  }

  RecommendationsJob job(String model, String evaluate) {
    return job("{ file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }", model, evaluate);
  }

  RecommendationsJob job(String source, String model, String evaluate) {
    String text = """
        jobs:
          shop:
            source: %s
            model: %s
            top_n: 10
            similar_items: 5
            threads: 2
            evaluate: %s
        """.formatted(source, switch (model) {
          case "popularity" -> "{ type: popularity }";
          case "itemknn" -> "{ type: itemknn, neighbors: 20 }";
          default -> throw new IllegalArgumentException(model);
        }, evaluate);
    return (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), text, JOB);
  }

  /** Everything the job serves, as text, to compare before and after a refused run. */
  private Map<String, List<String>> lists() {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    Map<String, String> tables = Map.of(
        "recommendations ", "SELECT user_id, rank, item_id, score, batch_id FROM larder_recommendations WHERE job = ?",
        "fallback ", "SELECT '', rank, item_id, score, batch_id FROM larder_fallback WHERE job = ?",
        "similar ", "SELECT item_id, rank, similar_item_id, score, batch_id FROM larder_similar_items WHERE job = ?");
    tables.forEach((table, sql) -> store.read("read rows", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY 1, 2")) {
        ps.setString(1, JOB);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(table + rs.getString(1), k -> new ArrayList<>())
                .add(rs.getInt(2) + ":" + rs.getString(3) + ":" + rs.getFloat(4) + "@" + rs.getLong(5));
          }
        }
      }
      return null;
    }));
    assertThat(out).isNotEmpty();
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
}
