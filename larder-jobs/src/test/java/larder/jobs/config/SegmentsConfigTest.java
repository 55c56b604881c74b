package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.extract.Column;
import larder.extract.FeatureResult;
import larder.extract.FeatureSpec;
import larder.extract.TableFeatureSource;
import larder.extract.TableTransactionSource;
import larder.extract.TransactionSpec;
import larder.extract.table.DelimitedFile;
import larder.extract.table.JdbcQuery;
import larder.train.segment.KSpec;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.stable.IdMatcher;
import larder.train.segment.transform.Transform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing {@code type: segments} jobs: defaults, every key, and errors that name the key path. */
class SegmentsConfigTest {
  @TempDir Path dir;

  private LarderConfig load(String yaml) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, yaml);
    return LarderConfig.load(f);
  }

  private SegmentsJob segments(String yaml) throws Exception {
    return (SegmentsJob) load(yaml).jobs().get("seg");
  }

  /** A segments job "seg" on a CSV with {@code extra} lines (indented four spaces) added. */
  private SegmentsJob seg(String extra) throws Exception {
    return segments("jobs:\n  seg:\n    type: segments\n    source: { file: tx.csv }\n" + extra);
  }

  private static TransactionSpec transactions(SegmentsJob job) {
    return ((TableTransactionSource) job.transactions()).spec();
  }

  @Test
  void defaultsAreKmeansWithKAutoThreeToEightOnLogStandardisedTotalSpend() throws Exception {
    SegmentsJob job = seg("");
    assertThat(job.name()).isEqualTo("seg");
    assertThat(job.kind()).isEqualTo(BatchKind.SEGMENTS);
    assertThat(job.method()).isEqualTo(SegmentsJob.Method.KMEANS);
    assertThat(job.model()).isEqualTo("kmeans");
    // 3..8: silhouette often prefers a k of 2 on customer data, too coarse to act on
    assertThat(job.k()).isEqualTo(new KSpec.Auto(3, 8, 10_000));
    assertThat(job.transform()).isEqualTo(Transform.log1pStandardise());
    assertThat(job.monetary()).isEqualTo(Monetary.TOTAL);
    assertThat(job.asOf()).as("null: the end of the latest transaction's day").isNull();
    assertThat(job.matchThreshold()).isEqualTo(IdMatcher.DEFAULT_THRESHOLD);
    assertThat(job.keep()).isEqualTo(3);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(job.threads()).isEqualTo(cores);
    KMeansParams defaults = KMeansParams.defaults(2);
    assertThat(job.kmeans().restarts()).isEqualTo(defaults.restarts());
    assertThat(job.kmeans().maxIterations()).isEqualTo(defaults.maxIterations());
    assertThat(job.kmeans().tolerance()).isEqualTo(defaults.tolerance());
    assertThat(job.kmeans().seed()).isEqualTo(defaults.seed());
    assertThat(job.kmeans().threads()).isEqualTo(cores);

    assertThat(job.features()).isNull();
    TransactionSpec spec = transactions(job);
    assertThat(spec.input()).isEqualTo(new DelimitedFile(dir.resolve("tx.csv"), ',', true));
    assertThat(spec.customer()).isEqualTo(Column.named("customer_id"));
    assertThat(spec.timestamp()).isEqualTo(Column.named("timestamp"));
    assertThat(spec.amount()).isEqualTo(Column.named("amount"));
    assertThat(spec.order()).as("without an order column every row is its own order").isNull();
    assertThat(spec.maxBadRows()).isZero();
    assertThat(job.sourceLabel()).isEqualTo("tx.csv");
  }

  @Test
  void everyKeyRoundTrips() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          by-rules:
            type: segments
            source:
              file: data/orders.tsv
              format: tsv
              columns: { customer: cust, timestamp: at, amount: 4, order: ord }
              max_bad_rows: 7
            method: rfm
            rfm: { as_of: "2024-06-30T12:00:00Z", monetary: average }
            transform: log1p
            kmeans: { k: 6, restarts: 3, max_iterations: 50, tolerance: 0.001, seed: 9, threads: 1 }
            match_threshold: 0.5
            keep: 5
            threads: 3
          by-kmeans:
            type: segments
            source:
              url: "jdbc:postgresql://db/shop"
              sql: "SELECT c, t, a FROM sales"
              username: reader
              password: secret
              fetch_size: 500
              label: sales
              columns: { customer: 1, timestamp: 2, amount: 3 }
            kmeans: { k: auto, k_min: 3, k_max: 6, silhouette_sample: 500 }
            transform: [standardise]
          plain:
            type: segments
            source: { file: x.txt, delimiter: ";" }
            kmeans: { k: 4 }
            transform: none
        """);

    SegmentsJob rules = (SegmentsJob) cfg.jobs().get("by-rules");
    assertThat(rules.method()).isEqualTo(SegmentsJob.Method.RFM);
    assertThat(rules.model()).isEqualTo("rfm");
    assertThat(rules.asOf()).isEqualTo(Instant.parse("2024-06-30T12:00:00Z"));
    assertThat(rules.monetary()).isEqualTo(Monetary.AVERAGE);
    assertThat(rules.transform()).isEqualTo(Transform.parse("t", "log1p"));
    assertThat(rules.k()).isEqualTo(new KSpec.Fixed(6));
    assertThat(rules.kmeans()).isEqualTo(new KMeansParams(2, 3, 50, 0.001, 9, 1));
    assertThat(rules.matchThreshold()).isEqualTo(0.5);
    assertThat(rules.keep()).isEqualTo(5);
    assertThat(rules.threads()).isEqualTo(3);
    TransactionSpec t = transactions(rules);
    assertThat(t.input()).isEqualTo(new DelimitedFile(dir.resolve("data/orders.tsv"), '\t', true));
    assertThat(t.customer()).isEqualTo(Column.named("cust"));
    assertThat(t.timestamp()).isEqualTo(Column.named("at"));
    assertThat(t.amount()).isEqualTo(Column.at(4));
    assertThat(t.order()).isEqualTo(Column.named("ord"));
    assertThat(t.maxBadRows()).isEqualTo(7);

    SegmentsJob kmeans = (SegmentsJob) cfg.jobs().get("by-kmeans");
    assertThat(kmeans.method()).isEqualTo(SegmentsJob.Method.KMEANS);
    assertThat(kmeans.k()).isEqualTo(new KSpec.Auto(3, 6, 500));
    assertThat(kmeans.transform()).isEqualTo(Transform.of(new Transform.Standardise()));
    TransactionSpec q = transactions(kmeans);
    assertThat(q.input()).isEqualTo(new JdbcQuery("sales", "jdbc:postgresql://db/shop", "reader", "secret",
        "SELECT c, t, a FROM sales", 500));
    assertThat(q.customer()).isEqualTo(Column.at(1));
    assertThat(kmeans.sourceLabel()).isEqualTo("sales");

    SegmentsJob plain = (SegmentsJob) cfg.jobs().get("plain");
    assertThat(plain.k()).isEqualTo(new KSpec.Fixed(4));
    assertThat(plain.transform()).isEqualTo(Transform.none());
    assertThat(transactions(plain).input()).isEqualTo(new DelimitedFile(dir.resolve("x.txt"), ';', true));
  }

  @Test
  void aTransactionsFileWithoutAHeaderTakesColumnPositions() throws Exception {
    SegmentsJob semicolons = segments("""
        jobs:
          seg:
            type: segments
            source: { file: x.txt, delimiter: ";", header: false, columns: { customer: 2, timestamp: 1, amount: 3 } }
        """);
    TransactionSpec p = transactions(semicolons);
    assertThat(p.input()).isEqualTo(new DelimitedFile(dir.resolve("x.txt"), ';', false));
    assertThat(p.customer()).isEqualTo(Column.at(2));
    assertThat(p.timestamp()).isEqualTo(Column.at(1));
    assertThat(p.amount()).isEqualTo(Column.at(3));

    SegmentsJob whitespace = segments("""
        jobs:
          seg:
            type: segments
            source: { file: x.txt, format: whitespace, columns: { customer: 1, timestamp: 2, amount: 3, order: 4 } }
        """);
    assertThat(transactions(whitespace).input()).isEqualTo(new DelimitedFile(dir.resolve("x.txt"), DelimitedFile.WHITESPACE, false));
    assertThat(transactions(whitespace).order()).isEqualTo(Column.at(4));
    Files.writeString(dir.resolve("x.txt"), "c1 2024-01-05 10.50 o1\nc1 2024-01-05 2.00 o1\nc2 2024-02-01 7 o2\n");
    var read = whitespace.transactions().read(Progress.NONE);
    assertThat(read.rowsRead()).isEqualTo(3);
    assertThat(read.transactions().customerCount()).isEqualTo(2);

    // without positions a headerless file cannot find the default column names: say so, under the job
    assertThatThrownBy(() -> segments("""
        jobs:
          seg: { type: segments, source: { file: x.txt, header: false } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.seg.source")
        .hasMessageContaining("needs a header line");
  }

  @Test
  void aDateAsOfIsTheLastSecondOfThatDayAsTheDefaultAsOfIs() throws Exception {
    // the default as-of is the end of the latest transaction's day, 23:59:59Z (RfmFeatures), and rows up to and
    // including the as-of count: a date must not take in the first second of the next day
    assertThat(seg("    rfm: { as_of: 2025-01-31 }\n").asOf()).isEqualTo(Instant.parse("2025-01-31T23:59:59Z"));
    assertThat(seg("    rfm: { as_of: \"2025-01-31T00:00:00Z\" }\n").asOf())
        .isEqualTo(Instant.parse("2025-01-31T00:00:00Z"));
  }

  @Test
  void aMisspeltKeyNamesItsPath() {
    record Case(String extra, String path, String key) {}
    for (Case c : List.of(
        new Case("    kmeans: { kk: 5 }\n", "jobs.seg.kmeans", "kk"),
        new Case("    rfm: { asof: 2024-01-01 }\n", "jobs.seg.rfm", "asof"),
        new Case("    methd: rfm\n", "jobs.seg", "methd"),
        new Case("    model: { type: als }\n", "jobs.seg", "model"))) {
      assertThatThrownBy(() -> seg(c.extra)).as(c.extra).isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.path + ": unknown key '" + c.key + "'")
          .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(c.path));
    }
    assertThatThrownBy(() -> segments("""
        jobs:
          seg: { type: segments, source: { file: tx.csv, colums: { customer: id } } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.seg.source: unknown key 'colums'");
    assertThatThrownBy(() -> segments("""
        jobs:
          seg: { type: segments, source: { file: tx.csv, columns: { custmer: id } } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.seg.source.columns: unknown key 'custmer'");
  }

  @Test
  void badValuesNameTheKeyAndValue() {
    record Case(String extra, String... fragments) {}
    for (Case c : List.of(
        new Case("    method: dbscan\n", "jobs.seg.method = dbscan", "kmeans, rfm"),
        new Case("    kmeans: { k: many }\n", "jobs.seg.kmeans.k = many", "whole number or auto"),
        new Case("    kmeans: { k: 0 }\n", "jobs.seg.kmeans.k = 0", ">= 1"),
        new Case("    kmeans: { k_min: 1 }\n", "jobs.seg.kmeans.k_min = 1"),
        new Case("    kmeans: { k_min: 5, k_max: 3 }\n", "jobs.seg.kmeans.k_max = 3"),
        new Case("    kmeans: { restarts: 0 }\n", "jobs.seg.kmeans.restarts = 0"),
        new Case("    rfm: { monetary: median }\n", "jobs.seg.rfm.monetary = median"),
        new Case("    rfm: { as_of: soon }\n", "jobs.seg.rfm.as_of = soon", "not a date or time"),
        new Case("    transform: pca\n", "jobs.seg.transform = pca", "'pca' is not a transformation"),
        new Case("    match_threshold: -1\n", "jobs.seg.match_threshold = -1"),
        new Case("    keep: 0\n", "jobs.seg.keep = 0"),
        new Case("    threads: 0\n", "jobs.seg.threads = 0"))) {
      var thrown = assertThatThrownBy(() -> seg(c.extra)).as(c.extra).isInstanceOf(ConfigException.class);
      for (String f : c.fragments) thrown.hasMessageContaining(f);
    }
    assertThatThrownBy(() -> segments("""
        jobs:
          seg: { type: segment, source: { file: tx.csv } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.seg.type = segment")
        .hasMessageContaining("recommendations, segments");
    assertThatThrownBy(() -> segments("""
        jobs:
          seg: { type: segments }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.seg.source").hasMessageContaining("required");
  }

  @Test
  void aFeatureTableSourceParsesAndReads() throws Exception {
    SegmentsJob job = segments("""
        jobs:
          seg:
            type: segments
            source: { file: features.csv, columns: { customer: id, features: [a, b] }, max_bad_rows: 2 }
            kmeans: { k: 3 }
        """);
    assertThat(job.transactions()).isNull();
    FeatureSpec spec = ((TableFeatureSource) job.features()).spec();
    assertThat(spec.customer()).isEqualTo(Column.named("id"));
    assertThat(spec.features()).containsExactly(Column.named("a"), Column.named("b"));
    assertThat(spec.maxBadRows()).isEqualTo(2);
    assertThat(spec.input()).isEqualTo(new DelimitedFile(dir.resolve("features.csv"), ',', true));

    Files.writeString(dir.resolve("features.csv"), "id,b,a,ignored\nu1,2.5,1,x\nu2,4,3,y\n");
    FeatureResult read = job.features().read(Progress.NONE);
    assertThat(read.table().names()).containsExactly("a", "b");
    assertThat(read.table().rows()).isEqualTo(2);
    int u2 = read.table().customers().idOf("u2");
    assertThat(read.table().get(u2, 0)).isEqualTo(3.0);
    assertThat(read.table().get(u2, 1)).isEqualTo(4.0);

    // one comma-separated value lists the features too
    SegmentsJob text = segments("""
        jobs:
          seg: { type: segments, source: { file: f.csv, columns: { customer: 1, features: "2, 3" } } }
        """);
    assertThat(((TableFeatureSource) text.features()).spec().features()).containsExactly(Column.at(2), Column.at(3));
  }

  @Test
  void rfmNeedsTransactionsNotAFeatureTable() {
    assertThatThrownBy(() -> segments("""
        jobs:
          seg:
            type: segments
            source: { file: f.csv, columns: { customer: id, features: [a, b] } }
            method: rfm
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.seg.method = rfm")
        .hasMessageContaining("feature table")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("jobs.seg.method"));
  }

  @Test
  void segmentFallbackMustNameASegmentsJobOfTheFile() throws Exception {
    String recs = """
        jobs:
          recs:
            source: { file: events.csv }
            model: { type: popularity }
            segment_fallback: %s
          other:
            source: { file: events.csv }
            model: { type: popularity }
          seg:
            type: segments
            source: { file: tx.csv }
        """;
    assertThat(((RecommendationsJob) load(recs.formatted("seg")).jobs().get("recs")).segmentFallback()).isEqualTo("seg");
    assertThat(((RecommendationsJob) load(recs.formatted("seg")).jobs().get("other")).segmentFallback()).isNull();

    assertThatThrownBy(() -> load(recs.formatted("other"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.recs.segment_fallback = other")
        .hasMessageContaining("recommendations job");
    assertThatThrownBy(() -> load(recs.formatted("recs"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.recs.segment_fallback = recs")
        .hasMessageContaining("itself");
    // a misspelt name would otherwise serve the global list to every user without history, silently
    assertThatThrownBy(() -> load(recs.formatted("segs"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.recs.segment_fallback = segs")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("jobs.recs.segment_fallback"));
  }
}
