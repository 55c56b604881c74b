package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import larder.core.ModelException;
import larder.jobs.config.LarderConfig;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate:} and its quality gate on Spark: the holdout is split on the driver as locally, the model
 * trained and every held-out user scored in the partitions, their metrics summed per partition and merged. For
 * models whose lists are the local engine's, the stored metrics (model and popularity baseline) equal the local
 * ones to the last bit; a gate the model misses fails the run before the full training, and the serving batch
 * stays.
 */
@ExtendWith(SparkSessionExtension.class)
class SparkEvaluationTest {
  @TempDir static Path dir;

  /** Users who each like one of six item groups, so item-kNN beats popularity clearly. */
  @BeforeAll static void data() throws IOException {
    Random r = new Random(5);
    List<String> lines = new ArrayList<>(List.of("user_id,item_id"));
    for (int u = 0; u < 500; u++) {
      int group = u % 6;
      for (int k = 0, n = 4 + r.nextInt(8); k < n; k++) {
        int item = r.nextInt(10) < 8 ? group * 15 + r.nextInt(15) : r.nextInt(90);
        lines.add("u" + u + ",i" + item);
      }
    }
    Files.write(dir.resolve("events.csv"), lines);
  }

  @Test void itemKnnAndPopularityMetricsAreTheLocalOnesToTheLastBit() throws IOException, SQLException {
    String evaluate = "evaluate: { holdout: 0.25, seed: 3, gate: { min_lift: 1.2 } }";
    String local = dir.resolve("knn-local.db").toString();
    String spark = dir.resolve("knn-spark.db").toString();
    SparkParityTest.run(config("knn", "local", "model: { type: itemknn, neighbors: 30 }", evaluate), local);
    SparkParityTest.run(config("knn", "spark", "model: { type: itemknn, neighbors: 30 }", evaluate), spark);
    String metrics = metrics(local, "knn");
    assertThat(metrics).contains("\"model\"", "\"popularity\"", "\"ndcg\"", "\"gate\"");
    assertThat(metrics(spark, "knn")).isEqualTo(metrics);
    // and the lists published after the gate passed are the same too
    assertThat(ServingSnapshot.of(spark, "knn").sha256()).isEqualTo(ServingSnapshot.of(local, "knn").sha256());
  }

  @Test void aGateTheModelMissesFailsTheRunOnSparkAndTheServingBatchStays() throws IOException, SQLException {
    String db = dir.resolve("gate.db").toString();
    SparkParityTest.run(config("gated", "spark", "model: { type: popularity }", ""), db);
    ServingSnapshot before = ServingSnapshot.of(db, "gated");
    assertThat(before.rows()).isGreaterThan(500);
    // popularity measured against itself: a lift of 1, below 1.5
    LarderConfig gated = config("gated", "spark", "model: { type: popularity }",
        "evaluate: { holdout: 0.25, gate: { min_lift: 1.5 } }");
    assertThatThrownBy(() -> SparkParityTest.run(gated, db)).isInstanceOfSatisfying(ModelException.class, e -> {
      assertThat(e.getMessage()).contains("quality gate failed", "min_lift 1.5");
      assertThat(e.hint()).contains("batch " + before.batchId() + " keeps serving");
    });
    assertThat(ServingSnapshot.of(db, "gated")).isEqualTo(before);
    assertThat(status(db, "gated")).isEqualTo("failed");
    assertThat(metrics(db, "gated")).contains("\"gate\"", "\"passed\":false");
  }

  @Test void alsIsEvaluatedWithMllibAndBeatsPopularity() throws IOException, SQLException {
    String db = dir.resolve("als.db").toString();
    SparkParityTest.run(config("als", "spark", "model: { type: als, factors: 8, iterations: 6 }",
        "evaluate: { holdout: 0.25, gate: { min_lift: 1.2 } }"), db);
    assertThat(status(db, "als")).isEqualTo("published");
    assertThat(metrics(db, "als")).contains("\"passed\":true");
  }

  private static LarderConfig config(String job, String engine, String model, String evaluate) throws IOException {
    Path file = dir.resolve(job + "-" + engine + "-" + Math.abs(evaluate.hashCode()) + ".yaml");
    Files.writeString(file, String.join("\n",
        "engine: " + engine,
        "spark: { master: \"local[2]\", partitions: 3 }",
        "jobs:",
        "  " + job + ":",
        "    source: { file: events.csv }",
        "    " + model,
        "    top_n: 10",
        evaluate.isEmpty() ? "" : "    " + evaluate,
        ""));
    return LarderConfig.load(file);
  }

  /** The latest batch's metrics JSON as stored. */
  private static String metrics(String db, String job) throws SQLException {
    return latest(db, job, "metrics");
  }

  private static String status(String db, String job) throws SQLException {
    return latest(db, job, "status");
  }

  private static String latest(String db, String job, String column) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement s = c.prepareStatement(
            "SELECT " + column + " FROM larder_batch WHERE job = ? ORDER BY batch_id DESC LIMIT 1")) {
      s.setString(1, job);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }
}
