package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import larder.core.Progress;
import larder.jobs.config.Engine;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.jobs.run.SparkEngine;
import larder.publish.Publisher;
import larder.store.Store;
import larder.testkit.PgSchema;
import larder.testkit.ServingSnapshot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job with {@code engine: local} and {@code engine: spark} publishes the same rows in every view
 * (lists, fallback, similar items), read through the views: popularity by users and by weight, item-kNN, EASE,
 * with seen items left out and a deny filter; into SQLite and PostgreSQL; from CSV, and from the same rows as
 * Parquet.
 */
@ExtendWith(SparkSessionExtension.class)
class SparkParityTest {
  @TempDir static Path dir;
  private static PgSchema pg;

  /**
   * Skewed item popularity with many ties (so the tie-break by dense id is exercised), integer weights, and a
   * few users who have seen every popular item. Rows are shuffled so ids are not numbered in sorted order.
   */
  @BeforeAll static void data() throws IOException {
    Random r = new Random(42);
    List<String> rows = new ArrayList<>();
    for (int u = 0; u < 600; u++) {
      int n = 1 + r.nextInt(u % 50 == 0 ? 40 : 8);
      for (int k = 0; k < n; k++) {
        int item = (int) Math.min(119, Math.floor(Math.pow(r.nextDouble(), 2.5) * 120));
        rows.add("user-" + u + "," + "sku" + (item * 7919 % 120) + "," + (1 + r.nextInt(3)));
      }
    }
    java.util.Collections.shuffle(rows, r);
    List<String> lines = new ArrayList<>();
    lines.add("user_id,item_id,qty");
    lines.addAll(rows);
    Files.write(dir.resolve("inter.csv"), lines);
    Files.writeString(dir.resolve("deny.txt"), "sku0\nsku7\n");
    // The same rows as one Parquet file, in the same order.
    StructType schema = new StructType().add("user_id", DataTypes.StringType).add("item_id", DataTypes.StringType)
        .add("qty", DataTypes.IntegerType);
    List<Row> data = new ArrayList<>();
    for (String row : rows) {
      String[] f = row.split(",");
      data.add(RowFactory.create(f[0], f[1], Integer.parseInt(f[2])));
    }
    SparkSessionExtension.spark().createDataFrame(data, schema).coalesce(1).write()
        .parquet(dir.resolve("inter.parquet").toString());
    pg = new PgSchema();
  }

  @AfterAll static void dropSchema() {
    if (pg != null) pg.close();
  }

  @Test void popularityByUsersIsIdenticalOnSqlite() throws IOException {
    assertSameOnBothEngines("pop-users", "source: { file: inter.csv }", "model: { type: popularity }", sqlite("pu"));
  }

  @Test void popularityByWeightWithFilterIsIdenticalOnPostgres() throws IOException {
    assertSameOnBothEngines("pop-weight", "source: { file: inter.csv, columns: { weight: qty } }",
        "model: { type: popularity, count: weight }\n    filters: { deny_file: deny.txt }", pg.url);
  }

  @Test void itemKnnIsIdentical() throws IOException {
    assertSameOnBothEngines("knn", "source: { file: inter.csv, columns: { weight: qty } }",
        "model: { type: itemknn, neighbors: 20 }", sqlite("knn"));
  }

  // The default is the candidate form; the history form's neighbour table is broadcast and scored as it is.
  @Test void itemKnnInTheHistoryFormWithRowsIsIdentical() throws IOException {
    assertSameOnBothEngines("knn-history", "source: { file: inter.csv, columns: { weight: qty } }",
        "model: { type: itemknn, neighbors: 20, neighborhood: history, normalize: rows }", sqlite("knn-history"));
  }

  @Test void easeIsIdenticalWithSimilarItemsOnPostgres() throws IOException {
    assertSameOnBothEngines("ease", "source: { file: inter.csv, columns: { weight: qty } }",
        "model: { type: ease, lambda: 50 }\n    similar_items: 4\n    filters: { deny_file: deny.txt }", pg.url);
  }

  @Test void parquetOnSparkPublishesWhatTheSameRowsAsCsvPublishLocally() throws IOException {
    String local = sqlite("pq-local");
    String spark = sqlite("pq-spark");
    run(config("pq", "local", "source: { file: inter.csv, columns: { weight: qty } }",
        "model: { type: popularity, count: weight }"), local);
    run(config("pq", "spark", "source: { parquet: inter.parquet, columns: { weight: qty } }",
        "model: { type: popularity, count: weight }"), spark);
    assertSameServing("pq", local, spark);
  }

  private void assertSameOnBothEngines(String job, String source, String model, String store) throws IOException {
    String local = store.startsWith("jdbc:") ? store : store + "-local.db";
    String spark = store.startsWith("jdbc:") ? store : store + "-spark.db";
    // One PostgreSQL schema holds both: two jobs of the same data, one per engine.
    String sparkJob = store.startsWith("jdbc:") ? job + "-on-spark" : job;
    run(config(job, "local", source, model), local);
    run(config(sparkJob, "spark", source, model), spark);
    ServingSnapshot l = ServingSnapshot.of(local, job);
    ServingSnapshot s = ServingSnapshot.of(spark, sparkJob);
    assertThat(l.rows()).isGreaterThan(600); // every user has a list, plus the fallback
    assertThat(s.rows()).isEqualTo(l.rows());
    assertThat(s.sha256()).isEqualTo(l.sha256());
  }

  private static void assertSameServing(String job, String local, String spark) {
    ServingSnapshot l = ServingSnapshot.of(local, job);
    ServingSnapshot s = ServingSnapshot.of(spark, job);
    assertThat(l.rows()).isGreaterThan(600);
    assertThat(s.rows()).isEqualTo(l.rows());
    assertThat(s.sha256()).isEqualTo(l.sha256());
  }

  private static String sqlite(String name) {
    return dir.resolve(name).toString();
  }

  private static LarderConfig config(String job, String engine, String source, String model) throws IOException {
    Path file = dir.resolve(job + "-" + engine + ".yaml");
    Files.writeString(file, String.join("\n",
        "engine: " + engine,
        "spark: { master: \"local[2]\", partitions: 3 }",
        "jobs:",
        "  " + job + ":",
        "    " + source,
        "    " + model,
        "    top_n: 7",
        ""));
    return LarderConfig.load(file);
  }

  /** What {@code larder run} does for the config, with the test JVM's SparkSession. */
  static void run(LarderConfig cfg, String db) {
    try (Store store = Store.open(db);
        SparkEngine spark = new LarderSparkEngines().open(cfg.spark())) {
      JobRunner runner = new JobRunner(new Publisher(store), Progress.NONE, RunReport.Listener.NONE, false,
          job -> cfg.engine(job) == Engine.SPARK ? spark : null);
      cfg.jobs().values().forEach(runner::run);
    }
  }
}
