package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.jobs.config.ImportJob;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.serve.EntityScore;
import larder.serve.PredictionReader;
import larder.serve.RankedItem;
import larder.serve.ScoreReader;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import jobs end to end on a real store: another model's scores or lists are read, validated row by row and as
 * a whole, published, served, and refused without touching the serving batch. One contract per store.
 */
abstract class ImportRunnerTest {
  @TempDir Path dir;
  TestStore db;
  Store store;
  JobRunner runner;
  ScoreReader scores;
  PredictionReader lists;
  final List<String> steps = new ArrayList<>();

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeEach
  void open() {
    db = newStore();
    store = db.open(Store::open);
    runner = new JobRunner(new Publisher(store), Progress.NONE, (job, message) -> steps.add(message));
    scores = new ScoreReader(store);
    lists = new PredictionReader(store);
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  ImportJob job(String yaml) {
    return (ImportJob) YamlConfig.parse(dir.resolve("larder.yaml"), yaml).jobs().values().iterator().next();
  }

  static final String CHURN = """
      jobs:
        churn:
          type: import
          source: { file: churn.csv, columns: { entity: customer_id, score: p, label: band } }
          checks: { min_rows: 3, score_min: 0, score_max: 1, max_row_change: 0.5 }
          keep: 2
      """;

  /** n customers with a churn probability and a band, seeded. */
  Map<String, Double> writeChurn(int n, long seed) throws Exception {
    Random rnd = new Random(seed);
    Map<String, Double> truth = new HashMap<>();
    StringBuilder csv = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < n; i++) {
      double p = rnd.nextInt(10_000) / 10_000.0;
      truth.put("c" + i, p);
      csv.append("c").append(i).append(',').append(p).append(',').append(p > 0.7 ? "\"high, act now\"" : p > 0.3 ? "medium" : "")
          .append('\n');
    }
    Files.writeString(dir.resolve("churn.csv"), csv);
    return truth;
  }

