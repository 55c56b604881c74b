package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.extract.Column;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.extract.ExtractResult;
import larder.extract.InteractionSource;
import larder.train.eval.Metric;
import larder.train.eval.Metrics;
import larder.train.recommend.popularity.Popularity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing {@code evaluate:} (holdout, split, k, seed) and its quality gate; and the gate's verdicts. */
class GateConfigTest {
  @TempDir Path dir;

  /** A job "shop" on a CSV with a timestamp column, with {@code evaluate} as its evaluate mapping. */
  private RecommendationsJob job(String evaluate) throws Exception {
    return job("{ file: events.csv, columns: { user: u, item: i, timestamp: t } }", evaluate);
  }

  private RecommendationsJob job(String source, String evaluate) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, """
        jobs:
          shop:
            source: %s
            model: { type: popularity }
            top_n: 7
            evaluate: %s
        """.formatted(source, evaluate));
    return (RecommendationsJob) LarderConfig.load(f).jobs().get("shop");
  }

  private void refused(String evaluate, String key, String... message) {
    refusedOn("{ file: events.csv, columns: { user: u, item: i, timestamp: t } }", evaluate, key, message);
  }

  private void refusedOn(String source, String evaluate, String key, String... message) {
    assertThatThrownBy(() -> job(source, evaluate))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.exitCode()).isEqualTo(2);
        })
        .hasMessageStartingWith(key)
        .hasMessageContainingAll(message);
  }

  // ---------------------------------------------------------------- reading

  @Test
  void withoutSplitOrGateTheHoldoutIsRandomAndNothingIsRefused() throws Exception {
    RecommendationsJob.EvaluationConfig ev = job("{}").evaluation();
    assertThat(ev.holdout()).isEqualTo(0.2);
    assertThat(ev.split()).isEqualTo(RecommendationsJob.EvaluationConfig.Split.RANDOM);
    assertThat(ev.k()).as("k defaults to top_n").isEqualTo(7);
    assertThat(ev.seed()).isEqualTo(42);
    assertThat(ev.gate()).isNull();
    assertThat(new RecommendationsJob.EvaluationConfig(0.3, 5, 9))
        .isEqualTo(new RecommendationsJob.EvaluationConfig(0.3, RecommendationsJob.EvaluationConfig.Split.RANDOM, 5, 9, null));
  }

  @Test
  void readsEveryKey() throws Exception {
    RecommendationsJob.EvaluationConfig ev = job("""
        
              holdout: 0.3
              split: TIME
              k: 5
              seed: 8
              gate:
                min_lift: 1.25
                metric: recall
                min: { precision: 0.02, ndcg: 0.05, hit-rate: 0.3, coverage: 0, map: 1 }
        """).evaluation();
    assertThat(ev.holdout()).isEqualTo(0.3);
    assertThat(ev.split()).isEqualTo(RecommendationsJob.EvaluationConfig.Split.TIME);
    assertThat(ev.k()).isEqualTo(5);
    assertThat(ev.seed()).isEqualTo(8);
    QualityGate g = ev.gate();
    assertThat(g.minLift()).isEqualTo(1.25);
    assertThat(g.liftMetric()).isEqualTo(Metric.RECALL);
    assertThat(g.floors()).containsExactly(Map.entry(Metric.PRECISION, 0.02), Map.entry(Metric.NDCG, 0.05),
        Map.entry(Metric.MAP, 1.0), Map.entry(Metric.HIT_RATE, 0.3), Map.entry(Metric.COVERAGE, 0.0));
  }

  @Test
  void aLiftAloneIsMeasuredOnNdcgAndFloorsAloneNeedNoLift() throws Exception {
    QualityGate lift = job("{ gate: { min_lift: 1.1 } }").evaluation().gate();
    assertThat(lift.minLift()).isEqualTo(1.1);
    assertThat(lift.liftMetric()).isEqualTo(Metric.NDCG);
    assertThat(lift.floors()).isEmpty();

    QualityGate floors = job("{ gate: { min: { precision: 0.01 } } }").evaluation().gate();
    assertThat(floors.minLift()).isNull();
    assertThat(floors.floors()).containsExactly(Map.entry(Metric.PRECISION, 0.01));
  }

  @Test
  void aTimeSplitIsAcceptedOnAPresetLayoutWithTimesAndOnAQueryNamingATimestamp() throws Exception {
    assertThat(job("{ file: u.data, format: movielens-udata }", "{ split: time }").evaluation().split())
        .isEqualTo(RecommendationsJob.EvaluationConfig.Split.TIME);
    assertThat(job("{ url: 'jdbc:sqlite:x.db', sql: 'SELECT a, b, c FROM t', columns: { user: 1, item: 2, timestamp: 3 } }",
        "{ split: time }").evaluation().split()).isEqualTo(RecommendationsJob.EvaluationConfig.Split.TIME);
  }

  // ---------------------------------------------------------------- errors name the key path

  @Test
  void aTimeSplitWithoutATimestampColumnIsRefusedNamingTheSplitAndWhereToAddIt() {
    String hint = "name it in jobs.shop.source.columns.timestamp, or use split: random";
    for (String source : List.of("{ file: events.csv, columns: { user: u, item: i } }", "{ file: plays.dat, format: lastfm }",
        "{ url: 'jdbc:sqlite:x.db', sql: 'SELECT a, b FROM t', columns: { user: 1, item: 2 } }")) {
      assertThatThrownBy(() -> job(source, "{ split: time }"))
          .isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.key()).isEqualTo("jobs.shop.evaluate.split");
            assertThat(e.hint()).isEqualTo(hint);
          })
          .hasMessage("jobs.shop.evaluate.split = time: needs a timestamp column, and jobs.shop.source has none");
    }
  }

  @Test
  void aJobBuiltInCodeIsCheckedTooButASourceOfItsOwnIsLeftToTheRun() {
    var spec = new CsvSpec(dir.resolve("e.csv"), ',', true, Column.named("u"), Column.named("i"), null, null, null);
    var time = new RecommendationsJob.EvaluationConfig(0.2, RecommendationsJob.EvaluationConfig.Split.TIME, 10, 1, null);
    assertThatThrownBy(() -> new RecommendationsJob("shop", new CsvSource(spec), new Popularity(), 10, true, 0, true, 1, 1, time))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.shop.evaluate.split = time");
    new RecommendationsJob("shop", new CsvSource(spec.withTimestamp(Column.named("t"))), new Popularity(), 10, true, 0,
        true, 1, 1, time);
    InteractionSource own = new InteractionSource() {
      @Override public ExtractResult read(Progress p) { throw new UnsupportedOperationException(); }
      @Override public String label() { return "own"; }
    };
    assertThat(new RecommendationsJob("shop", own, new Popularity(), 10, true, 0, true, 1, 1, time).evaluation().split())
        .isEqualTo(RecommendationsJob.EvaluationConfig.Split.TIME);
  }

  @Test
  void unknownKeysAreRefusedWhereTheyAre() {
    refused("{ holdout: 0.2, splt: time }", "jobs.shop.evaluate", "unknown key 'splt'");
    refused("{ gate: { min_lfit: 2 } }", "jobs.shop.evaluate.gate", "unknown key 'min_lfit'");
    assertThatThrownBy(() -> job("{ gate: { min_lfit: 2 } }")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.hint()).contains("min_lift"));
    refused("{ gate: { min_lift: 2, max: { ndcg: 0.1 } } }", "jobs.shop.evaluate.gate", "unknown key 'max'");
  }

  @Test
  void badSplitHoldoutAndKNameTheirKeyUnderTheJob() {
    refused("{ split: sometimes }", "jobs.shop.evaluate.split", "= sometimes", "must be one of random, time");
    refused("{ holdout: 1.5 }", "jobs.shop.evaluate.holdout", "= 1.5", "between 0 and 1");
    refused("{ holdout: 0 }", "jobs.shop.evaluate.holdout", "between 0 and 1");
    refused("{ k: 0 }", "jobs.shop.evaluate.k", "= 0", "must be >= 1");
    refused("{ seed: 1.5 }", "jobs.shop.evaluate.seed", "whole number");
  }

  @Test
  void metricNamesMustBeMetrics() {
    refused("{ gate: { min_lift: 1.1, metric: auc } }", "jobs.shop.evaluate.gate.metric", "= auc", "is not a metric");
    assertThatThrownBy(() -> job("{ gate: { min_lift: 1.1, metric: auc } }")).isInstanceOfSatisfying(ConfigException.class,
        e -> assertThat(e.hint()).contains("precision, recall, ndcg, map, hit_rate, coverage"));
    refused("{ gate: { min: { ndcg: 0.05, auc: 0.7 } } }", "jobs.shop.evaluate.gate.min.auc", "is not a metric");
    refused("{ gate: { min: { ndcg: 0.05, NDCG: 0.06 } } }", "jobs.shop.evaluate.gate.min.NDCG", "repeats the floor of ndcg");
  }

  @Test
  void thresholdsMustBeInRange() {
    refused("{ gate: { min_lift: 0 } }", "jobs.shop.evaluate.gate.min_lift", "= 0.0", "must be a number above 0");
    refused("{ gate: { min_lift: -1.5 } }", "jobs.shop.evaluate.gate.min_lift", "above 0");
    refused("{ gate: { min_lift: lots } }", "jobs.shop.evaluate.gate.min_lift", "= lots", "must be a number");
    refused("{ gate: { min: { ndcg: 1.5 } } }", "jobs.shop.evaluate.gate.min.ndcg", "= 1.5", "between 0 and 1");
    refused("{ gate: { min: { precision: -0.1 } } }", "jobs.shop.evaluate.gate.min.precision", "between 0 and 1");
    refused("{ gate: { min: { ndcg: high } } }", "jobs.shop.evaluate.gate.min.ndcg", "= high", "must be a number");
    refused("{ gate: { min: 0.05 } }", "jobs.shop.evaluate.gate.min", "must be a mapping");
  }

  @Test
  void aGateMustSayWhatItRequires() {
    refused("{ gate: {} }", "jobs.shop.evaluate.gate", "has no condition");
    refused("{ gate: { min: {} } }", "jobs.shop.evaluate.gate", "has no condition");
    refused("{ gate: { metric: precision } }", "jobs.shop.evaluate.gate.metric", "= precision", "no min_lift");
    refused("{ gate: true }", "jobs.shop.evaluate.gate", "must be a mapping");
  }

  // ---------------------------------------------------------------- verdicts

  private static Metrics metrics(double precision, double ndcg) {
    return new Metrics(10, 100, precision, 0.5, ndcg, 0.2, 0.6, 0.3);
  }

  @Test
  void aFloorIsMetAtExactlyItsValueAndEachFailureSaysMeasuredAndRequired() {
    QualityGate gate = new QualityGate(null, null, Map.of(Metric.NDCG, 0.05, Metric.PRECISION, 0.02));
    QualityGate.Verdict atFloor = gate.check(metrics(0.02, 0.05), metrics(0.01, 0.01));
    assertThat(atFloor.passed()).isTrue();
    assertThat(atFloor.failures()).isEmpty();

    QualityGate.Verdict below = gate.check(metrics(0.0199, 0.041), metrics(0.01, 0.01));
    assertThat(below.passed()).isFalse();
    assertThat(below.failures()).extracting(QualityGate.Check::text).containsExactly(
        "precision@10 0.0199 is below min 0.02", "ndcg@10 0.0410 is below min 0.05");
    Map<String, Object> json = below.toMap();
    assertThat(json.get("passed")).isEqualTo(false);
    assertThat(json.get("failures")).isEqualTo(List.of("precision@10 0.0199 is below min 0.02", "ndcg@10 0.0410 is below min 0.05"));
    assertThat((List<?>) json.get("checks")).first().isEqualTo(Map.of("condition", "min", "metric", "precision",
        "value", 0.0199, "threshold", 0.02, "passed", false, "text", "precision@10 0.0199 is below min 0.02"));
  }

  @Test
  void theLiftIsTheModelOverPopularityOnTheGateMetric() {
    QualityGate onPrecision = new QualityGate(1.5, Metric.PRECISION, null);
    QualityGate.Verdict exactly = onPrecision.check(metrics(0.3, 0.01), metrics(0.2, 0.5));
    assertThat(exactly.passed()).isTrue();
    assertThat(exactly.checks()).singleElement().satisfies(c -> {
      assertThat(c.value()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(c.text()).isEqualTo("lift 1.50x over popularity (precision@10 0.3000 vs 0.2000) is at or above min_lift 1.5");
    });
    QualityGate.Verdict shortOf = new QualityGate(1.6, Metric.PRECISION, null).check(metrics(0.3, 0.01), metrics(0.2, 0.5));
    assertThat(shortOf.failures()).extracting(QualityGate.Check::text)
        .containsExactly("lift 1.50x over popularity (precision@10 0.3000 vs 0.2000) is below min_lift 1.6");
    // on the default metric, ndcg, the same model is far behind popularity
    assertThat(new QualityGate(1.1, null, null).check(metrics(0.3, 0.01), metrics(0.2, 0.5)).failures())
        .extracting(QualityGate.Check::text).containsExactly("lift 0.02x over popularity (ndcg@10 0.0100 vs 0.5000) is below min_lift 1.1");
  }

  @Test
  void againstAPopularityOfZeroAnyHitIsEnoughAndNoHitNever() {
    QualityGate gate = new QualityGate(50.0, Metric.NDCG, null);
    QualityGate.Verdict some = gate.check(metrics(0.1, 0.01), metrics(0, 0));
    assertThat(some.passed()).isTrue();
    assertThat(some.checks().get(0).value()).isInfinite();
    assertThat(((Map<?, ?>) ((List<?>) some.toMap().get("checks")).get(0)).get("value")).as("JSON has no infinity").isNull();
    QualityGate.Verdict none = gate.check(metrics(0, 0), metrics(0, 0));
    assertThat(none.passed()).isFalse();
    assertThat(none.failures().get(0).text()).isEqualTo("lift over popularity (ndcg@10 0.0000 vs 0) is below min_lift 50");
  }

  @Test
  void aGateBuiltInCodeIsValidatedToo() {
    assertThatThrownBy(() -> new QualityGate(null, null, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("evaluate.gate: has no condition");
    assertThatThrownBy(() -> new QualityGate(Double.NaN, null, null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("evaluate.gate.min_lift");
    assertThatThrownBy(() -> new QualityGate(null, null, Map.of(Metric.MAP, Double.NaN))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("evaluate.gate.min.map");
    java.util.HashMap<Metric, Double> floors = new java.util.HashMap<>(Map.of(Metric.NDCG, 0.1));
    QualityGate g = new QualityGate(null, null, floors);
    floors.put(Metric.NDCG, 0.9);
    assertThat(g.floors()).as("copied").containsExactly(Map.entry(Metric.NDCG, 0.1));
  }
}
