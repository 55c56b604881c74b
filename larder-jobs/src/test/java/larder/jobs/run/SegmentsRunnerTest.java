package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.generate.CustomerParams;
import larder.generate.SyntheticCustomers;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.SegmentsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.serve.CustomerSegment;
import larder.serve.PredictionReader;
import larder.serve.RankedItem;
import larder.serve.Recommendations;
import larder.serve.SegmentReader;
import larder.store.Store;
import larder.testkit.TestStore;
import larder.train.segment.kmeans.AdjustedRand;
import larder.train.segment.rfm.RfmSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segmentation jobs end to end on a real store: YAML config, generated customers with planted types, k-means
 * and RFM rules, stable ids and transitions between batches, segment-aware recommendation fallback, and the
 * failure paths that must leave the previous batch serving. One contract, run by a subclass per store.
 */
abstract class SegmentsRunnerTest {
  static final int CUSTOMERS = 3_000;
  static final long SEED = 20240901L;
  /** The later data set: the same customers' types, fresh behaviour, some new customers and some gone. */
  static final int NEW_LATER = 100;
  static final int DEPARTED = 50;
  static final String JOB = "seg";
  /** The window's last second, where recency and frequency are exactly the planted ones. */
  static final Instant LAST_SECOND = CustomerParams.DEFAULT_END.minusSeconds(1);
  static final String FIXED_K = "    kmeans: { k: 5 }\n";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  private static Path customersCsv;
  private static Path laterCsv;
  private static SyntheticCustomers generator;
  /** Data rows of customers.csv (the header is line 1). */
  private static long dataRows;
  /** Per customer of customers.csv, the sum of its amounts, in file order (as the job sums them). */
  private static Map<String, Double> netSpend;
  private static Set<String> laterCustomers;