  @Test
  void scoresArePublishedExactlyWithLabelsAndServed() throws Exception {
    Map<String, Double> truth = writeChurn(2_000, 1);
    ImportReport r = runner.run(job(CHURN));
    BatchInfo b = r.batch();
    assertThat(b.kind()).isEqualTo(BatchKind.SCORES);
    assertThat(b.model()).isEqualTo("import");
    assertThat(r.keys()).isEqualTo(2_000);
    assertThat(r.summary()).contains("imported scores").contains("2,000 entities").contains("high, act now");
    for (String c : List.of("c0", "c1", "c77", "c1999")) {
      EntityScore s = scores.scoreOf("churn", c);
      assertThat(s.score()).isEqualTo(truth.get(c));
      assertThat(s.batchId()).isEqualTo(b.id());
      double p = truth.get(c);
      assertThat(s.label()).isEqualTo(p > 0.7 ? "high, act now" : p > 0.3 ? "medium" : null);
    }
    // the highest scores first, and the count of one label matches the file
    var top = scores.top("churn", 5, null).entities();
    double best = truth.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(top.get(0).score()).isEqualTo(best);
    long medium = truth.values().stream().filter(p -> p > 0.3 && p <= 0.7).count();
    assertThat(scores.top("churn", 10_000, "medium").entities()).hasSize((int) medium);
    assertThatThrownBy(() -> scores.scoreOf("churn", "nobody")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aFailingRowOrWholeBatchCheckPublishesNothingAndTheOldBatchServes() throws Exception {
    Map<String, Double> truth = writeChurn(100, 2);
    BatchInfo good = runner.run(job(CHURN)).batch();
    double c5 = truth.get("c5");

    record Case(String csv, String... says) {}
    StringBuilder bigger = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < 200; i++) bigger.append("x").append(i).append(",0.5,\n");
    for (Case c : List.of(
        new Case("customer_id,p,band\nc1,0.5,\nc2,lots,\nc3,0.1,\n", "churn.csv:3", "'p'", "'lots' is not a number"),
        new Case("customer_id,p,band\nc1,0.5,\nc1,0.4,\nc3,0.1,\n", "churn.csv:3", "'c1' already appeared on line 2"),
        new Case("customer_id,p,band\nc1,0.5,\nc2,1.5,\nc3,0.1,\n", "1.5 is above score_max = 1.0", "'c2'"),
        new Case("customer_id,p,band\nc1,0.5,\nc2,0.5,\n", "2 input rows, fewer than min_rows = 3"),
        new Case(bigger.toString(), "200 input rows against 100 in the serving batch", "max_row_change = 50%"))) {
      Files.writeString(dir.resolve("churn.csv"), c.csv);
      assertThatThrownBy(() -> runner.run(job(CHURN))).as(c.says[0]).isInstanceOf(InputException.class)
          .hasMessageContaining(c.says[0]).satisfies(e -> {
            for (String s : c.says) assertThat(e.getMessage()).contains(s);
          });
      assertThat(lists.current("churn")).as("still serving").get().extracting(BatchInfo::id).isEqualTo(good.id());
      assertThat(scores.scoreOf("churn", "c5").score()).isEqualTo(c5);
    }
    assertThat(lists.batches("churn")).filteredOn(x -> x.status().equals("failed")).hasSize(5);
  }

  static final String RECS = """
      jobs:
        partner:
          type: import
          kind: recommendations
          source: { file: recs.csv, columns: { user: customer, item: sku, score: s, rank: position } }
          top_n: 3
      """;

  @Test
  void listsArePublishedInRankOrderCutToTopNAndServedLikeRecommendations() throws Exception {
    Files.writeString(dir.resolve("recs.csv"), """
        customer,sku,s,position
        u1,a,0.9,1
        u1,d,0.3,9
        u1,b,0.8,2
        u1,c,0.5,4
        u2,z,0.7,1
        """);
    ImportReport r = runner.run(job(RECS));
    assertThat(r.batch().kind()).isEqualTo(BatchKind.RECOMMENDATIONS);
    assertThat(r.keys()).isEqualTo(2);
    assertThat(r.rows()).isEqualTo(4); // u1 cut to 3
    var u1 = lists.recommend("partner", "u1", 10);
    assertThat(u1.source()).isEqualTo("user");
    assertThat(u1.items()).extracting(RankedItem::itemId).containsExactly("a", "b", "c");
    assertThat(u1.items()).extracting(RankedItem::rank).containsExactly(1, 2, 3);
    assertThat(u1.items()).extracting(RankedItem::score).containsExactly(0.9f, 0.8f, 0.5f);
    assertThat(lists.recommend("partner", "u2", 10).items()).extracting(RankedItem::itemId).containsExactly("z");

    Files.writeString(dir.resolve("recs.csv"), "customer,sku,s,position\nu1,a,0.9,1\nu1,a,0.8,2\n");
    assertThatThrownBy(() -> runner.run(job(RECS))).isInstanceOf(InputException.class)
        .hasMessageContaining("recs.csv:3").hasMessageContaining("'a' is already in user 'u1''s list on line 2");
    assertThat(lists.recommend("partner", "u1", 10).batchId()).isEqualTo(r.batch().id());
  }

  @Test
  void configErrorsNameTheirKey() {
    assertThatThrownBy(() -> job(CHURN.replace("score_max: 1", "score_max: -1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.churn.checks.score_min");
    assertThatThrownBy(() -> job(CHURN.replace("min_rows: 3", "min_rowz: 3")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.churn.checks").hasMessageContaining("min_rowz");
    assertThatThrownBy(() -> job(CHURN.replace("type: import", "type: import\n    kind: labels")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.churn.kind");
    assertThatThrownBy(() -> job(RECS.replace("score: s, rank: position", "score: s, weight: w")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weight");
    assertThatThrownBy(() -> job(CHURN.replace("max_row_change: 0.5", "max_row_change: 0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max_row_change");
  }

  @Test
  void aJobKeepsItsKindAndKeepRetiresOldBatches() throws Exception {
    writeChurn(50, 3);
    ImportJob churn = job(CHURN.replace("min_rows: 3", "min_rows: 1"));
    runner.run(churn);
    runner.run(churn);
    runner.run(churn);
    assertThat(lists.batches("churn")).extracting(BatchInfo::status).containsExactly("published", "superseded", "retired");
    Files.writeString(dir.resolve("recs.csv"), "customer,sku,s,position\nu1,a,0.9,1\n");
    assertThatThrownBy(() -> runner.run(job(RECS.replace("partner:", "churn:"))))
        .hasMessageContaining("churn").hasMessageContaining("scores");
  }
}
