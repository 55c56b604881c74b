package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that meet engine: spark in the CLI's own jar: spark-submit-line (the exact command, never a password) and schedule. */
class SparkCommandsTest {
  @TempDir Path dir;

  private Path config(String store) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, """
        engine: spark
        spark:
          master: yarn
          deploy_mode: client
          conf: { spark.executor.memory: 8g, spark.executor.instances: "20" }
        store: %s
        jobs:
          recs: { source: { parquet: "s3a://lake/events" }, model: { type: popularity } }
          other: { source: { parquet: "s3a://lake/events" }, model: { type: itemknn } }
        """.formatted(store));
    return f;
  }

  @Test
  void printsTheSparkSubmitCommandForTheConfigsMaster() throws Exception {
    Path cfg = config("jdbc:postgresql://db/larder");
    var r = CommandLineTest.larder("spark-submit-line", cfg.toString(), "--job", "recs", "--jar", "s3://bucket/larder-spark.jar",
        "--spark-submit", "/opt/spark/bin/spark-submit");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo("/opt/spark/bin/spark-submit --master yarn --deploy-mode client --name larder"
        + " --class larder.spark.SparkMain --conf spark.executor.instances=20 --conf spark.executor.memory=8g"
        + " s3://bucket/larder-spark.jar run " + cfg.toAbsolutePath() + " --job recs");
  }

  @Test
  void refusesAStoreUrlWithAPasswordAndAnUnknownJob() throws Exception {
    var r = CommandLineTest.larder("spark-submit-line", config("'jdbc:postgresql://db/larder?password=s3cret'").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("LARDER_DB_PASSWORD").doesNotContain("s3cret");
    assertThat(r.out()).isEmpty();
    r = CommandLineTest.larder("spark-submit-line", config("jdbc:postgresql://db/larder").toString(), "--job", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nope");
  }

  @Test
  void scheduleRefusesJobsOnSparkRatherThanRunningThemLocally() throws Exception {
    var r = CommandLineTest.larder("schedule", config("jdbc:postgresql://db/larder").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("jobs.recs.engine").contains("local engine only");
  }
}
