package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import larder.core.BatchMetrics;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.generate.CustomerParams;
import larder.generate.SyntheticCustomers;
import larder.jobs.config.LarderConfig;
import larder.serve.PredictionReader;
import larder.serve.SegmentReader;
import larder.store.Store;
import larder.testkit.PgSchema;
import larder.testkit.ServingSnapshot;
import larder.train.segment.kmeans.AdjustedRand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments jobs with {@code engine: spark} against {@code engine: local} on planted customers
 * ({@link SyntheticCustomers}): with every customer in the k-means sample, both publish the same rows in every
 * view (segments with distances and RFM values and scores, profiles with their means and medians, transitions)
 * into SQLite and PostgreSQL, for a first batch and the next; with a small sample the planted types are still
 * found and a later batch keeps the ids; a run that fails leaves the previous batch serving.
 */
@ExtendWith(SparkSessionExtension.class)
class SparkSegmentsTest {
  static final int CUSTOMERS = 2_000;
  static final long SEED = 20240901L;
  @TempDir static Path dir;
  private static PgSchema pg;
  /** Planted types of both data sets' customers (types depend on the customer's index and the type seed only). */
  private static SyntheticCustomers types;

  /** customers.csv, and later.csv: the same customers' types a while later, 50 gone and 100 new. */
  @BeforeAll static void data() throws IOException {
    types = new SyntheticCustomers(CustomerParams.of(CUSTOMERS + 100, SEED));
    new SyntheticCustomers(CustomerParams.of(CUSTOMERS, SEED)).writeCsv(dir.resolve("customers.csv"), Progress.NONE);
    Path all = dir.resolve("later-all.csv");
    new SyntheticCustomers(CustomerParams.of(CUSTOMERS + 100, SEED).withSeed(SEED + 1)).writeCsv(all, Progress.NONE);
    try (BufferedReader r = Files.newBufferedReader(all);
        BufferedWriter w = Files.newBufferedWriter(dir.resolve("later.csv"))) {
      w.write(r.readLine() + "\n");
      for (String line; (line = r.readLine()) != null; ) {
        if (Integer.parseInt(line.substring(1, line.indexOf(','))) >= 50) w.write(line + "\n");
      }
    }
    pg = new PgSchema();
  }

  @AfterAll static void dropSchema() {
    if (pg != null) pg.close();
  }

  @Test void kmeansWithAutoKIsIdenticalOnSqliteForAFirstBatchAndTheNext() throws IOException {
    assertSameOnBothEngines("km", "", dir.resolve("km").toString());
  }

  @Test void kmeansWithFixedKIsIdenticalOnPostgres() throws IOException {
    assertSameOnBothEngines("kmpg", "    kmeans: { k: 5 }\n", pg.url);
  }

  @Test void rfmRulesAreIdenticalOnSqliteAndPostgres() throws IOException {
    assertSameOnBothEngines("rfm", "    method: rfm\n", dir.resolve("rfm").toString());
    assertSameOnBothEngines("rfmpg", "    method: rfm\n    rfm: { monetary: average }\n", pg.url);
  }

  @Test void aSmallSampleStillFindsThePlantedTypesAndALaterBatchKeepsTheIds() throws IOException {
    String db = dir.resolve("sample.db").toString();
    String settings = "    kmeans: { k: 5, sample: 300 }\n";
    SparkParityTest.run(config("smp", "spark", "customers.csv", settings), db);
    Map<String, Integer> first = segments(db, "smp");
    assertThat(first).hasSize(CUSTOMERS);
    assertThat(adjustedRand(first)).isGreaterThanOrEqualTo(0.8);

    SparkParityTest.run(config("smp", "spark", "later.csv", settings), db);
    Map<String, Integer> later = segments(db, "smp");
    assertThat(adjustedRand(later)).isGreaterThanOrEqualTo(0.8);
    // The same types, so the same five segments under the same ids, and most customers where they were.
    assertThat(later.values().stream().distinct().sorted().toList())
        .isEqualTo(first.values().stream().distinct().sorted().toList());
    long stayed = later.entrySet().stream().filter(e -> e.getValue().equals(first.get(e.getKey()))).count();
    assertThat((double) stayed / later.size()).isGreaterThanOrEqualTo(0.8);
    try (Store store = Store.open(db)) {
      assertThat(new PredictionReader(store).current("smp").orElseThrow().metrics().values())
          .containsKey(BatchMetrics.STAYED_SHARE);
    }
  }

  @Test void aFailedRunOnSparkLeavesThePreviousBatchServing() throws IOException {
    String db = dir.resolve("fail.db").toString();
    SparkParityTest.run(config("fail", "spark", "customers.csv", "    method: rfm\n"), db);
    ServingSnapshot before = ServingSnapshot.of(db, "fail");
    assertThat(before.rows()).isGreaterThan(CUSTOMERS);
    LarderConfig early = config("fail", "spark", "later.csv", "    method: rfm\n    rfm: { as_of: 2001-01-01 }\n");
    assertThatThrownBy(() -> SparkParityTest.run(early, db)).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(2);
      assertThat(e.key()).isEqualTo("jobs.fail.rfm.as_of");
    });
    assertThat(ServingSnapshot.of(db, "fail")).isEqualTo(before);
  }

  /** Both engines, the first batch then the next from later.csv; each time the same views, profiles included. */
  private static void assertSameOnBothEngines(String job, String settings, String store) throws IOException {
    boolean postgres = store.startsWith("jdbc:");
    String local = postgres ? store : store + "-local.db";
    String spark = postgres ? store : store + "-spark.db";
    String sparkJob = postgres ? job + "-on-spark" : job; // one schema holds both
    for (String file : new String[] {"customers.csv", "later.csv"}) {
      SparkParityTest.run(config(job, "local", file, settings), local);
      SparkParityTest.run(config(sparkJob, "spark", file, settings), spark);
      ServingSnapshot l = ServingSnapshot.of(local, job);
      ServingSnapshot s = ServingSnapshot.of(spark, sparkJob);
      assertThat(l.rows()).isGreaterThan(CUSTOMERS);
      assertThat(s.rows()).isEqualTo(l.rows());
      assertThat(s.sha256()).as("%s from %s", job, file).isEqualTo(l.sha256());
      try (Store a = Store.open(local); Store b = Store.open(spark)) {
        assertThat(new SegmentReader(b).profiles(sparkJob).profiles())
            .isEqualTo(new SegmentReader(a).profiles(job).profiles());
      }
    }
  }

  private static LarderConfig config(String job, String engine, String file, String settings) throws IOException {
    Path yaml = dir.resolve(job + "-" + engine + ".yaml");
    Files.writeString(yaml, String.join("\n",
        "engine: " + engine,
        "spark: { master: \"local[2]\", partitions: 3 }",
        "jobs:",
        "  " + job + ":",
        "    type: segments",
        "    source: { file: " + file + ", columns: { order: order_id } }",
        "    threads: 2",
        settings));
    return LarderConfig.load(yaml);
  }

  private static Map<String, Integer> segments(String db, String job) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement ps = c.prepareStatement("SELECT customer_id, segment_id FROM larder_segments WHERE job = ?")) {
      ps.setString(1, job);
      Map<String, Integer> out = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double adjustedRand(Map<String, Integer> segments) {
    int[] planted = new int[segments.size()];
    int[] segment = new int[segments.size()];
    int i = 0;
    for (Map.Entry<String, Integer> e : segments.entrySet()) {
      planted[i] = types.typeOf(Integer.parseInt(e.getKey().substring(1)));
      segment[i++] = e.getValue();
    }
    return AdjustedRand.index(planted, segment);
  }
}
