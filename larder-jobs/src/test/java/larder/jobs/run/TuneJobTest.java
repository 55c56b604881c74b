package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tune:} in a job on a real store: the search record, the tuned parameters published, reuse, config errors. */
class TuneJobTest {
  private static final String JOB = "shop";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  private static Path events;
  @TempDir Path dir;
  TestStore db;
  Store store;
  JobRunner runner;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void generate() throws Exception {
    events = shared.resolve("events.csv");
    new SyntheticShop(ShopParams.of(300, 80, 5_000, 20240601L)).writeCsv(events, Progress.NONE);
  }

  @BeforeEach
  void open() throws Exception {
    Files.copy(events, dir.resolve("events.csv"));
    db = TestStore.sqlite();
    store = db.open(Store::open);
    runner = new JobRunner(new Publisher(store), Progress.NONE, (job, message) -> steps.add(message));
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  private RecommendationsJob job(String model, String evaluate, String tune) {
    return job("{ file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }", model, evaluate,
        tune);
  }

  private RecommendationsJob job(String source, String model, String evaluate, String tune) {
    String text = """
        jobs:
          shop:
            source: %s
            model: %s
            top_n: 10
            similar_items: 0
            threads: 2
        %s%s""".formatted(source, model, evaluate == null ? "" : "    evaluate: " + evaluate + "\n",
        tune == null ? "" : "    tune: " + tune + "\n");
    return (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), text, JOB);
  }

  private static final String ALS = "{ type: als, factors: 8, iterations: 6, alpha: 1, regularization: 0.01 }";
  private static final String EVAL = "{ holdout: 0.2, k: 10, seed: 5 }";
  private static final String TIMED =
      "{ file: events.csv, columns: { user: user_id, item: item_id, timestamp: timestamp, weight: quantity } }";