  @TempDir Path dir;
  TestStore db;
  Store store;
  Publisher publisher;
  PredictionReader reader;
  SegmentReader segmentReader;
  JobRunner runner;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeAll
  static void generate() throws Exception {
    customersCsv = shared.resolve("customers.csv");
    generator = new SyntheticCustomers(CustomerParams.of(CUSTOMERS, SEED));
    generator.writeCsv(customersCsv, Progress.NONE);
    netSpend = new HashMap<>();
    dataRows = 0;
    try (BufferedReader r = Files.newBufferedReader(customersCsv)) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(",");
        netSpend.merge(f[0], Double.parseDouble(f[2]), Double::sum);
        dataRows++;
      }
    }

    // same typeSeed, another seed: the same shop a while later; customers c0..c49 have gone, 100 are new
    Path all = shared.resolve("later-all.csv");
    new SyntheticCustomers(CustomerParams.of(CUSTOMERS + NEW_LATER, SEED).withSeed(SEED + 1)).writeCsv(all, Progress.NONE);
    laterCsv = shared.resolve("later.csv");
    laterCustomers = new HashSet<>();
    try (BufferedReader r = Files.newBufferedReader(all); BufferedWriter w = Files.newBufferedWriter(laterCsv)) {
      w.write(r.readLine() + "\n");
      for (String line; (line = r.readLine()) != null; ) {
        String id = line.substring(0, line.indexOf(','));
        if (Integer.parseInt(id.substring(1)) < DEPARTED) continue;
        laterCustomers.add(id);
        w.write(line + "\n");
      }
    }
  }

  @BeforeEach
  void open() throws Exception {
    Files.copy(customersCsv, dir.resolve("customers.csv"));
    db = newStore();
    store = db.open(Store::open);
    publisher = new Publisher(store);
    reader = new PredictionReader(store);
    segmentReader = new SegmentReader(store);
    runner = new JobRunner(publisher, Progress.NONE, (job, message) -> steps.add(message));
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  // ---------------------------------------------------------------- k-means

  @Test
  void kmeansWithFixedKPublishesEveryCustomerInFiveSegmentsThatRecoverThePlantedTypes() throws Exception {
    SegmentsReport report = runner.run(job(0, FIXED_K));

    BatchInfo b = report.batch();
    assertThat(reader.current(JOB)).contains(b);
    assertThat(b.kind()).isEqualTo(BatchKind.SEGMENTS);
    assertThat(b.model()).isEqualTo("kmeans");
    assertThat(b.status()).isEqualTo("published");
    JsonNode params = JSON.readTree(b.params().toJson());
    assertThat(params.get("method").asText()).isEqualTo("kmeans");
    assertThat(params.get("k").asInt()).isEqualTo(5);
    assertThat(params.get("transform").asText()).isEqualTo("log1p, standardise");
    assertThat(params.get("as_of").asText()).isEqualTo("latest");

    Map<String, SegRow> rows = segments();
    assertSegmentsFollowTheData(b, rows, allCustomers());
    List<ProfileRow> profiles = profiles();
    assertThat(profiles).hasSize(5);
    // a first batch numbers its segments by size, the largest 1
    assertThat(profiles).extracting(ProfileRow::id).containsExactly(1, 2, 3, 4, 5);
    assertThat(profiles).extracting(ProfileRow::size).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(adjustedRand(rows)).isGreaterThanOrEqualTo(0.8);

    // a first batch has nothing to move from: no transitions at all, not even from NULL
    assertThat(transitions()).isEmpty();
    assertThat(segmentReader.transitions(JOB).transitions()).isEmpty();

    JsonNode m = JSON.readTree(b.metrics().toJson());
    assertThat(m.get("segments").asInt()).isEqualTo(5);
    assertThat(m.get("customers").asInt()).isEqualTo(CUSTOMERS);
    assertThat(m.get("customers_left_out").asInt()).isZero();
    assertThat(m.get("highest_segment_id").asInt()).isEqualTo(5);
    assertThat(m.has("k_choice")).isFalse();
    assertThat(m.has("stayed_share")).isFalse();
    assertThat(m.has("previous_batch")).isFalse();

    assertThat(report.kTable()).isNull();
    assertThat(report.stayed()).isNaN();
    assertThat(report.customers()).isEqualTo(CUSTOMERS);
    assertThat(report.customersLeftOut()).isZero();
    assertThat(report.rowsRead()).isEqualTo(dataRows);
    assertThat(report.badRows()).isZero();
    assertThat(report.profiles()).extracting(p -> p.segmentId()).containsExactly(1, 2, 3, 4, 5);
    assertThat(report.summary()).contains("published batch " + b.id()).contains("kmeans, 5 segments");

    // the read side serves the same rows
    SegRow some = rows.get("c17");
    CustomerSegment served = segmentReader.segmentOf(JOB, "c17");
    assertThat(served.segmentId()).isEqualTo(some.segment);
    assertThat(served.segmentLabel()).isEqualTo(some.label);
    assertThat(served.batchId()).isEqualTo(b.id());
    assertThat(served.recencyDays()).isEqualTo(some.recency);
    assertThat(served.rfmScore()).isEqualTo(some.rfmScore);
    assertThatThrownBy(() -> segmentReader.segmentOf(JOB, "nobody")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void kmeansWithKAutoChoosesTheBestSilhouetteAndReportsItsTable() throws Exception {
    SegmentsReport report = runner.run(job(0, "    kmeans: { k: auto, k_min: 2, k_max: 8 }\n"));
    BatchInfo b = report.batch();

    Map<String, SegRow> rows = segments();
    assertSegmentsFollowTheData(b, rows, allCustomers());
    int chosen = profiles().size();
    assertThat(JSON.readTree(b.params().toJson()).get("k").asText()).isEqualTo("auto 2..8");

    JsonNode kChoice = JSON.readTree(reader.current(JOB).orElseThrow().metrics().toJson()).get("k_choice"); // from larder_batches
    assertThat(kChoice).isNotNull();
    List<Integer> ks = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    double chosenSilhouette = Double.NaN;
    for (JsonNode row : kChoice) {
      int k = row.get("k").asInt();
      ks.add(k);
      assertThat(row.get("inertia").isNumber()).isTrue();
      double s = row.get("silhouette").asDouble();
      assertThat(s).isBetween(-1.0, 1.0);
      best = Math.max(best, s);
      if (k == chosen) chosenSilhouette = s;
    }
    assertThat(ks).containsExactly(2, 3, 4, 5, 6, 7, 8);
    assertThat(chosenSilhouette).isEqualTo(best);

    assertThat(report.kTable()).isNotNull().contains("silhouette");
    assertThat(report.kTable().lines().filter(l -> l.endsWith("*")).toList()).singleElement().asString()
        .startsWith(String.format("%4d", chosen));
    assertThat(steps).contains("k chosen by silhouette on a sample: " + chosen);
    // five planted types; "loyal" and "at risk" are the closest pair and may merge
    assertThat(chosen).isBetween(4, 5);
    assertThat(adjustedRand(rows)).isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void aFeatureTableIsClusteredAsIsWithoutRfmFigures() throws Exception {
    // two features per customer: the planted recency and order count
    StringBuilder csv = new StringBuilder("id,days,orders\n");
    for (int c = 0; c < CUSTOMERS; c++) {
      SyntheticCustomers.Planted p = generator.planted(c);
      csv.append(SyntheticCustomers.customerId(c)).append(',').append(p.recencyDays()).append(',').append(p.orders())
          .append('\n');
    }
    Files.writeString(dir.resolve("features.csv"), csv);
    SegmentsReport report = runner.run(parse("""
        jobs:
          seg:
            type: segments
            source: { file: features.csv, columns: { customer: id, features: [days, orders] } }
            kmeans: { k: 4 }
            threads: 2
        """));

    BatchInfo b = report.batch();
    assertThat(JSON.readTree(b.params().toJson()).get("input").asText()).isEqualTo("features");
    assertThat(report.asOf()).isNull();
    Map<String, SegRow> rows = segments();
    assertThat(rows.keySet()).isEqualTo(allCustomers());
    assertThat(rows.values()).allSatisfy(r -> {
      assertThat(r.recency).isNull();
      assertThat(r.frequency).isNull();
      assertThat(r.monetary).isNull();
      assertThat(r.rfmScore).isNull();
      assertThat(r.distance).isFinite().isNotNegative();
    });
    List<ProfileRow> profiles = profiles();
    assertThat(profiles).hasSize(4);
    assertThat(profiles.stream().mapToLong(ProfileRow::size).sum()).isEqualTo(CUSTOMERS);
    for (ProfileRow p : profiles) {
      assertThat(p.recencyMean).isNull();
      assertThat(p.monetaryMedian).isNull();
      assertThat(JSON.readTree(p.centroid).fieldNames()).toIterable().containsExactly("days", "orders");
      // the centroid is in original units: within the range of its members' values
      List<SyntheticCustomers.Planted> members = rows.values().stream().filter(r -> r.segment == p.id)
          .map(r -> generator.planted(Integer.parseInt(r.customer.substring(1)))).toList();
      double days = JSON.readTree(p.centroid).get("days").asDouble();
      assertThat(days).isBetween((double) members.stream().mapToInt(SyntheticCustomers.Planted::recencyDays).min().orElseThrow(),
          (double) members.stream().mapToInt(SyntheticCustomers.Planted::recencyDays).max().orElseThrow());
    }
  }

  // ---------------------------------------------------------------- stable ids

  @Test
  void aLaterRunOnPerturbedDataKeepsSegmentIdsAndCountsEveryTransition() throws Exception {
    SegmentsJob job = job(0, FIXED_K);
    BatchInfo b1 = runner.run(job).batch();
    Map<String, SegRow> before = segments();
    Map<Integer, ProfileRow> profilesBefore = byId(profiles());

    Files.copy(laterCsv, dir.resolve("customers.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SegmentsReport report = runner.run(job);
    BatchInfo b2 = report.batch();
    assertThat(status(b1.id())).isEqualTo("superseded");
    Map<String, SegRow> after = segments();
    assertSegmentsFollowTheData(b2, after, laterCustomers);

    // every segment continues one of the first run, at a similar size
    for (ProfileRow p : profiles()) {
      ProfileRow was = profilesBefore.get(p.id);
      assertThat(was).as("segment %d (%s) of the second run", p.id, p.label).isNotNull();
      assertThat(p.share).as("share of segment %d", p.id).isCloseTo(was.share, within(0.05));
    }
    long kept = 0;
    long both = 0;
    for (SegRow r : after.values()) {
      SegRow was = before.get(r.customer);
      if (was == null) continue;
      both++;
      if (was.segment == r.segment) kept++;
    }
    assertThat(both).isEqualTo(CUSTOMERS - DEPARTED);
    assertThat((double) kept / both).isGreaterThanOrEqualTo(0.8);
    assertThat(report.stayed()).isCloseTo((double) kept / both, within(1e-12));
    assertThat(JSON.readTree(b2.metrics().toJson()).get("stayed_share").asDouble()).isCloseTo((double) kept / both, within(1e-12));
    assertThat(report.summary()).contains("stability");
    // the batch names the one its transitions were counted from, for pages showing each member's previous segment
    assertThat(b2.metrics().previousBatch()).hasValue(b1.id());

    // the transitions are exactly the cross-table of the two batches, NULL for new and departed customers
    Map<String, Long> expected = new TreeMap<>();
    for (SegRow r : after.values()) {
      SegRow was = before.get(r.customer);
      expected.merge((was == null ? "null" : was.segment) + "->" + r.segment, 1L, Long::sum);
    }
    for (SegRow was : before.values()) {
      if (!after.containsKey(was.customer)) expected.merge(was.segment + "->null", 1L, Long::sum);
    }
    List<TransitionRow> transitions = transitions();
    assertThat(transitions).allSatisfy(t -> {
      assertThat(t.batch).isEqualTo(b2.id());
      assertThat(t.customers).isPositive();
    });
    Map<String, Long> published = new TreeMap<>();
    for (TransitionRow t : transitions) published.merge(t.from + "->" + t.to, t.customers, Long::sum);
    assertThat(published).isEqualTo(expected);
    assertThat(transitions.stream().filter(t -> t.to != null).mapToLong(TransitionRow::customers).sum())
        .isEqualTo(after.size());
    assertThat(transitions.stream().filter(t -> t.from != null).mapToLong(TransitionRow::customers).sum())
        .isEqualTo(before.size());
    assertThat(transitions.stream().filter(t -> t.from == null).mapToLong(TransitionRow::customers).sum())
        .isEqualTo(NEW_LATER);
    assertThat(transitions.stream().filter(t -> t.to == null).mapToLong(TransitionRow::customers).sum())
        .isEqualTo(DEPARTED);
    assertThat(segmentReader.transitions(JOB).transitions()).hasSize(transitions.size());
  }

  // ---------------------------------------------------------------- RFM rules

  @Test
  void rfmRulesGiveNamedSegmentsAndThePlantedRecencyAndFrequency() throws Exception {
    SegmentsReport report = runner.run(job(0, "    method: rfm\n    rfm: { as_of: \"" + LAST_SECOND + "\" }\n"));
    BatchInfo b = report.batch();
    assertThat(b.model()).isEqualTo("rfm");
    assertThat(JSON.readTree(b.params().toJson()).get("as_of").asText()).isEqualTo(LAST_SECOND.toString());
    assertThat(report.asOf()).isEqualTo(LAST_SECOND.toString());

    Map<String, SegRow> rows = segments();
    assertSegmentsFollowTheData(b, rows, allCustomers());
    Set<String> names = new HashSet<>();
    for (RfmSegment s : RfmSegment.values()) names.add(s.label());
    for (ProfileRow p : profiles()) {
      assertThat(p.label).isEqualTo(RfmSegment.byId(p.id).label());
      assertThat(JSON.readTree(p.centroid).size()).as("rule segments have no centroid").isZero();
    }
    int champions = 0;
    int championsNamed = 0;
    for (SegRow r : rows.values()) {
      assertThat(names).contains(r.label);
      assertThat(r.distance).isZero();
      assertThat(r.segment).isEqualTo(RfmSegment.ofScore(Integer.parseInt(r.rfmScore)).id());
      int c = Integer.parseInt(r.customer.substring(1));
      SyntheticCustomers.Planted p = generator.planted(c);
      assertThat(r.recency).as("recency of %s", r.customer).isEqualTo((double) p.recencyDays());
      assertThat(r.frequency).as("frequency of %s", r.customer).isEqualTo((double) p.orders());
      assertThat(r.monetary).as("spend of %s", r.customer).isCloseTo(Math.max(0, netSpend.get(r.customer)), within(1e-6));
      if (generator.typeName(p.type()).equals("champions")) {
        champions++;
        if (r.label.equals(RfmSegment.CHAMPIONS.label())) championsNamed++;
      }
    }
    assertThat((double) championsNamed / champions).isGreaterThan(0.9);
  }

  @Test
  void aDateAsOfEndsWithThatDayAsTheDefaultAsOfDoes() throws Exception {
    Path csv = dir.resolve("customers.csv");
    Files.writeString(csv, """
        customer_id,timestamp,amount,order_id
        a,2024-06-01T00:00:00Z,10.00,o1
        b,2024-06-30T08:00:00Z,5.00,o2
        c,2024-06-15T12:00:00Z,7.00,o3
        """);
    // the data ends on 2024-06-30: the default as-of is the end of that day
    SegmentsReport byDefault = runner.run(job(0, "    method: rfm\n"));
    Map<String, SegRow> expected = segments();
    assertThat(expected.get("a").recency).isEqualTo(29.0);

    // a row in the first second of the next day is not part of 2024-06-30
    Files.writeString(csv, "a,2024-07-01T00:00:00Z,10.00,o4\n", StandardOpenOption.APPEND);
    SegmentsReport dated = runner.run(job(0, "    method: rfm\n    rfm: { as_of: 2024-06-30 }\n"));
    Map<String, SegRow> got = segments();
    for (String customer : List.of("a", "b", "c")) {
      SegRow e = expected.get(customer);
      SegRow g = got.get(customer);
      assertThat(List.of(g.recency, g.frequency, g.monetary, g.rfmScore)).as("R, F, M and score of %s", customer)
          .isEqualTo(List.of(e.recency, e.frequency, e.monetary, e.rfmScore));
    }
    assertThat(dated.asOf()).isEqualTo(byDefault.asOf()).isEqualTo("2024-06-30T23:59:59Z");
  }

  // ---------------------------------------------------------------- bad input

  @ParameterizedTest
  @ValueSource(strings = {"text amount", "empty amount", "short row", "bad date"})
  void aBadRowFailsTheRunNamingFileLineAndFieldAndTheOldBatchKeepsServing(String kind) throws Exception {
    SegmentsJob job = job(0, FIXED_K);
    BatchInfo good = runner.run(job).batch();
    List<String> before = snapshot();
    Path csv = dir.resolve("customers.csv");
    String clean = Files.readString(csv);
    String[] bad = switch (kind) { // the row, its field, the problem
      case "text amount" -> new String[] {"c1,2024-06-01T10:00:00Z,lots,o900001", "amount", "'lots' is not a number"};
      case "empty amount" -> new String[] {"c1,2024-06-01T10:00:00Z,,o900001", "amount", "empty, expected a number"};
      case "short row" -> new String[] {"c1,2024-06-01T10:00:00Z", "amount", "missing"};
      default -> new String[] {"c1,yesterday,10.00,o900001", "timestamp", "'yesterday' is not a date or time"};
    };
    Files.writeString(csv, bad[0] + "\n", StandardOpenOption.APPEND);
    long line = dataRows + 2;

    assertThatThrownBy(() -> runner.run(job))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.source()).isEqualTo("customers.csv");
          assertThat(e.line()).isEqualTo(line);
          assertThat(e.field()).isEqualTo(bad[1]);
        })
        .hasMessageContaining("customers.csv:" + line)
        .hasMessageContaining(bad[2])
        .hasMessageContaining("max_bad_rows = 0");
    assertFailedWhilePreviousServes(good, before, "customers.csv:" + line);

    Files.writeString(csv, clean);
    BatchInfo again = runner.run(job).batch();
    assertThat(status(good.id())).isEqualTo("superseded");
    assertSegmentsFollowTheData(again, segments(), allCustomers());
  }

  @Test
  void anAsOfBeforeAllDataFailsNamingTheValueAndTheOldBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(job(0, FIXED_K)).batch();
    List<String> before = snapshot();

    assertThatThrownBy(() -> runner.run(job(0, FIXED_K + "    rfm: { as_of: 2000-01-01 }\n")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.seg.rfm.as_of"))
        .hasMessageContaining("jobs.seg.rfm.as_of = 2000-01-0") // the instant the date stands for
        .hasMessageContaining("before the first transaction");
    assertFailedWhilePreviousServes(good, before, "before the first transaction");
  }

  @Test
  void moreSegmentsThanCustomersFailsNamingKAndTheOldBatchKeepsServing() throws Exception {
    BatchInfo good = runner.run(job(0, FIXED_K)).batch();
    List<String> before = snapshot();

    assertThatThrownBy(() -> runner.run(job(0, "    kmeans: { k: 50000 }\n")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.seg.kmeans.k"))
        .hasMessageContaining("jobs.seg.kmeans.k = 50000")
        .hasMessageContaining(CUSTOMERS + " customers");
    BatchInfo failed = assertFailedWhilePreviousServes(good, before, "kmeans.k = 50000");
    assertThat(JSON.readTree(failed.params().toJson()).get("k").asInt()).isEqualTo(50000);
  }

  @Test
  void aFirstRunThatFailsLeavesNothingServing() throws Exception {
    assertThatThrownBy(() -> runner.run(job(0, "    kmeans: { k: 50000 }\n"))).isInstanceOf(ConfigException.class);
    assertThat(reader.current(JOB)).isEmpty();
    assertThat(reader.batches(JOB)).singleElement().satisfies(b -> assertThat(b.status()).isEqualTo("failed"));
    assertThatThrownBy(() -> segmentReader.segmentOf(JOB, "c1")).isInstanceOf(NotFoundException.class);
    assertThat(segments()).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM larder_job_lock WHERE job = ?", JOB)).isZero();
  }

  @Test
  void badRowsWithinMaxBadRowsAreSkippedAndReportedOneMoreFails() throws Exception {
    Path csv = dir.resolve("customers.csv");
    Files.writeString(csv, "c1,2024-06-01T10:00:00Z,lots,o900001\n", StandardOpenOption.APPEND);
    SegmentsReport report = runner.run(job(1, FIXED_K));

    assertThat(report.badRows()).isEqualTo(1);
    assertThat(report.rowsRead()).isEqualTo(dataRows + 1);
    assertThat(report.summary()).contains("1 bad");
    assertThat(steps.stream().filter(s -> s.startsWith("skipped bad row: ")).toList()).singleElement().asString()
        .contains("customers.csv:" + (dataRows + 2)).contains("amount");
    // the bad row is skipped, not half-read: c1 keeps its own spend
    Map<String, SegRow> rows = segments();
    assertSegmentsFollowTheData(report.batch(), rows, allCustomers());
    assertThat(rows.get("c1").monetary).isCloseTo(Math.max(0, netSpend.get("c1")), within(1e-6));

    List<String> before = snapshot();
    Files.writeString(csv, "c2,2024-06-01T10:00:00Z,,o900002\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> runner.run(job(1, FIXED_K))).isInstanceOf(InputException.class)
        .hasMessageContaining("max_bad_rows = 1").hasMessageContaining("customers.csv:" + (dataRows + 2));
    assertFailedWhilePreviousServes(report.batch(), before, "max_bad_rows = 1");
  }

  // ---------------------------------------------------------------- segment fallback of a recommendations job

  @Test
  void aUserWithoutHistoryGetsTheMostPopularItemsOfTheirSegment() throws Exception {
    // customers c0..c1999 bought items that depend on their planted type; c2000.. bought nothing here
    int withHistory = 2_000;
    Map<String, Set<String>> bought = new TreeMap<>();
    SplittableRandom random = new SplittableRandom(99);
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int c = 0; c < withHistory + 20; c++) {
      String user = c < withHistory ? SyntheticCustomers.customerId(c) : "x" + c; // x...: users that are no customer
      int type = c < withHistory ? generator.typeOf(c) : 0;
      Set<String> items = new LinkedHashSet<>();
      while (items.size() < 4) {
        // skewed within the type's 8 items, and now and then one of 6 items everybody buys
        items.add(random.nextInt(4) == 0 ? "g" + random.nextInt(6)
            : "t" + type + "-" + (int) Math.floor(8 * Math.pow(random.nextDouble(), 2)));
      }
      bought.put(user, items);
      for (String i : items) csv.append(user).append(',').append(i).append('\n');
    }
    Files.writeString(dir.resolve("interactions.csv"), csv);
    LarderConfig cfg = YamlConfig.parse(dir.resolve("larder.yaml"), """
        jobs:
          recs:
            source: { file: interactions.csv, columns: { user: user_id, item: item_id } }
            model: { type: popularity }
            top_n: 5
            similar_items: 0
            threads: 2
            segment_fallback: seg
          seg:
            type: segments
            source: { file: customers.csv, columns: { order: order_id } }
            kmeans: { k: 5 }
            threads: 2
        """);
    // the segments job runs before a selected recommendations job that falls back to it, whatever the order given
    assertThat(cfg.select(null)).extracting(JobConfig::name).containsExactly("seg", "recs");
    assertThat(cfg.select(List.of("recs", "seg"))).extracting(JobConfig::name).containsExactly("seg", "recs");
    // selected alone, it uses whatever segments are current
    assertThat(cfg.select(List.of("recs"))).extracting(JobConfig::name).containsExactly("recs");

    // before any segments exist, a user without history gets the global list
    RunReport early = (RunReport) runner.run(cfg.select(List.of("recs")).get(0));
    assertThat(early.segmentLists()).isZero();
    assertThat(reader.recommend("recs", "c2500", 5).source()).isEqualTo(Recommendations.FALLBACK);

    List<JobReport> reports = new ArrayList<>();
    for (JobConfig j : cfg.select(null)) reports.add(runner.run(j));
    RunReport recs = (RunReport) reports.get(1);
    Map<String, SegRow> rows = segments();
    Map<Integer, ProfileRow> profiles = byId(profiles());
    assertThat(recs.segmentLists()).isEqualTo(profiles.size());
    assertThat(string("SELECT segment_job FROM larder_batches WHERE batch_id = ?", recs.batch().id())).isEqualTo("seg");

    // per segment, how many of its customers bought each item
    Map<Integer, Map<String, Integer>> buyers = new HashMap<>();
    for (var e : bought.entrySet()) {
      SegRow r = rows.get(e.getKey());
      if (r == null) continue;
      for (String i : e.getValue()) buyers.computeIfAbsent(r.segment, k -> new HashMap<>()).merge(i, 1, Integer::sum);
    }
    Set<Integer> checked = new HashSet<>();
    for (int c = withHistory; c < CUSTOMERS && checked.size() < profiles.size(); c++) {
      SegRow r = rows.get(SyntheticCustomers.customerId(c));
      if (!checked.add(r.segment)) continue;
      Recommendations got = reader.recommend("recs", r.customer, 5);
      assertThat(got.source()).as("source for %s", r.customer).isEqualTo(Recommendations.SEGMENT);
      assertThat(got.segmentId()).isEqualTo(r.segment);
      assertThat(got.segmentLabel()).isEqualTo(profiles.get(r.segment).label);
      assertThat(got.batchId()).isEqualTo(recs.batch().id());
      assertTopByCount(got.items(), buyers.get(r.segment), 5, "segment " + r.segment);
    }
    assertThat(checked).hasSize(profiles.size());

    assertThat(reader.recommend("recs", "c0", 5).source()).isEqualTo(Recommendations.USER);
    Recommendations stranger = reader.recommend("recs", "nobody", 5);
    assertThat(stranger.source()).isEqualTo(Recommendations.FALLBACK);
    assertThat(stranger.segmentId()).isNull();
    Map<String, Integer> everyone = new HashMap<>();
    for (Set<String> items : bought.values()) for (String i : items) everyone.merge(i, 1, Integer::sum);
    assertTopByCount(stranger.items(), everyone, 5, "global fallback");
  }

  // ---------------------------------------------------------------- versions

  @Test
  void keepRetiresTheOldestBatchAndRollbackServesTheKeptOne() throws Exception {
    SegmentsJob job = job(0, FIXED_K + "    keep: 2\n");
    BatchInfo b1 = runner.run(job).batch();
    BatchInfo b2 = runner.run(job).batch();
    List<String> second = snapshot();
    SegmentsReport third = runner.run(job);
    BatchInfo b3 = third.batch();

    assertThat(reader.batches(JOB)).extracting(BatchInfo::id, BatchInfo::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(b3.id(), "published"),
        org.assertj.core.groups.Tuple.tuple(b2.id(), "superseded"),
        org.assertj.core.groups.Tuple.tuple(b1.id(), "retired"));
    for (String table : List.of("larder_segment_rows", "larder_segment_profile_rows", "larder_segment_transition_rows")) {
      assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE batch_id = ?", b1.id())).as(table).isZero();
    }
    assertThat(count("SELECT COUNT(*) FROM larder_segment_rows WHERE batch_id = ?", b2.id())).isEqualTo(CUSTOMERS);
    assertThat(count("SELECT COUNT(*) FROM larder_segment_profile_rows WHERE batch_id = ?", b2.id())).isEqualTo(5);
    // the same data again: every customer stays in its segment
    assertThat(third.stayed()).isEqualTo(1.0);
    assertThat(transitions()).allSatisfy(t -> assertThat(t.to).isEqualTo(t.from));
    assertSegmentsFollowTheData(b3, segments(), allCustomers());

    assertThat(publisher.rollback(JOB).id()).isEqualTo(b2.id());
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(b2.id());
    assertThat(snapshot()).isEqualTo(second);
  }

  // ---------------------------------------------------------------- contract checks

  /**
   * Checks the current segments against the data: one row per expected customer from batch {@code b};
   * profiles whose sizes, shares and R/F/M means follow from the rows; each row labelled as its profile.
   */
  void assertSegmentsFollowTheData(BatchInfo b, Map<String, SegRow> rows, Set<String> customers) throws Exception {
    assertThat(rows.keySet()).isEqualTo(customers);
    List<ProfileRow> profiles = profiles();
    Map<Integer, ProfileRow> byId = byId(profiles);
    assertThat(profiles).isNotEmpty();
    assertThat(profiles).extracting(ProfileRow::label).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(profiles).allSatisfy(p -> {
      assertThat(p.batch).isEqualTo(b.id());
      assertThat(p.id).isPositive();
    });
    Map<Integer, List<SegRow>> members = new HashMap<>();
    for (SegRow r : rows.values()) {
      assertThat(r.batch).isEqualTo(b.id());
      ProfileRow p = byId.get(r.segment);
      assertThat(p).as("profile of segment %d of %s", r.segment, r.customer).isNotNull();
      assertThat(r.label).as("label of %s", r.customer).isEqualTo(p.label);
      assertThat(r.distance).isFinite().isNotNegative();
      if (r.rfmScore != null) assertThat(r.rfmScore).matches("[1-5]{3}");
      members.computeIfAbsent(r.segment, k -> new ArrayList<>()).add(r);
    }
    assertThat(profiles.stream().mapToLong(ProfileRow::size).sum()).isEqualTo(customers.size());
    assertThat(profiles.stream().mapToDouble(ProfileRow::share).sum()).isCloseTo(1.0, within(1e-9));
    for (ProfileRow p : profiles) {
      List<SegRow> in = members.getOrDefault(p.id, List.of());
      assertThat(p.size).as("size of segment %d", p.id).isEqualTo(in.size());
      assertThat(p.share).isCloseTo((double) p.size / customers.size(), within(1e-9));
      if (p.recencyMean != null) {
        assertThat(p.recencyMean).isCloseTo(in.stream().mapToDouble(SegRow::recency).average().orElseThrow(), within(1e-6));
        assertThat(p.monetaryMean).isCloseTo(in.stream().mapToDouble(SegRow::monetary).average().orElseThrow(), within(1e-6));
      }
    }
    assertThat(b.keys()).isEqualTo(customers.size());
    assertThat(b.rows()).isEqualTo(customers.size());
    assertThat(b.secondaryRows()).as("segments of the batch").isEqualTo(profiles.size());
  }

  /** Asserts the newest batch failed with {@code message} while {@code previous} kept serving the same rows. */
  private BatchInfo assertFailedWhilePreviousServes(BatchInfo previous, List<String> before, String message) {
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(previous.id());
    assertThat(status(previous.id())).isEqualTo("published");
    assertThat(snapshot()).isEqualTo(before);
    BatchInfo failed = reader.batches(JOB).get(0);
    assertThat(failed.id()).isGreaterThan(previous.id());
    assertThat(failed.status()).isEqualTo("failed");
    assertThat(failed.message()).contains(message);
    assertThat(failed.publishedAt()).isNull();
    for (String table : List.of("larder_segment_rows", "larder_segment_profile_rows", "larder_segment_transition_rows")) {
      assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE batch_id = ?", failed.id())).as(table).isZero();
    }
    assertThat(count("SELECT COUNT(*) FROM larder_job_lock WHERE job = ?", JOB)).as("lock released").isZero();
    return failed;
  }

  /**
   * Asserts {@code items} are the top {@code n} of {@code counts} (item to number of buyers): scores are the
   * counts, best first, and no item left out has more buyers than the last one listed.
   */
  private static void assertTopByCount(List<RankedItem> items, Map<String, Integer> counts, int n, String what) {
    assertThat(items).as(what).hasSize(Math.min(n, counts.size()));
    Set<String> listed = new HashSet<>();
    for (int k = 0; k < items.size(); k++) {
      RankedItem it = items.get(k);
      assertThat(it.rank()).isEqualTo(k + 1);
      assertThat(counts).as("%s lists %s", what, it.itemId()).containsKey(it.itemId());
      assertThat(it.score()).as("score of %s in %s", it.itemId(), what).isEqualTo((float) counts.get(it.itemId()));
      if (k > 0) assertThat(it.score()).isLessThanOrEqualTo(items.get(k - 1).score());
      listed.add(it.itemId());
    }
    float last = items.get(items.size() - 1).score();
    counts.forEach((item, c) -> {
      if (!listed.contains(item)) assertThat((float) c).as("%s left out %s", what, item).isLessThanOrEqualTo(last);
    });
  }

  // ---------------------------------------------------------------- helpers

  static Set<String> allCustomers() {
    Set<String> out = new HashSet<>();
    for (int c = 0; c < CUSTOMERS; c++) out.add(SyntheticCustomers.customerId(c));
    return out;
  }

  /** Agreement of the published segments with the planted types. */
  static double adjustedRand(Map<String, SegRow> rows) {
    int[] planted = new int[rows.size()];
    int[] segment = new int[rows.size()];
    int i = 0;
    for (SegRow r : rows.values()) {
      planted[i] = generator.typeOf(Integer.parseInt(r.customer.substring(1)));
      segment[i++] = r.segment;
    }
    return AdjustedRand.index(planted, segment);
  }

  SegmentsJob job(int maxBadRows, String extra) {
    return parse("""
        jobs:
          seg:
            type: segments
            source: { file: customers.csv, columns: { order: order_id }, max_bad_rows: %d }
            threads: 2
        """.formatted(maxBadRows) + extra);
  }

  SegmentsJob parse(String yaml) {
    return (SegmentsJob) YamlConfig.job(dir.resolve("larder.yaml"), yaml, JOB);
  }

  record SegRow(String customer, int segment, String label, float distance, Double recency, Double frequency,
      Double monetary, String rfmScore, long batch) {}

  record ProfileRow(int id, String label, long size, double share, Double recencyMean, Double monetaryMean,
      Double monetaryMedian, String centroid, long batch) {}

  record TransitionRow(Integer from, Integer to, long customers, long batch) {}

  Map<String, SegRow> segments() {
    return store.read("read segments", c -> {
      Map<String, SegRow> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, segment_id, segment_label, distance,"
          + " recency_days, frequency, monetary, rfm_score, batch_id FROM larder_segments WHERE job = ?")) {
        ps.setString(1, JOB);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            SegRow r = new SegRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getFloat(4), real(rs, 5),
                real(rs, 6), real(rs, 7), rs.getString(8), rs.getLong(9));
            assertThat(out.put(r.customer, r)).as("second row of %s", r.customer).isNull();
          }
        }
      }
      return out;
    });
  }

  List<ProfileRow> profiles() {
    return store.read("read profiles", c -> {
      List<ProfileRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT segment_id, segment_label, size, share, recency_mean,"
          + " monetary_mean, monetary_median, centroid, batch_id FROM larder_segment_profiles WHERE job = ?"
          + " ORDER BY segment_id")) {
        ps.setString(1, JOB);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ProfileRow(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getDouble(4), real(rs, 5),
                real(rs, 6), real(rs, 7), rs.getString(8), rs.getLong(9)));
          }
        }
      }
      return out;
    });
  }

  List<TransitionRow> transitions() {
    return store.read("read transitions", c -> {
      List<TransitionRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT from_segment, to_segment, customers, batch_id FROM larder_segment_transitions WHERE job = ?")) {
        ps.setString(1, JOB);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int from = rs.getInt(1);
            Integer f = rs.wasNull() ? null : from;
            int to = rs.getInt(2);
            Integer t = rs.wasNull() ? null : to;
            out.add(new TransitionRow(f, t, rs.getLong(3), rs.getLong(4)));
          }
        }
      }
      return out;
    });
  }

  static Map<Integer, ProfileRow> byId(List<ProfileRow> profiles) {
    Map<Integer, ProfileRow> out = new TreeMap<>();
    for (ProfileRow p : profiles) out.put(p.id, p);
    return out;
  }

  /** Everything the job serves, as sorted text, to compare before and after a failed run. */
  List<String> snapshot() {
    List<String> out = new ArrayList<>();
    segments().values().forEach(r -> out.add(r.toString()));
    profiles().forEach(p -> out.add(p.toString()));
    transitions().stream().map(TransitionRow::toString).sorted().forEach(out::add);
    return out;
  }

  private static Double real(ResultSet rs, int column) throws java.sql.SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  long count(String sql, Object arg) {
    return store.read("count", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  String string(String sql, Object arg) {
    return store.read("read", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      }
    });
  }

  String status(long batchId) {
    return reader.batches(JOB).stream().filter(b -> b.id() == batchId).findFirst().orElseThrow().status();
  }
}
