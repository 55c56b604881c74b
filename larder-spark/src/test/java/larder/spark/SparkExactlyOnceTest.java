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
import java.util.concurrent.CopyOnWriteArrayList;
import larder.core.StoreException;
import larder.jobs.config.LarderConfig;
import larder.testkit.PgSchema;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors load the lists into PostgreSQL exactly once: a task that fails after its part committed is retried
 * (the session's master is {@code local[2,3]}) and writes nothing twice; a job whose task fails on every attempt
 * leaves the serving batch as it was and nothing of its own. ALS parts (blocks zipped with their users' factors)
 * load the same way. Four parts in at most two writers, so tasks hold
 * two parts each.
 */
@ExtendWith(SparkSessionExtension.class)
class SparkExactlyOnceTest {
  @TempDir static Path dir;
  private static PgSchema pg;

  @BeforeAll static void data() throws IOException {
    Random r = new Random(7);
    List<String> lines = new ArrayList<>(List.of("user_id,item_id"));
    for (int u = 0; u < 400; u++) {
      for (int k = 0, n = 1 + r.nextInt(6); k < n; k++) lines.add("u" + u + ",i" + (int) (Math.pow(r.nextDouble(), 2) * 60));
    }
    Files.write(dir.resolve("events.csv"), lines);
    pg = new PgSchema();
  }

  @AfterAll static void dropSchema() {
    if (pg != null) pg.close();
  }

  @AfterEach void noHook() {
    PartLoader.afterPart = null;
  }

  @Test void aTaskRetriedAfterItsCommitWritesNothingTwice() throws IOException, SQLException {
    SparkParityTest.run(config("local-ref", "local"), pg.url);
    List<String> seen = new CopyOnWriteArrayList<>();
    PartLoader.afterPart = (part, attempt, result) -> {
      seen.add(part + "@" + attempt + (result.alreadyLoaded() ? " skipped" : " loaded"));
      if (part == 1 && attempt == 0) throw new IllegalStateException("injected: part 1 lost after its commit");
    };
    SparkParityTest.run(config("retried", "spark"), pg.url);

    // part 1's first attempt committed; its retry found it in the ledger and scored nothing
    assertThat(seen).contains("1@0 loaded", "1@1 skipped").doesNotContain("1@1 loaded");
    ServingSnapshot local = ServingSnapshot.of(pg.url, "local-ref");
    ServingSnapshot spark = ServingSnapshot.of(pg.url, "retried");
    assertThat(spark.rows()).isEqualTo(local.rows()).isGreaterThan(400);
    assertThat(spark.sha256()).isEqualTo(local.sha256());
    long batch = spark.batchId();
    long rows = count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = " + batch);
    assertThat(rows).isEqualTo(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = " + local.batchId()))
        .isEqualTo(count("SELECT count(DISTINCT (user_id, rank)) FROM larder_rec_rows WHERE batch_id = " + batch))
        .isEqualTo(count("SELECT sum(rows) FROM larder_batch_parts WHERE batch_id = " + batch));
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + batch)).isEqualTo(4);
    assertThat(text("SELECT attempt FROM larder_batch_parts WHERE batch_id = " + batch + " AND part = 1"))
        .matches("stage \\d+\\.0 task \\d+\\.0 \\(tid \\d+\\)"); // the first attempt's rows, not the retry's
  }

  @Test void anAlsTaskRetriedAfterItsCommitWritesNothingTwice() throws IOException, SQLException {
    List<String> seen = new CopyOnWriteArrayList<>();
    PartLoader.afterPart = (part, attempt, result) -> {
      seen.add(part + "@" + attempt + (result.alreadyLoaded() ? " skipped" : " loaded"));
      if (part == 2 && attempt == 0) throw new IllegalStateException("injected: part 2 lost after its commit");
    };
    SparkParityTest.run(config("als-retried", "spark", ALS), pg.url);

    assertThat(seen).contains("2@0 loaded", "2@1 skipped").doesNotContain("2@1 loaded");
    ServingSnapshot spark = ServingSnapshot.of(pg.url, "als-retried");
    long batch = spark.batchId();
    // every user's five, each once
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = " + batch))
        .isEqualTo(count("SELECT count(DISTINCT (user_id, rank)) FROM larder_rec_rows WHERE batch_id = " + batch))
        .isEqualTo(count("SELECT sum(rows) FROM larder_batch_parts WHERE batch_id = " + batch))
        .isEqualTo(count("SELECT count(*) FROM larder_recommendations WHERE job = 'als-retried'"))
        .isEqualTo(5L * 400);
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + batch)).isEqualTo(4);
    assertThat(text("SELECT attempt FROM larder_batch_parts WHERE batch_id = " + batch + " AND part = 2"))
        .matches("stage \\d+\\.0 task \\d+\\.0 \\(tid \\d+\\)");
  }

  @Test void aJobFailingMidPublishLeavesTheServingBatchAndNothingOfItsOwn() throws IOException, SQLException {
    SparkParityTest.run(config("failing", "spark"), pg.url);
    ServingSnapshot before = ServingSnapshot.of(pg.url, "failing");
    assertThat(before.rows()).isGreaterThan(400);
    PartLoader.afterPart = (part, attempt, result) -> {
      if (part == 1) throw new StoreException("injected: part 1 fails on attempt " + attempt, "retry", null);
    };
    // tried three times; the task's own error reaches the run (exit 4), not Spark's wrapper
    assertThatThrownBy(() -> SparkParityTest.run(config("failing", "spark"), pg.url))
        .isInstanceOf(StoreException.class).hasMessage("injected: part 1 fails on attempt 2");
    PartLoader.afterPart = null;

    assertThat(ServingSnapshot.of(pg.url, "failing")).isEqualTo(before);
    long failed = count("SELECT max(batch_id) FROM larder_batch WHERE job = 'failing'");
    assertThat(failed).isGreaterThan(before.batchId());
    assertThat(text("SELECT status FROM larder_batch WHERE batch_id = " + failed)).isEqualTo("failed");
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = " + failed)).isZero();
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + failed)).isZero();
    assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        + " AND tablename = 'larder_rec_rows_" + failed + "'")).isZero();
    // and the next run publishes as if nothing had happened
    SparkParityTest.run(config("failing", "spark"), pg.url);
    ServingSnapshot after = ServingSnapshot.of(pg.url, "failing");
    assertThat(after.batchId()).isGreaterThan(failed);
    assertThat(after.sha256()).isEqualTo(before.sha256());
  }

  private static final String ITEMKNN = "{ type: itemknn, neighbors: 10 }";
  private static final String ALS = "{ type: als, factors: 8, iterations: 5 }";

  private static LarderConfig config(String job, String engine) throws IOException {
    return config(job, engine, ITEMKNN);
  }

  private static LarderConfig config(String job, String engine, String model) throws IOException {
    Path file = dir.resolve(job + "-" + engine + ".yaml");
    Files.writeString(file, String.join("\n",
        "engine: " + engine,
        "spark: { master: \"local[2]\", partitions: 4, max_writers: 2 }",
        "jobs:",
        "  " + job + ":",
        "    source: { file: events.csv }",
        "    model: " + model,
        "    top_n: 5",
        ""));
    return LarderConfig.load(file);
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.url); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.url); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }
}
