package larder.spark.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The path a Spark user would write without Larder, for bench/spark-scale.sh: read the interactions, MLlib's
 * {@code ALS.fit} (implicit), {@code recommendForAllUsers(10)}, the lists exploded to (user, rank, item, score)
 * rows and written with Spark's JDBC writer. With {@code --fail-after-commit P}, write task P fails once after its
 * transaction committed (a completion listener throws on attempt 0), as an executor lost after its commit would;
 * the master is {@code local[2,3]} so the task is retried. Prints "PHASE name seconds" lines and the table's row
 * count beside its distinct (user, rank) count.
 *
 * <pre>
 * PlainSparkPath als INPUT(csv|parquet) JDBC_URL TABLE RANK ITERS BLOCKS REG_PARAM [--fail-after-commit P]
 * PlainSparkPath parquet CSV OUT_DIR     (writes the CSV as Parquet, for the Parquet runs)
 * </pre>
 */
public final class PlainSparkPath {
  private PlainSparkPath() {}

  public static void main(String[] a) throws Exception {
    long start = System.nanoTime();
    SparkSession spark = SparkSession.builder().master("local[2,3]").appName("plain-spark-path")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    phase("spark-session-start", start);
    try {
      switch (a[0]) {
        case "parquet" -> toParquet(spark, a[1], a[2]);
        case "als" -> als(spark, a);
        default -> throw new IllegalArgumentException(a[0]);
      }
    } finally {
      spark.stop();
    }
    phase("total", start);
  }

  static Dataset<Row> read(SparkSession spark, String path) {
    if (path.endsWith(".csv")) {
      StructType schema = new StructType().add("user", DataTypes.IntegerType).add("item", DataTypes.IntegerType)
          .add("count", DataTypes.FloatType);
      return spark.read().option("header", "true").schema(schema).csv(path);
    }
    return spark.read().parquet(path);
  }

  static void toParquet(SparkSession spark, String csv, String out) {
    long t = System.nanoTime();
    read(spark, csv).write().mode(SaveMode.Overwrite).parquet(out);
    phase("csv-to-parquet", t);
  }

  static void als(SparkSession spark, String[] a) throws Exception {
    String input = a[1];
    String url = a[2];
    String table = a[3];
    int rank = Integer.parseInt(a[4]);
    int iters = Integer.parseInt(a[5]);
    int blocks = Integer.parseInt(a[6]);
    double regParam = Double.parseDouble(a[7]);
    int failPart = a.length > 9 && a[8].equals("--fail-after-commit") ? Integer.parseInt(a[9]) : -1;

    long t = System.nanoTime();
    Dataset<Row> df = read(spark, input).cache();
    long n = df.count();
    phase("read+cache (" + n + " rows)", t);

    t = System.nanoTime();
    ALSModel model = new ALS().setImplicitPrefs(true).setRank(rank).setMaxIter(iters).setRegParam(regParam)
        .setAlpha(1.0).setUserCol("user").setItemCol("item").setRatingCol("count")
        .setNumUserBlocks(blocks).setNumItemBlocks(blocks).setSeed(1L).fit(df);
    phase("als-fit (rank " + rank + ", " + iters + " iterations, " + blocks + " blocks)", t);

    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (user_id integer NOT NULL, rank integer NOT NULL, item_id integer NOT NULL,"
          + " score real NOT NULL)");
    }
    t = System.nanoTime();
    Dataset<Row> rows = model.recommendForAllUsers(10)
        .select(functions.col("user"), functions.posexplode(functions.col("recommendations")))
        .select(functions.col("user").as("user_id"), functions.col("pos").plus(1).as("rank"),
            functions.col("col.item").as("item_id"), functions.col("col.rating").as("score"));
    if (failPart >= 0) rows = rows.mapPartitions(failOnceAfterCommit(failPart), Encoders.row(rows.schema()));
    Properties props = new Properties();
    props.setProperty("driver", "org.postgresql.Driver");
    rows.write().mode(SaveMode.Append).jdbc(url, table, props);
    phase("recommendForAllUsers(10) + JDBC write", t);

    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT (user_id, rank)) FROM " + table)) {
      r.next();
      System.out.printf("ROWS %s: %,d rows, %,d distinct (user, rank), %,d duplicates%n", table, r.getLong(1),
          r.getLong(2), r.getLong(1) - r.getLong(2));
    }
  }

  /** Rows pass through; write task {@code part}'s first attempt fails once it has finished (after its commit). */
  static org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row> failOnceAfterCommit(int part) {
    return it -> {
      TaskContext task = TaskContext.get();
      if (task.partitionId() == part && task.attemptNumber() == 0) {
        task.addTaskCompletionListener((TaskCompletionListener) ctx -> {
          if (!ctx.isInterrupted() && !ctx.isFailed()) {
            throw new IllegalStateException("injected: write task " + part + " lost after its commit");
          }
        });
      }
      return it;
    };
  }

  static void phase(String name, long t0) {
    System.out.printf("PHASE %-60s %8.2f s%n", name, (System.nanoTime() - t0) / 1e9);
  }
}
