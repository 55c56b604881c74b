package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;
import larder.extract.ParquetSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine:} and {@code spark:}, and what the Spark engine refuses before anything runs. */
class SparkConfigTest {
  @TempDir Path dir;

  private LarderConfig load(String yaml) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, yaml);
    return LarderConfig.load(f);
  }

  private void refused(String yaml, String key, String... words) {
    assertThatThrownBy(() -> load(yaml)).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(2);
      assertThat(e.key()).isEqualTo(key);
      assertThat(e.getMessage()).doesNotContain("\n");
      for (String w : words) assertThat(e.getMessage() + " " + e.hint()).contains(w);
    });
  }

  @Test
  void readsTheEngineAtTheTopAndPerJobAndTheSparkBlock() throws Exception {
    LarderConfig cfg = load("""
        engine: spark
        spark:
          master: yarn
          deploy_mode: cluster
          spark_home: /opt/spark
          partitions: 400
          max_writers: 16
          conf: { spark.executor.memory: 8g, spark.executor.instances: 20 }
        store: jdbc:postgresql://db/larder
        jobs:
          a: { source: { file: e.csv }, model: { type: popularity } }
          b: { engine: local, source: { file: e.csv }, model: { type: als } }
        """);
    assertThat(cfg.engine(cfg.jobs().get("a"))).isEqualTo(Engine.SPARK);
    assertThat(cfg.engine(cfg.jobs().get("b"))).isEqualTo(Engine.LOCAL);
    assertThat(cfg.usesSpark(List.of(cfg.jobs().get("b")))).isFalse();
    assertThat(cfg.spark()).isEqualTo(new SparkConfig("yarn", "cluster", "/opt/spark", 400, 16,
        Map.of("spark.executor.memory", "8g", "spark.executor.instances", "20")));
    assertThat(cfg.spark().inProcess()).isFalse();
  }

  @Test
  void withoutEngineEveryJobIsLocalAndSparkDefaultsToThisJvm() throws Exception {
    LarderConfig cfg = load("jobs:\n  a: { source: { file: e.csv }, model: { type: ease } }\n");
    assertThat(cfg.engine(cfg.jobs().get("a"))).isEqualTo(Engine.LOCAL);
    assertThat(cfg.spark()).isEqualTo(SparkConfig.DEFAULT);
    assertThat(cfg.spark().inProcess()).isTrue();
  }

  @Test
  void refusesUnknownKeysAndValues() throws Exception {
    refused("spark: { master: yarn, executors: 3 }\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n",
        "spark", "unknown key 'executors'");
    refused("spark: { conf: { executor.memory: 8g } }\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n",
        "spark.conf.executor.memory", "start with 'spark.'");
    refused("spark: { conf: { spark.executorEnv.LARDER_DB_PASSWORD: hunter2 } }\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n",
        "spark.conf.spark.executorEnv.LARDER_DB_PASSWORD", "command line");
    assertThatThrownBy(() -> load("spark: { conf: { spark.executorEnv.LARDER_DB_PASSWORD: hunter2 } }\njobs:\n"
        + "  a: { source: { file: e.csv }, model: { type: popularity } }\n")).hasMessageNotContaining("hunter2");
    // a reference to a secret the cluster holds is not the secret
    assertThat(load("spark: { conf: { spark.kubernetes.executor.secretKeyRef.LARDER_DB_PASSWORD: \"db:password\" } }\n"
        + "jobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n").spark().conf())
        .containsKey("spark.kubernetes.executor.secretKeyRef.LARDER_DB_PASSWORD");
    refused("engine: flink\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n", "engine", "local, spark");
    refused("spark: { master: \"local[2]\", deploy_mode: cluster }\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n",
        "spark.deploy_mode", "client");
  }

  @Test
  void refusesASqliteStoreWithAMasterThatIsNotLocal() throws Exception {
    refused("engine: spark\nspark: { master: yarn }\nstore: larder.db\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n",
        "spark.master", "SQLite", "local[*]");
    // PostgreSQL is reachable from anywhere; SQLite is fine in this JVM.
    load("engine: spark\nspark: { master: yarn }\nstore: jdbc:postgresql://db/larder\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n");
    load("engine: spark\nspark: { master: \"local[*]\" }\nstore: larder.db\njobs:\n  a: { source: { file: e.csv }, model: { type: popularity } }\n");
    // --db is checked the same way when the run starts.
    assertThatThrownBy(() -> SparkSupport.checkStore("/data/larder.db", "k8s://https://k:6443"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SQLite");
    // Executors connect to PostgreSQL themselves: a cluster's get no password through the URL.
    assertThatThrownBy(() -> SparkSupport.checkStore("jdbc:postgresql://db/larder?user=l&password=s3cret", "yarn"))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.getMessage()).doesNotContain("s3cret");
          assertThat(e.hint()).contains("LARDER_DB_PASSWORD");
        });
    SparkSupport.checkStore("jdbc:postgresql://db/larder?user=l&password=s3cret", "local[2]");
  }

  @Test
  void evaluationAndItsGateRunOnSpark() throws Exception {
    LarderConfig cfg = load("engine: spark\njobs:\n  r:\n    source: { file: e.csv }\n    model: { type: als }\n"
        + "    evaluate: { holdout: 0.2, gate: { min_lift: 1.1 } }\n");
    assertThat(((RecommendationsJob) cfg.jobs().get("r")).evaluation().gate()).isNotNull();
  }

  @Test
  void refusesEaseAboveWhatOneExecutorHoldsAndWhatTheEngineDoesNotRunYet() {
    refused("engine: spark\njobs:\n  r:\n    source: { file: e.csv }\n    model: { type: ease, max_items: 50000 }\n",
        "jobs.r.model.max_items", String.valueOf(SparkSupport.EASE_MAX_ITEMS));
    refused("engine: spark\njobs:\n  r:\n    source: { file: e.csv, columns: { timestamp: ts } }\n    model: { type: popularity, half_life: 30d }\n",
        "jobs.r.model.half_life", "decay");
    refused("engine: spark\njobs:\n  r:\n    source: { file: e.csv }\n    model: { type: popularity }\n    segment_fallback: s\n"
        + "  s:\n    type: segments\n    source: { file: tx.csv }\n",
        "jobs.r.segment_fallback", "does not run", "popularity", "itemknn", "als", "ease", "evaluate", "engine: local");
    refused("engine: spark\njobs:\n  r:\n    source: { file: e.csv }\n    model: { type: als }\n    evaluate: { holdout: 0.2 }\n"
        + "    tune: { trials: 5 }\n", "jobs.r.tune", "parameter search", "engine: local");
    refused("engine: spark\njobs:\n  s:\n    type: segments\n    source: { file: f.csv, columns: { customer: id, features: [a, b] } }\n",
        "jobs.s.source", "feature table");
    refused("engine: spark\njobs:\n  p:\n    type: import\n    kind: recommendations\n"
        + "    source: { file: recs.csv, columns: { user: u, item: i, score: s } }\n", "jobs.p.engine", "does not run");
  }

  @Test
  void segmentsOnTransactionsRunOnSparkWithTheSampleKMeansIsFittedOn() throws Exception {
    LarderConfig cfg = load("engine: spark\njobs:\n  s:\n    type: segments\n    source: { file: tx.csv }\n"
        + "    kmeans: { k: auto, k_max: 6, sample: 5000 }\n  r:\n    type: segments\n    method: rfm\n"
        + "    source: { file: tx.csv }\n");
    assertThat(((SegmentsJob) cfg.jobs().get("s")).sample()).isEqualTo(5000);
    assertThat(((SegmentsJob) cfg.jobs().get("r")).sample()).isEqualTo(SegmentsJob.DEFAULT_SAMPLE);
    refused("engine: spark\njobs:\n  s:\n    type: segments\n    source: { file: tx.csv }\n    kmeans: { k: 5, sample: 4 }\n",
        "jobs.s.kmeans.sample", "at least k (5)");
  }

  @Test
  void alsAndEaseWithinTheCapAreAcceptedOnSpark() throws Exception {
    LarderConfig cfg = load("engine: spark\njobs:\n  r:\n    source: { file: e.csv }\n"
        + "    model: { type: als, factors: 8 }\n    similar_items: 5\n"
        + "  e:\n    source: { file: e.csv }\n    model: { type: ease }\n");
    assertThat(cfg.engine(cfg.jobs().get("r"))).isEqualTo(Engine.SPARK);
    assertThat(cfg.engine(cfg.jobs().get("e"))).isEqualTo(Engine.SPARK);
  }

  @Test
  void parquetIsReadOnSparkOnly() throws Exception {
    LarderConfig cfg = load("""
        engine: spark
        jobs:
          recs:
            source: { parquet: "s3a://lake/events/", columns: { user: uid, item: sku, weight: qty }, max_bad_rows: 5 }
            model: { type: popularity }
          local:
            source: { parquet: events.parquet }
            model: { type: itemknn }
        """);
    ParquetSource p = (ParquetSource) ((RecommendationsJob) cfg.jobs().get("recs")).source();
    assertThat(p.path()).isEqualTo("s3a://lake/events/");
    assertThat(List.of(p.user(), p.item(), p.weight())).containsExactly("uid", "sku", "qty");
    assertThat(p.options().maxBadRows()).isEqualTo(5);
    assertThat(p.label()).isEqualTo("events");
    ParquetSource local = (ParquetSource) ((RecommendationsJob) cfg.jobs().get("local")).source();
    assertThat(local.path()).isEqualTo(dir.resolve("events.parquet").toString()); // relative to the config
    refused("jobs:\n  r:\n    source: { parquet: events.parquet }\n    model: { type: popularity }\n",
        "jobs.r.source.parquet", "Spark engine only", "engine: spark");
  }

  @Test
  void theSubmitLineNamesMasterClassJarConfAndConfigAndQuotesWhatTheShellWouldExpand() {
    SparkConfig client = new SparkConfig("local[*]", "client", null, 0, 8, Map.of("spark.executor.memory", "8g"));
    List<String> a = SparkSubmit.arguments(client, Path.of("/opt/larder-spark.jar"), Path.of("/etc/larder.yaml"),
        List.of("--job", "recs"));
    assertThat(SparkSubmit.line("spark-submit", a)).isEqualTo("spark-submit --master 'local[*]' --deploy-mode client"
        + " --name larder --class larder.spark.SparkMain --conf spark.executor.memory=8g /opt/larder-spark.jar run"
        + " /etc/larder.yaml --job recs");
    SparkConfig cluster = new SparkConfig("yarn", "cluster", null, 0, 8, Map.of("spark.driver.extraJavaOptions", "-Dx=a b"));
    List<String> c = SparkSubmit.arguments(cluster, Path.of("/opt/larder-spark.jar"), Path.of("/etc/larder.yaml"), List.of());
    // In cluster mode the driver runs elsewhere: the config travels with --files and is named by its file name.
    assertThat(SparkSubmit.line("spark-submit", c)).isEqualTo("spark-submit --master yarn --deploy-mode cluster"
        + " --name larder --class larder.spark.SparkMain --conf 'spark.driver.extraJavaOptions=-Dx=a b'"
        + " --files /etc/larder.yaml /opt/larder-spark.jar run larder.yaml");
  }
}