  @Test
  void aTunedRunStoresTheSearchAndPublishesTheWinnersParameters() throws Exception {
    BatchInfo b = runner.run(job(ALS, EVAL, "{ trials: 7, seed: 3 }")).batch();
    JsonNode t = JSON.readTree(b.metrics().toJson()).get("tuning");
    assertThat(t.get("trials")).hasSize(7);
    assertThat(t.get("stopped_by").asText()).isEqualTo("trials");
    assertThat(t.get("rungs").toString()).isEqualTo("[2,6]");
    assertThat(t.get("config").get("space").has("rho")).isTrue();
    assertThat(t.get("config").get("repeats").asInt()).isEqualTo(1); // ALS's default: one validation draw
    assertThat(t.get("sizes").get("validation_interactions").asLong()).isPositive();
    assertThat(t.get("cost_fits").asDouble()).isPositive();
    JsonNode first = t.get("trials").get(0);
    assertThat(first.get("validation").has("ndcg")).isTrue();
    assertThat(first.has("seconds")).isTrue();
    // the batch's params are those of the published model: the winner's, not the config's
    JsonNode winner = t.get("winner").get("params");
    double alpha = winner.get("alpha").asDouble();
    assertThat(((Number) b.params().get("alpha")).doubleValue()).isCloseTo(alpha, org.assertj.core.data.Offset.offset(1e-4 * alpha));
    assertThat(((Number) b.params().get("regularization")).doubleValue())
        .isCloseTo(alpha * winner.get("rho").asDouble(), org.assertj.core.data.Offset.offset(1e-3 * alpha * winner.get("rho").asDouble()));
    assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("tuned: trial "));
  }

  @Test
  void everyReusesTheNewestSearchWithinItsWindowOnly() throws Exception {
    BatchInfo first = runner.run(job(ALS, EVAL, "{ trials: 4, every: 1h }")).batch();
    BatchInfo second = runner.run(job(ALS, EVAL, "{ trials: 4, every: 1h }")).batch();
    JsonNode t2 = JSON.readTree(second.metrics().toJson()).get("tuning");
    assertThat(t2.get("reused_from").get("batch").asLong()).isEqualTo(first.id());
    assertThat(t2.has("trials")).isFalse();
    assertThat(second.params()).isEqualTo(first.params());
    // a reusing batch carries the parameters forward: the next run reuses from it, naming the original search's time
    BatchInfo third = runner.run(job(ALS, EVAL, "{ trials: 4, every: 1h }")).batch();
    JsonNode t3 = JSON.readTree(third.metrics().toJson()).get("tuning");
    assertThat(t3.get("reused_from").get("batch").asLong()).isEqualTo(second.id());
    assertThat(t3.get("tuned_at").asText()).isEqualTo(JSON.readTree(first.metrics().toJson()).get("tuning").get("tuned_at").asText());
    // another space is another search
    BatchInfo other = runner.run(job(ALS, EVAL, "{ trials: 4, repeats: 1, every: 1h, space: { alpha: [1, 10] } }")).batch();
    assertThat(JSON.readTree(other.metrics().toJson()).get("tuning").has("reused_from")).isFalse();
    // past the window: searched again (one validation draw each, so that the search itself stays well inside 1 s)
    BatchInfo brief = runner.run(job(ALS, EVAL, "{ trials: 4, repeats: 1, every: 1s, space: { alpha: [1, 10] } }")).batch();
    Thread.sleep(1_100);
    BatchInfo after = runner.run(job(ALS, EVAL, "{ trials: 4, repeats: 1, every: 1s, space: { alpha: [1, 10] } }")).batch();
    assertThat(JSON.readTree(brief.metrics().toJson()).get("tuning").has("reused_from")).isTrue();
    assertThat(JSON.readTree(after.metrics().toJson()).get("tuning").has("reused_from")).isFalse();
  }

  /** Records every pair it is fitted on or measured against while a search's evaluator is open. */
  static final class Spy implements larder.train.recommend.Recommender, larder.train.tune.Tunable {
    final java.util.Set<Long> seen;
    final java.util.concurrent.atomic.AtomicBoolean searching;
    final int neighbors;

    Spy(java.util.Set<Long> seen, java.util.concurrent.atomic.AtomicBoolean searching, int neighbors) {
      this.seen = seen;
      this.searching = searching;
      this.neighbors = neighbors;
    }

    static java.util.Set<Long> pairs(larder.core.Interactions d) {
      java.util.Set<Long> out = new java.util.HashSet<>();
      var m = d.byUser();
      for (int u = 0; u < m.rows(); u++) for (int p = m.rowStart(u); p < m.rowEnd(u); p++) out.add((long) u << 32 | m.cols()[p]);
      return out;
    }

    @Override public String name() { return "itemknn"; }

    @Override public java.util.Map<String, Object> params() { return java.util.Map.of("neighbors", neighbors); }

    @Override public larder.train.recommend.TrainedModel fit(larder.core.Interactions train, Progress progress) {
      if (searching.get()) seen.addAll(pairs(train));
      return new larder.train.recommend.itemknn.ItemKnn(larder.train.recommend.itemknn.ItemKnnParams.defaults()
          .withNeighbors(neighbors).withThreads(1)).fit(train, progress);
    }

    @Override public String model() { return "itemknn"; }

    @Override public larder.train.tune.SearchSpace defaultSpace() {
      return larder.train.tune.SearchSpace.of(new larder.train.tune.Param.Choice("neighbors", List.of(5, 20)));
    }

    @Override public java.util.Set<String> keys() { return java.util.Set.of("neighbors"); }

    @Override public larder.train.recommend.Recommender configure(java.util.Map<String, Object> p) {
      return new Spy(seen, searching, ((Number) p.get("neighbors")).intValue());
    }

    @Override public larder.train.tune.TrialEvaluator evaluator(larder.core.Interactions train,
        larder.core.Interactions validation, int k, int threads) {
      searching.set(true);
      seen.addAll(pairs(validation));
      var inner = new larder.train.tune.FitEvaluator(this, train, validation, k, threads);
      return new larder.train.tune.TrialEvaluator() {
        @Override public int[] rungs() { return inner.rungs(); }

        @Override public larder.train.eval.Metrics evaluate(int t, java.util.Map<String, Object> p, int r, Progress pr) {
          return inner.evaluate(t, p, r, pr);
        }

        @Override public void close() { searching.set(false); }
      };
    }
  }

  @Test
  void theRunsSearchSeesNoPairOfTheTestPart() throws Exception {
    RecommendationsJob base = job(ALS, EVAL, "{ trials: 2 }");
    java.util.Set<Long> seen = java.util.Collections.synchronizedSet(new java.util.HashSet<>());
    Spy spy = new Spy(seen, new java.util.concurrent.atomic.AtomicBoolean(), 50);
    RecommendationsJob j = new RecommendationsJob(base.name(), base.source(), spy, base.topN(), base.excludeSeen(),
        base.similarItems(), base.fallback(), base.keep(), base.threads(), base.evaluation(), null, null, null, null,
        false).withTune(base.tune());
    BatchInfo b = runner.run(j).batch();
    larder.core.Interactions data = base.source().read(Progress.NONE).interactions();
    var split = larder.train.eval.Holdout.perUser(data, 0.2, 5);
    java.util.Set<Long> test = Spy.pairs(split.test());
    assertThat(test).isNotEmpty();
    assertThat(seen).isNotEmpty().doesNotContainAnyElementsOf(test);
    assertThat(seen).isEqualTo(Spy.pairs(split.train())); // the search's two parts are the evaluation's training part
    assertThat(JSON.readTree(b.metrics().toJson()).get("tuning").get("trials")).hasSize(2);
  }

  @Test
  void configErrorsNameTheKey() {
    assertKey(() -> job(ALS, null, "{ trials: 5 }"), "jobs.shop.tune");
    assertKey(() -> job(ALS, EVAL, "{ trials: 0 }"), "jobs.shop.tune.trials");
    assertKey(() -> job(ALS, EVAL, "{ validation: 1.5 }"), "jobs.shop.tune.validation");
    assertKey(() -> job(ALS, EVAL, "{ metric: auc }"), "jobs.shop.tune.metric");
    assertKey(() -> job(ALS, EVAL, "{ every: soon }"), "jobs.shop.tune.every");
    assertKey(() -> job(ALS, EVAL, "{ space: { gamma: [1, 2] } }"), "jobs.shop.tune.space.gamma");
    assertKey(() -> job(ALS, EVAL, "{ space: { alpha: { min: 0, max: 5, scale: log } } }"), "jobs.shop.tune.space.alpha");
    assertKey(() -> job(ALS, EVAL, "{ space: { alpha: { min: 1 } } }"), "jobs.shop.tune.space.alpha");
    assertKey(() -> job(ALS, EVAL, "{ tirals: 5 }"), "jobs.shop.tune");
    assertKey(() -> job(ALS, EVAL, "{ repeats: 0 }"), "jobs.shop.tune.repeats");
    assertKey(() -> job(ALS, EVAL, "{ repeats: 21 }"), "jobs.shop.tune.repeats");
    assertKey(() -> job(ALS, EVAL, "{ repeats: two }"), "jobs.shop.tune.repeats");
    // a time split holds out the same latest interactions on every draw
    assertKey(() -> job(TIMED, ALS, "{ holdout: 0.2, split: time }", "{ repeats: 2 }"), "jobs.shop.tune.repeats");
    assertKey(() -> job("{ type: popularity }", EVAL, "{ trials: 5 }"), "jobs.shop.tune");
  }

  @Test
  void repeatsDefaultToTheModelsDrawsForARandomSplitAndOneForATimeSplit() {
    RecommendationsJob random = job("{ type: itemknn }", EVAL, "{ trials: 2 }");
    assertThat(larder.train.tune.Tuning.resolved(random.model(), random.tune().settings(random.evaluation(), 1))
        .repeats()).isEqualTo(3);
    RecommendationsJob als = job(ALS, EVAL, "{ trials: 2 }");
    assertThat(larder.train.tune.Tuning.resolved(als.model(), als.tune().settings(als.evaluation(), 1)).repeats())
        .isEqualTo(1);
    RecommendationsJob time = job(TIMED, ALS, "{ holdout: 0.2, split: time }", "{ trials: 2 }");
    assertThat(time.tune().settings(time.evaluation(), 1).repeats()).isEqualTo(1);
    RecommendationsJob two = job(ALS, EVAL, "{ trials: 2, repeats: 2 }");
    assertThat(two.tune().settings(two.evaluation(), 1).repeats()).isEqualTo(2);
  }

  private static void assertKey(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, String key) {
    assertThatThrownBy(c).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).as(e.getMessage()).isEqualTo(key));
  }
}
