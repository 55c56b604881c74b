package larder.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
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
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.Progress;
import larder.core.Scores;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.ConfigFile;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.publish.Publisher;
import larder.serve.ApiJson;
import larder.serve.CustomerSegment;
import larder.serve.MembersCsv;
import larder.serve.PredictionReader;
import larder.serve.RankedItem;
import larder.serve.Recommendations;
import larder.serve.SegmentMembers;
import larder.serve.SegmentProfiles;
import larder.serve.SegmentReader;
import larder.serve.SimilarItems;
import larder.store.Store;
import larder.testkit.TempTree;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP API's contract on a real store: jobs publish generated data, a server listens on a free port, and
 * every answer is checked against what the readers and the SQL views give for the same store. One contract,
 * run by a subclass per store; the data is published once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpApiContract {
  static final int USERS = 500;
  static final int ITEMS = 100;
  static final int EVENTS = 8_000;
  static final long SEED = 20250301L;
  static final int TOP_N = 10;
  static final int SIMILAR = 5;
  static final int DEFAULT_LIMIT = 4;
  static final String RECS = "recs";
  static final String SEG = "seg";
  static final String RFM = "rfm";
  /** A customer with transactions, so in the segments, but absent from the interactions. */
  static final String SEGMENT_ONLY = "segment-only";
  static final String RECS_ROUTE = "/v1/recommendations/{job}/{user}";
  static final String CHURN = "churn";
  static final int CHURN_ENTITIES = 300;

  static double churnOf(int i) {
    return 1.0 - i / 1000.0;
  }
  private static final ObjectMapper JSON = new ObjectMapper();

  Path dir;
  TestStore db;
  Store store;
  PredictionReader reader;
  SegmentReader segments;
  JobRunner runner;
  LarderHttp server;
  HttpClient http;
  String base;
  /** Every customer of the segments jobs' source. */
  Set<String> customers;
  /** Per user of the interactions, the number of distinct items. */
  Map<String, Integer> itemsPerUser;
  /** The recommendations job on the interactions, then on two other shops' interactions. */
  List<JobConfig> recsVariants;

  /** A fresh, empty store for the class's tests, removed after them. */
  abstract TestStore newStore();

  @BeforeAll
  void publishAndServe() throws Exception {
    dir = Files.createTempDirectory("larder-http-test");
    Path interactions = dir.resolve("interactions.csv");
    new SyntheticShop(ShopParams.of(USERS, ITEMS, EVENTS, SEED)).writeCsv(interactions, Progress.NONE);
    for (int v = 1; v <= 2; v++) {
      new SyntheticShop(ShopParams.of(USERS, ITEMS, EVENTS, SEED + v)).writeCsv(dir.resolve("interactions-" + v + ".csv"),
          Progress.NONE);
    }
    // the segments' source: the same transactions plus a customer the recommendations job never sees
    String extra = SEGMENT_ONLY + ",i1,2024-02-01T10:00:00Z,2,31.00,900001\n"
        + SEGMENT_ONLY + ",i2,2024-02-20T12:00:00Z,1,12.50,900002\n";
    Files.writeString(dir.resolve("customers.csv"), Files.readString(interactions) + extra);
    // another model's churn probabilities: c0..c299, every third "high", scores falling with the index
    StringBuilder churn = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < CHURN_ENTITIES; i++) {
      churn.append('c').append(i).append(',').append(churnOf(i)).append(',').append(i % 3 == 0 ? "high" : "").append('\n');
    }
    Files.writeString(dir.resolve("churn.csv"), churn);
    customers = new TreeSet<>();
    itemsPerUser = new HashMap<>();
    Map<String, Set<String>> seen = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(dir.resolve("customers.csv"))) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(",");
        customers.add(f[0]);
        if (!f[0].equals(SEGMENT_ONLY)) seen.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
      }
    }
    seen.forEach((u, items) -> itemsPerUser.put(u, items.size()));

    db = newStore();
    store = db.open(Store::open);
    reader = new PredictionReader(store);
    segments = new SegmentReader(store);
    runner = new JobRunner(new Publisher(store), Progress.NONE, RunReport.Listener.NONE);
    LarderConfig config = config("interactions.csv");
    // the segments jobs first: the recommendations job builds its segment fallback lists from seg's current batch
    for (JobConfig job : config.select(null)) runner.run(job);
    recsVariants = List.of(config("interactions-1.csv").jobs().get(RECS), config("interactions-2.csv").jobs().get(RECS),
        config.jobs().get(RECS));

    server = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withDefaultLimit(DEFAULT_LIMIT));
    base = "http://127.0.0.1:" + server.port();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (server != null) server.close();
    } finally {
      if (db != null) db.close();
      TempTree.delete(dir);
    }
  }

  private LarderConfig config(String interactions) {
    Path file = dir.resolve("larder.yaml");
    String transactions = "{ file: customers.csv, columns: { customer: user_id, timestamp: timestamp, amount: amount,"
        + " order: order_id } }";
    return LarderConfig.parse(file, ConfigFile.parse(file.toString(), """
        jobs:
          recs:
            source: { file: %s, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: 20 }
            top_n: %d
            similar_items: %d
            keep: 20
            threads: 2
            segment_fallback: seg
          seg:
            type: segments
            source: %s
            kmeans: { k: 3 }
            threads: 2
          rfm:
            type: segments
            method: rfm
            source: %s
            threads: 2
          churn:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p, label: band } }
        """.formatted(interactions, TOP_N, SIMILAR, transactions, transactions)));
  }

  // ---------------------------------------------------------------- recommendations

  @Test
  void recommendationsEqualTheReadersListWithSnakeCaseFieldsAndTheBatchHeader() {
    List<String> users = List.of("u0", "u1", "u17", "u250", "u499");
    for (String user : users) {
      Recommendations expected = reader.recommend(RECS, user, TOP_N);
      Answer a = get("/v1/recommendations/" + RECS + "/" + user + "?limit=" + TOP_N);
      assertThat(a.status).as(user).isEqualTo(200);
      assertThat(a.contentType()).startsWith("application/json");
      JsonNode body = a.json();
      assertThat(body.get("job").asText()).isEqualTo(RECS);
      assertThat(body.get("user_id").asText()).isEqualTo(user);
      assertThat(body.get("batch_id").asLong()).isEqualTo(expected.batchId());
      assertThat(body.get("source").asText()).isEqualTo(expected.source());
      assertThat(Instant.parse(body.get("published_at").asText())).isEqualTo(expected.publishedAt());
      assertThat(body.get("age").isNumber()).as("age in seconds").isTrue();
      assertThat(body.get("age").asDouble()).isNotNegative().isLessThan(600);
      assertThat(body.has("userId")).isFalse();
      assertThat(body.has("segment_id")).as("nulls are left out").isFalse();
      List<RankedItem> items = items(body);
      assertThat(items).as(user).isEqualTo(expected.items());
      assertRanked(items);
      assertThat(a.header("Larder-Batch")).isEqualTo(body.get("batch_id").asText());
      assertThat(Long.parseLong(a.header("Larder-Batch-Age"))).isNotNegative();
    }
    // users with interactions have their own lists
    assertThat(get("/v1/recommendations/" + RECS + "/u0").json().get("source").asText()).isEqualTo("user");
  }

  @Test
  void theLimitParameterCutsTheListAndBadLimitsAreRejected() {
    assertThat(items(get("/v1/recommendations/" + RECS + "/u3?limit=3").json())).hasSize(3)
        .isEqualTo(reader.recommend(RECS, "u3", 3).items());
    assertThat(items(get("/v1/recommendations/" + RECS + "/u3").json())).as("the default limit").hasSize(DEFAULT_LIMIT)
        .isEqualTo(reader.recommend(RECS, "u3", DEFAULT_LIMIT).items());
    assertThat(items(get("/v1/recommendations/" + RECS + "/u3?limit=1000").json()))
        .isEqualTo(reader.recommend(RECS, "u3", 1000).items());
    for (String bad : List.of("0", "abc", "5000", "-1", "2.5")) {
      Answer a = get("/v1/recommendations/" + RECS + "/u3?limit=" + bad);
      assertProblem(a, 400, "limit");
    }
    assertProblem(get("/v1/similar-items/" + RECS + "/i0?limit=0"), 400, "limit");
  }

  @Test
  void unknownJobsUsersAndKindsAnswerAsTheReadersDo() {
    Answer unknownJob = get("/v1/recommendations/no-such-job/u1");
    assertProblem(unknownJob, 404, "'no-such-job'");
    assertThat(unknownJob.json().get("error").asText()).contains(RECS);

    Recommendations expected = reader.recommend(RECS, "nobody", TOP_N);
    JsonNode stranger = get("/v1/recommendations/" + RECS + "/nobody?limit=" + TOP_N).json();
    assertThat(stranger.get("source").asText()).isEqualTo("fallback");
    assertThat(stranger.has("segment_id")).isFalse();
    assertThat(items(stranger)).isNotEmpty().isEqualTo(expected.items());
    assertRanked(items(stranger));

    // path segments are decoded: ids may hold spaces or slashes
    JsonNode spaced = get("/v1/recommendations/" + RECS + "/new%20user").json();
    assertThat(spaced.get("user_id").asText()).isEqualTo("new user");
    assertThat(get("/v1/recommendations/" + RECS + "/a%2Fb").json().get("user_id").asText()).isEqualTo("a/b");

    // a segments job asked for recommendations, and the other way round
    assertProblem(get("/v1/recommendations/" + SEG + "/u1"), 404, "serves segments, not recommendations");
    assertProblem(get("/v1/similar-items/" + RFM + "/i1"), 404, "serves segments, not recommendations");
    Answer wrongKind = get("/v1/segments/" + RECS + "/customers/u1");
    assertProblem(wrongKind, 404, "serves recommendations, not segments");
    assertThat(wrongKind.json().get("hint").asText()).contains(SEG).contains(RFM);
  }

  @Test
  void aCustomerWithASegmentButNoInteractionsGetsTheSegmentsList() {
    CustomerSegment segment = segments.segmentOf(SEG, SEGMENT_ONLY);
    Recommendations expected = reader.recommend(RECS, SEGMENT_ONLY, TOP_N);
    assertThat(expected.source()).isEqualTo(Recommendations.SEGMENT);

    Answer a = get("/v1/recommendations/" + RECS + "/" + SEGMENT_ONLY + "?limit=" + TOP_N);
    assertThat(a.status).isEqualTo(200);
    JsonNode body = a.json();
    assertThat(body.get("source").asText()).isEqualTo("segment");
    assertThat(body.get("segment_id").asInt()).isEqualTo(segment.segmentId());
    assertThat(body.get("segment_label").asText()).isEqualTo(segment.segmentLabel());
    assertThat(body.get("batch_id").asLong()).isEqualTo(expected.batchId()).isEqualTo(Long.parseLong(a.header("Larder-Batch")));
    assertThat(items(body)).isNotEmpty().isEqualTo(expected.items());
    // the list is the recommendations batch's (segment lists are published with it), not the segments job's
    assertThat(body.get("batch_id").asLong()).isEqualTo(reader.current(RECS).orElseThrow().id());
  }

  @Test
  void similarItemsEqualTheReadersListAndAnUnknownItemIs404() {
    for (String item : List.of("i0", "i1", "i42", "i99")) {
      SimilarItems expected = reader.similarItems(RECS, item, SIMILAR);
      Answer a = get("/v1/similar-items/" + RECS + "/" + item + "?limit=" + SIMILAR);
      assertThat(a.status).as(item).isEqualTo(200);
      JsonNode body = a.json();
      assertThat(body.get("item_id").asText()).isEqualTo(item);
      assertThat(body.get("batch_id").asLong()).isEqualTo(expected.batchId());
      assertThat(a.header("Larder-Batch")).isEqualTo(Long.toString(expected.batchId()));
      assertThat(items(body)).isNotEmpty().isEqualTo(expected.items());
      assertRanked(items(body));
    }
    assertThat(items(get("/v1/similar-items/" + RECS + "/i1?limit=2").json())).hasSize(2);
    assertProblem(get("/v1/similar-items/" + RECS + "/no-such-item"), 404, "'no-such-item'");
    assertProblem(get("/v1/similar-items/no-such-job/i1"), 404, "'no-such-job'");
  }

  // ---------------------------------------------------------------- segments

  @Test
  void aCustomersSegmentEqualsTheReaders() {
    for (String job : List.of(SEG, RFM)) {
      for (String customer : List.of("u0", "u5", "u123", "u499", SEGMENT_ONLY)) {
        CustomerSegment expected = segments.segmentOf(job, customer);
        Answer a = get("/v1/segments/" + job + "/customers/" + customer);
        assertThat(a.status).as("%s in %s", customer, job).isEqualTo(200);
        JsonNode body = a.json();
        assertThat(body.get("customer_id").asText()).isEqualTo(customer);
        assertThat(body.get("segment_id").asInt()).isEqualTo(expected.segmentId());
        assertThat(body.get("segment_label").asText()).isEqualTo(expected.segmentLabel());
        assertThat(body.get("batch_id").asLong()).isEqualTo(expected.batchId());
        assertThat(a.header("Larder-Batch")).isEqualTo(Long.toString(expected.batchId()));
        assertThat(body.get("recency_days").asDouble()).isEqualTo(expected.recencyDays());
        assertThat(body.get("monetary").asDouble()).isEqualTo(expected.monetary());
        assertThat(body.get("distance").floatValue()).isEqualTo(expected.distance());
        if (job.equals(RFM)) assertThat(body.get("rfm_score").asText()).matches("[1-5]{3}").isEqualTo(expected.rfmScore());
        assertThat(withoutAge(body)).isEqualTo(withoutAge(served(expected)));
      }
    }
    assertProblem(get("/v1/segments/" + SEG + "/customers/nobody"), 404, "'nobody'");
    assertProblem(get("/v1/segments/no-such-job/customers/u1"), 404, "'no-such-job'");
  }

  @Test
  void profileSizesAddUpToEveryCustomer() {
    for (String job : List.of(SEG, RFM)) {
      SegmentProfiles expected = segments.profiles(job);
      Answer a = get("/v1/segments/" + job + "/profiles");
      assertThat(a.status).isEqualTo(200);
      JsonNode body = a.json();
      assertThat(body.get("batch_id").asLong()).isEqualTo(expected.batchId());
      JsonNode profiles = body.get("profiles");
      if (job.equals(SEG)) assertThat(profiles).hasSize(3);
      long total = 0;
      for (JsonNode p : profiles) {
        assertThat(p.get("segment_id").asInt()).isPositive();
        assertThat(p.get("label").asText()).isNotBlank();
        total += p.get("size").asLong();
      }
      assertThat(total).as(job).isEqualTo(customers.size());
      assertThat(withoutAge(body)).isEqualTo(withoutAge(served(expected)));
      // k-means profiles carry their centroid as a JSON object of feature values
      if (job.equals(SEG)) assertThat(profiles.get(0).get("centroid").isObject()).isTrue();
    }
  }

  @Test
  void transitionsFollowTheReaderBeforeAndAfterASecondBatch() {
    // seg has one batch: nothing to move from
    JsonNode first = get("/v1/segments/" + SEG + "/transitions").json();
    assertThat(first.get("transitions")).isEmpty();
    assertThat(segments.transitions(SEG).transitions()).isEmpty();

    // a second rfm batch on the same data: every customer stays in their segment
    long before = reader.current(RFM).orElseThrow().id();
    JobConfig rfm = config("interactions.csv").jobs().get(RFM);
    long after = runner.run(rfm).batch().id();
    assertThat(after).isGreaterThan(before);
    Answer a = get("/v1/segments/" + RFM + "/transitions");
    assertThat(a.status).isEqualTo(200);
    assertThat(a.header("Larder-Batch")).isEqualTo(Long.toString(after));
    JsonNode transitions = a.json().get("transitions");
    assertThat(transitions).isNotEmpty();
    long moved = 0;
    for (JsonNode t : transitions) {
      assertThat(t.get("to_segment").asInt()).isEqualTo(t.get("from_segment").asInt());
      moved += t.get("customers").asLong();
    }
    assertThat(moved).isEqualTo(customers.size());
    assertThat(withoutAge(a.json())).isEqualTo(withoutAge(served(segments.transitions(RFM))));
  }

  // ---------------------------------------------------------------- members

  @Test
  void pagingVisitsEveryMemberOnceInIdOrderAndMatchesTheCsvExport() throws Exception {
    Set<String> everyone = new HashSet<>();
    for (JsonNode profile : get("/v1/segments/" + SEG + "/profiles").json().get("profiles")) {
      int segment = profile.get("segment_id").asInt();
      String path = "/v1/segments/" + SEG + "/members/" + segment;
      List<String> paged = new ArrayList<>();
      String after = null;
      int pages = 0;
      do {
        String query = "?limit=37" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        Answer a = get(path + query);
        assertThat(a.status).isEqualTo(200);
        JsonNode page = a.json();
        SegmentMembers expected = segments.members(SEG, segment, after, 37);
        assertThat(withoutAge(page)).isEqualTo(withoutAge(served(expected)));
        assertThat(page.get("segment_id").asInt()).isEqualTo(segment);
        assertThat(page.get("members").size()).isBetween(1, 37);
        for (JsonNode m : page.get("members")) paged.add(m.get("customer_id").asText());
        after = page.hasNonNull("next_after") ? page.get("next_after").asText() : null;
        if (after != null) assertThat(page.get("members")).hasSize(37);
        pages++;
      } while (after != null && pages < 1_000);
      assertThat(paged).as("segment %d", segment).doesNotHaveDuplicates().isSortedAccordingTo(Comparator.naturalOrder());
      assertThat((long) paged.size()).isEqualTo(profile.get("size").asLong());
      for (String c : paged) assertThat(everyone.add(c)).as("%s in two segments", c).isTrue();

      Answer csv = get(path + "?format=csv");
      assertThat(csv.status).isEqualTo(200);
      assertThat(csv.contentType()).startsWith("text/csv");
      assertThat(csv.header("Content-Disposition")).contains(SEG + "-segment-" + segment + ".csv");
      assertThat(csv.header("Larder-Batch")).isEqualTo(String.valueOf(segments.profiles(SEG).batchId()));
      assertThat(csv.body).startsWith(MembersCsv.HEADER);
      List<String> rows = csv.body.lines().skip(1).toList();
      assertThat(rows).hasSize(paged.size());
      assertThat(rows).extracting(r -> r.substring(0, r.indexOf(','))).isEqualTo(paged);
      StringWriter export = new StringWriter();
      segments.forEachMember(SEG, segment, new MembersCsv(export));
      assertThat(csv.body).isEqualTo(export.toString());
    }
    assertThat(everyone).isEqualTo(customers);
  }

  @Test
  void badMemberRequestsAreRejected() {
    String path = "/v1/segments/" + SEG + "/members/";
    assertProblem(get(path + "abc"), 400, "segment");
    assertProblem(get(path + "0"), 400, "segment");
    assertProblem(get(path + "1?format=xml"), 400, "format");
    assertProblem(get(path + "1?limit=0"), 400, "limit");
    assertProblem(get(path + "1?limit=10001"), 400, "limit");
    assertProblem(get(path + "99"), 404, "segment 99");
    assertProblem(get(path + "99?format=csv"), 404, "segment 99");
    assertProblem(get(path + "99?after=u1"), 404, "segment 99");
    assertProblem(get("/v1/segments/" + RECS + "/members/1"), 404, "serves recommendations, not segments");
  }

  // ---------------------------------------------------------------- jobs and freshness

  @Test
  void jobsListEveryCurrentBatchWithParamsAndMetricsAsObjects() throws Exception {
    Answer a = get("/v1/jobs");
    assertThat(a.status).isEqualTo(200);
    JsonNode jobs = a.json().get("jobs");
    List<String> names = new ArrayList<>();
    for (JsonNode j : jobs) {
      String job = j.get("job").asText();
      names.add(job);
      BatchInfo current = reader.current(job).orElseThrow();
      assertThat(j.get("batch_id").asLong()).isEqualTo(current.id());
      assertThat(j.get("is_current").asBoolean()).isTrue();
      assertThat(j.get("status").asText()).isEqualTo("published");
      assertThat(j.get("kind").asText()).isEqualTo(current.kind().text());
      assertThat(j.get("model").asText()).isEqualTo(current.model());
      assertThat(j.get("rows").asLong()).isEqualTo(current.rows());
      assertThat(j.get("params").isObject()).as("params of %s", job).isTrue();
      assertThat(j.get("metrics").isObject()).as("metrics of %s", job).isTrue();
      assertThat(j.get("params")).isEqualTo(JSON.readTree(current.params().toJson()));
      assertThat(j.get("metrics")).isEqualTo(JSON.readTree(current.metrics().toJson()));
      assertThat(Instant.parse(j.get("published_at").asText())).isEqualTo(current.publishedAt());
      assertThat(j.get("age").isNumber()).isTrue();
      assertThat(j.has("data_until")).as("data_until of %s, null when unknown", job).isTrue();
      if (current.dataUntil() == null) assertThat(j.get("data_until").isNull()).as("data_until of %s", job).isTrue();
      else assertThat(Instant.parse(j.get("data_until").asText())).isEqualTo(current.dataUntil());
    }
    // the status test may have added its probe job
    assertThat(names.stream().filter(n -> !n.equals(STATUS_PROBE) && !n.equals(REFRESHED)))
        .containsExactlyInAnyOrder(RECS, SEG, RFM, CHURN);
    assertThat(names).isEqualTo(reader.jobs());
    JsonNode seg = jobs.get(names.indexOf(SEG));
    assertThat(seg.get("params").get("k").asInt()).isEqualTo(3);
    assertThat(seg.get("metrics").get("customers").asLong()).isEqualTo(customers.size());
  }

  @Test
  void batchesAreListedNewestFirstWithOnlyTheCurrentOneMarked() {
    for (String job : List.of(RECS, SEG, RFM)) {
      Answer a = get("/v1/jobs/" + job + "/batches");
      assertThat(a.status).isEqualTo(200);
      JsonNode body = a.json();
      assertThat(body.get("job").asText()).isEqualTo(job);
      List<Long> ids = new ArrayList<>();
      List<Long> current = new ArrayList<>();
      for (JsonNode b : body.get("batches")) {
        ids.add(b.get("batch_id").asLong());
        if (b.get("is_current").asBoolean()) current.add(b.get("batch_id").asLong());
        assertThat(b.get("params").isObject()).isTrue();
      }
      assertThat(ids).isNotEmpty().isSortedAccordingTo(Comparator.reverseOrder())
          .isEqualTo(reader.batches(job).stream().map(BatchInfo::id).toList());
      assertThat(current).containsExactly(reader.current(job).orElseThrow().id());
    }
    assertProblem(get("/v1/jobs/no-such-job/batches"), 404, "'no-such-job'");
  }

  @Test
  void statusIsOkWithinMaxAgeAndStaleBeyondIt() {
    Answer fresh = get("/v1/status?max_age=1d");
    assertThat(fresh.status).isEqualTo(200);
    assertThat(fresh.json().get("status").asText()).isEqualTo("ok");
    assertThat(fresh.json().get("max_age").asDouble()).isEqualTo(86_400.0);
    List<String> jobs = new ArrayList<>();
    for (JsonNode j : fresh.json().get("jobs")) {
      jobs.add(j.get("job").asText());
      assertThat(j.get("stale").asBoolean()).isFalse();
    }
    assertThat(jobs).isEqualTo(reader.jobs());

    Answer stale = get("/v1/status?max_age=0s");
    assertThat(stale.status).isEqualTo(503);
    assertThat(stale.json().get("status").asText()).isEqualTo("stale");
    assertThat(stale.json().get("jobs")).hasSize(jobs.size())
        .allSatisfy(j -> assertThat(j.get("stale").asBoolean()).as(j.get("job").asText()).isTrue());

    Answer unbounded = get("/v1/status");
    assertThat(unbounded.status).isEqualTo(200);
    assertThat(unbounded.json().has("max_age")).isFalse();
    assertProblem(get("/v1/status?max_age=abc"), 400, "max_age");
  }

  /** A job of the status test's own, so that its failed runs touch no other test's jobs. */
  private static final String STATUS_PROBE = "status-probe";

  @Test
  void statusIsFailingWhileAJobNeverPublishedOrItsLatestRunFailed() {
    String job = STATUS_PROBE;
    Publisher publisher = new Publisher(store);
    publisher.begin(job, BatchKind.SCORES, "probe", BatchParams.NONE).close(); // closed without publishing: a failed run
    Answer never = get("/v1/status");
    assertThat(never.status).isEqualTo(503);
    assertThat(never.json().get("status").asText()).isEqualTo("failing");
    JsonNode probe = jobNamed(never.json(), job);
    assertThat(probe.get("state").asText()).isEqualTo("never_published");
    assertThat(probe.has("batch_id")).isFalse();

    long serving = publishOneScore(publisher, job);
    assertThat(get("/v1/status").status).isEqualTo(200);

    long failed;
    try (var w = publisher.begin(job, BatchKind.SCORES, "probe", BatchParams.NONE)) {
      failed = w.batchId();
    }
    Answer latestFailed = get("/v1/status");
    assertThat(latestFailed.status).isEqualTo(503);
    probe = jobNamed(latestFailed.json(), job);
    assertThat(probe.get("state").asText()).isEqualTo("failed");
    assertThat(probe.get("batch_id").asLong()).isEqualTo(serving);
    assertThat(probe.get("latest_failure").get("batch_id").asLong()).isEqualTo(failed);
    assertThat(probe.get("latest_failure").get("message").asText()).isNotBlank();

    publishOneScore(publisher, job); // healthy again, for the other tests
    assertThat(get("/v1/status").status).isEqualTo(200);
  }

  private static JsonNode jobNamed(JsonNode status, String job) {
    for (JsonNode j : status.get("jobs")) if (j.get("job").asText().equals(job)) return j;
    throw new AssertionError("no job '" + job + "' in " + status);
  }

  private static long publishOneScore(Publisher publisher, String job) {
    try (var w = publisher.begin(job, BatchKind.SCORES, "probe", BatchParams.NONE)) {
      Scores.Builder b = new Scores.Builder();
      b.add("e1", 0.5, null);
      w.scores().write(b.build());
      return w.publish(3).id();
    }
  }

  // ---------------------------------------------------------------- operations

  @Test
  void healthReadyAndUnknownPaths() {
    Answer health = get("/health");
    assertThat(health.status).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("up");
    Answer ready = get("/ready");
    assertThat(ready.status).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    assertThat(ready.json().get("store").asText()).isEqualTo(store.kind().name().toLowerCase(java.util.Locale.ROOT));

    Answer unknown = get("/v2/nothing/here");
    assertProblem(unknown, 404, "/v2/nothing/here");
    assertProblem(get("/v1/recommendations/" + RECS), 404, "/v1/recommendations/" + RECS);
  }

  @Test
  void metricsCountRequestsByRouteAndShowEachJobsBatchAge() throws Exception {
    String route = "route=\"" + RECS_ROUTE + "\"";
    long before = metric(get("/metrics").body, "larder_http_requests_total{" + route + ",status=\"200\"}");
    long notFoundBefore = metric(get("/metrics").body, "larder_http_requests_total{route=\"unmatched\",status=\"404\"}");
    int n = 7;
    for (int i = 0; i < n; i++) assertThat(get("/v1/recommendations/" + RECS + "/u" + i).status).isEqualTo(200);
    assertThat(get("/no/such/endpoint").status).isEqualTo(404);

    // a request is counted once its log line runs, which may be just after its response went out
    String text = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      text = get("/metrics").body;
      if (metric(text, "larder_http_requests_total{" + route + ",status=\"200\"}") >= before + n
          && metric(text, "larder_http_requests_total{route=\"unmatched\",status=\"404\"}") >= notFoundBefore + 1) {
        break;
      }
      Thread.sleep(20);
    }
    long count = metric(text, "larder_http_requests_total{" + route + ",status=\"200\"}");
    assertThat(count).isGreaterThanOrEqualTo(before + n);
    assertThat(metric(text, "larder_http_requests_total{route=\"unmatched\",status=\"404\"}"))
        .isGreaterThanOrEqualTo(notFoundBefore + 1);
    long histogramCount = metric(text, "larder_http_request_seconds_count{" + route + "}");
    assertThat(histogramCount).isGreaterThanOrEqualTo(count);
    assertThat(metric(text, "larder_http_request_seconds_bucket{" + route + ",le=\"+Inf\"}")).isEqualTo(histogramCount);
    assertThat(text).contains("# TYPE larder_http_request_seconds histogram");
    for (String job : reader.jobs()) {
      BatchInfo b = reader.current(job).orElseThrow();
      String labels = "{job=\"" + job + "\",kind=\"" + b.kind() + "\"}";
      assertThat(text).contains("larder_batch_age_seconds" + labels + " ");
      assertThat(decimal(text, "larder_batch_age_seconds" + labels)).isNotNegative().isLessThan(600);
      assertThat(metric(text, "larder_batch_id" + labels)).isEqualTo(b.id());
    }
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointAndNothingElse() throws Exception {
    Answer doc = get("/openapi.yaml");
    assertThat(doc.status).isEqualTo(200);
    assertThat(doc.contentType()).startsWith("application/yaml");
    JsonNode spec = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(doc.body);
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    List<String> described = new ArrayList<>();
    spec.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
        .forEachRemaining(method -> described.add(method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
    assertThat(described).containsExactlyInAnyOrderElementsOf(server.endpoints());
    // typed clients need a schema for every answer with a body: inline, or through a shared response
    spec.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op ->
        op.getValue().get("responses").fields().forEachRemaining(r -> {
          JsonNode answer = r.getValue();
          if (answer.has("$ref") || r.getKey().equals("304")) return;
          assertThat(answer.get("content")).as(op.getKey() + " " + p.getKey() + " " + r.getKey()).isNotNull();
          answer.get("content").forEach(c -> assertThat(c.has("schema")).as(p.getKey() + " " + r.getKey()).isTrue());
        })));
  }

  // ---------------------------------------------------------------- refreshes

  /** A recommendations job of the refresh test's own: a base of three users, then a refresh of one of them. */
  private static final String REFRESHED = "refreshed";

  @Test
  void aRefreshedJobNamesItsBaseAndRefreshInHeadersJobsBatchesAndStatus() throws Exception {
    Publisher pub = new Publisher(store);
    larder.core.IdMap users = new larder.core.IdMap(), items = new larder.core.IdMap();
    for (String u : List.of("r1", "r2", "r3")) users.intern(u);
    for (String i : List.of("i1", "i2", "i3")) items.intern(i);
    BatchInfo baseBatch;
    try (larder.publish.BatchLoader w = pub.begin(REFRESHED, BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < 3; u++) sink.accept(u, new int[] {0, 1}, new float[] {2f, 1f}, 2);
      w.recommendations().writeFallback(new int[] {2}, new float[] {1f}, 1, items);
      baseBatch = w.publish(2);
    }
    // the base 5 minutes old before anyone reads it, so its age and the refresh's differ
    store.write("age the base", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET published_at = ? WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, baseBatch.publishedAt().minus(Duration.ofMinutes(5)));
        ps.setLong(2, baseBatch.id());
        return ps.executeUpdate();
      }
    });
    BatchInfo refresh;
    try (larder.publish.RefreshLoader r = pub.beginRefresh(REFRESHED, "test", BatchParams.NONE)) {
      r.putList("r1", new int[] {2}, new float[] {3f}, 1, items);
      refresh = r.publish();
    }
    String b = Long.toString(baseBatch.id()), f = Long.toString(refresh.id());

    Answer own = get("/v1/recommendations/" + REFRESHED + "/r1");
    Answer untouched = get("/v1/recommendations/" + REFRESHED + "/r2");
    Answer unknown = get("/v1/recommendations/" + REFRESHED + "/nobody");
    assertThat(own.header("Larder-Batch")).as("the list's batch").isEqualTo(f).isEqualTo(own.json().get("batch_id").asText());
    assertThat(untouched.header("Larder-Batch")).isEqualTo(b);
    assertThat(unknown.json().get("source").asText()).isEqualTo("fallback");
    assertThat(unknown.header("Larder-Batch")).isEqualTo(b);
    for (Answer a : List.of(own, untouched, unknown)) {
      assertThat(a.status).isEqualTo(200);
      assertThat(a.header("Larder-Base-Batch")).isEqualTo(b);
      assertThat(a.header("Larder-Refresh")).isEqualTo(f);
      long baseAge = Long.parseLong(a.header("Larder-Base-Age")), refreshAge = Long.parseLong(a.header("Larder-Refresh-Age"));
      assertThat(baseAge).isBetween(300L, 600L);
      assertThat(refreshAge).isNotNegative().isLessThan(baseAge - 200);
      assertThat(a.json().has("serving")).as("headers only").isFalse();
    }
    assertThat(Long.parseLong(own.header("Larder-Batch-Age"))).isEqualTo(Long.parseLong(own.header("Larder-Refresh-Age")));

    // a job without refresh: its base is the answering batch, and no refresh headers
    Answer plain = get("/v1/recommendations/" + RECS + "/u0");
    assertThat(plain.header("Larder-Base-Batch")).isEqualTo(plain.header("Larder-Batch"));
    assertThat(plain.header("Larder-Refresh")).isNull();
    assertThat(plain.header("Larder-Refresh-Age")).isNull();
    Answer similar = get("/v1/similar-items/" + RECS + "/i1");
    assertThat(similar.header("Larder-Base-Batch")).isEqualTo(similar.header("Larder-Batch"));

    Map<String, JsonNode> jobs = new HashMap<>();
    get("/v1/jobs").json().get("jobs").forEach(j -> jobs.put(j.get("job").asText(), j));
    JsonNode job = jobs.get(REFRESHED);
    assertThat(job.get("batch_id").asLong()).isEqualTo(baseBatch.id());
    assertThat(job.get("base_batch_id").isNull()).isTrue();
    assertThat(job.get("refresh").get("batch_id").asLong()).isEqualTo(refresh.id());
    assertThat(job.get("refresh").get("base_batch_id").asLong()).isEqualTo(baseBatch.id());
    assertThat(job.get("refresh").get("is_current").asBoolean()).isTrue();
    assertThat(job.get("refresh").get("keys").asLong()).isEqualTo(1);
    assertThat(jobs.get(RECS).get("refresh").isNull()).as("present, null: the base serves alone").isTrue();
    assertThat(jobs.get(RECS).get("base_batch_id").isNull()).isTrue();

    List<Long> current = new ArrayList<>();
    for (JsonNode x : get("/v1/jobs/" + REFRESHED + "/batches").json().get("batches")) {
      if (x.get("is_current").asBoolean()) current.add(x.get("batch_id").asLong());
      if (x.get("batch_id").asLong() == refresh.id()) assertThat(x.get("base_batch_id").asLong()).isEqualTo(baseBatch.id());
    }
    assertThat(current).containsExactly(refresh.id(), baseBatch.id());

    // stale judges the newer of base and refresh: the 5-minute-old base alone would be stale at 4 minutes
    JsonNode status = null;
    for (JsonNode j : get("/v1/status?max_age=4m").json().get("jobs")) if (j.get("job").asText().equals(REFRESHED)) status = j;
    assertThat(status.get("batch_id").asLong()).isEqualTo(baseBatch.id());
    assertThat(status.get("refresh").get("batch_id").asLong()).isEqualTo(refresh.id());
    assertThat(status.get("stale").asBoolean()).isFalse();
    assertThat(status.get("state").asText()).isEqualTo("ok");

    String metrics = get("/metrics").body;
    String labels = "{job=\"" + REFRESHED + "\",kind=\"recommendations\"}";
    assertThat(metric(metrics, "larder_batch_id" + labels)).isEqualTo(baseBatch.id());
    assertThat(metric(metrics, "larder_refresh_id" + labels)).isEqualTo(refresh.id());
    assertThat(decimal(metrics, "larder_refresh_age_seconds" + labels)).isNotNegative()
        .isLessThan(decimal(metrics, "larder_batch_age_seconds" + labels) - 200);
    assertThat(metrics).doesNotContain("larder_refresh_id{job=\"" + RECS + "\"");
  }

  // ---------------------------------------------------------------- imported scores

  @Test
  void anEntitysScoreAndTheTopScoresComeFromTheImportedBatch() {
    Answer one = get("/v1/scores/" + CHURN + "/entities/c3");
    assertThat(one.status).as(one.body).isEqualTo(200);
    JsonNode e = one.json();
    assertThat(e.get("entity_id").asText()).isEqualTo("c3");
    assertThat(e.get("score").asDouble()).isEqualTo(churnOf(3));
    assertThat(e.get("label").asText()).isEqualTo("high");
    assertThat(one.header("Larder-Batch")).isEqualTo(e.get("batch_id").asText());
    assertThat(get("/v1/scores/" + CHURN + "/entities/c4").json().has("label")).as("no label, no field").isFalse();

    Answer top = get("/v1/scores/" + CHURN + "/top?limit=5");
    List<String> ids = new ArrayList<>();
    top.json().get("entities").forEach(x -> ids.add(x.get("entity_id").asText()));
    assertThat(ids).containsExactly("c0", "c1", "c2", "c3", "c4");
    List<String> high = new ArrayList<>();
    get("/v1/scores/" + CHURN + "/top?limit=1000&label=high").json().get("entities")
        .forEach(x -> high.add(x.get("entity_id").asText()));
    assertThat(high).hasSize(CHURN_ENTITIES / 3).startsWith("c0", "c3", "c6");

    assertProblem(get("/v1/scores/" + CHURN + "/entities/nobody"), 404, "nobody");
    assertProblem(get("/v1/scores/" + RECS + "/entities/c1"), 404, "not scores");
    assertProblem(get("/v1/scores/" + CHURN + "/top?limit=0"), 400, "limit");
  }

  // ---------------------------------------------------------------- access, admin, readiness

  static final String READ_KEY = "read-key-0123456789abcdef";
  static final String ADMIN_KEY = "admin-key-0123456789abcdef";

  @Test
  void withKeysSetReadsNeedAKeyAndAdminNeedsAnAdminKey() {
    try (LarderHttp guarded = LarderHttp.start(store, HttpOptions.defaults().withPort(0)
        .withKeys(ApiKeys.parse(READ_KEY, ADMIN_KEY)))) {
      String at = "http://127.0.0.1:" + guarded.port();
      Answer none = send(at, "GET", "/v1/jobs");
      assertProblem(none, 401, "needs a key");
      assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
      assertProblem(send(at, "GET", "/v1/jobs", "Authorization", "Bearer not-the-key-0123456789"), 401, "not valid");
      assertProblem(send(at, "GET", "/metrics"), 401, "needs a key");
      assertThat(send(at, "GET", "/v1/jobs", "X-Api-Key", READ_KEY).status).isEqualTo(200);
      assertThat(send(at, "GET", "/v1/recommendations/" + RECS + "/u1", "Authorization", "Bearer " + ADMIN_KEY).status)
          .as("an admin key reads too").isEqualTo(200);
      // load balancers probe without keys
      assertThat(send(at, "GET", "/health").status).isEqualTo(200);
      assertThat(send(at, "GET", "/ready").status).isEqualTo(200);

      assertProblem(send(at, "POST", "/v1/jobs/" + RFM + "/rollback"), 401, "needs a key");
      assertProblem(send(at, "POST", "/v1/jobs/" + RFM + "/rollback", "X-Api-Key", READ_KEY), 403, "may read but not administer");

      // A new rfm batch, rolled back over HTTP, then forward again to where it was.
      long before = reader.current(RFM).orElseThrow().id();
      long newer = runner.run(recsOrSegments(RFM)).batch().id();
      int audited = rollbacks(RFM).size();
      Answer back = send(at, "POST", "/v1/jobs/" + RFM + "/rollback", "Authorization", "Bearer " + ADMIN_KEY);
      assertThat(back.status).as(back.body).isEqualTo(200);
      assertThat(back.json().get("now_serving").get("batch_id").asLong()).isEqualTo(before);
      assertThat(reader.current(RFM).orElseThrow().id()).isEqualTo(before);
      Answer forward = send(at, "POST", "/v1/jobs/" + RFM + "/rollback?to=" + newer, "X-Api-Key", ADMIN_KEY);
      assertThat(forward.status).as(forward.body).isEqualTo(200);
      assertThat(reader.current(RFM).orElseThrow().id()).isEqualTo(newer);
      assertProblem(send(at, "POST", "/v1/jobs/" + RFM + "/rollback?to=1", "X-Api-Key", ADMIN_KEY), 404, "not a kept batch");
      assertProblem(send(at, "POST", "/v1/jobs/nojob/rollback", "X-Api-Key", ADMIN_KEY), 404, "nojob");
      // both audited with the admin key's label, never the key; the refused ones not at all
      List<larder.store.Rollbacks.Entry> log = rollbacks(RFM);
      assertThat(log).hasSize(audited + 2);
      String label = ApiKeys.label(ADMIN_KEY);
      assertThat(label).matches("key [0-9a-f]{12}");
      assertThat(log.subList(0, 2)).extracting(e -> e.fromBatch() + ">" + e.toBatch() + " " + e.rolledBy())
          .containsExactly(before + ">" + newer + " " + label, newer + ">" + before + " " + label);
    }
  }

  @Test
  void postedEventsLeaveItemsOutOfThatUsersListsAndBadBodiesNameTheField() {
    try (LarderHttp guarded = LarderHttp.start(store, HttpOptions.defaults().withPort(0)
        .withKeys(ApiKeys.parse(READ_KEY, ADMIN_KEY)))) {
      String at = "http://127.0.0.1:" + guarded.port();
      String user = "u31", other = "u32";
      List<RankedItem> stored = reader.recommend(RECS, user, TOP_N).items();
      List<RankedItem> othersBefore = reader.recommend(RECS, other, TOP_N).items();
      assertThat(stored).as("a list long enough to show the limit kept").hasSize(TOP_N);
      String first = stored.get(0).itemId(), third = stored.get(2).itemId(), fourth = stored.get(3).itemId();
      String event = "{\"job\": \"" + RECS + "\", \"user\": \"" + user + "\", \"item\": \"" + first + "\"}";

      assertProblem(post(at, "/v1/events", event), 401, "needs a key");
      assertProblem(post(at, "/v1/events", event, "X-Api-Key", READ_KEY), 403, "may read but not administer");
      assertProblem(post(base, "/v1/events", event, "X-Api-Key", ADMIN_KEY), 403, "admin endpoints are off");
      String future = Instant.now().plus(Duration.ofHours(1)).toString();
      Map<String, String> bad = new java.util.LinkedHashMap<>();
      bad.put("{\"job\": \"" + RECS + "\", \"item\": \"i1\"}", "'user'");
      bad.put("[" + event + ", {\"job\": \"" + RECS + "\", \"user\": \"\", \"item\": \"i1\"}]", "'events[1].user'");
      bad.put("{\"job\": \"" + RECS + "\", \"user\": \"u\\u0007\", \"item\": \"i1\"}", "'user'");
      bad.put("{\"job\": \"" + RECS + "\", \"user\": \"u\", \"item\": \"" + "x".repeat(513) + "\"}", "'item'");
      bad.put("{\"job\": 7, \"user\": \"u\", \"item\": \"i1\"}", "'job'");
      bad.put("{\"job\": \"" + RECS + "\", \"user\": \"u\", \"item\": \"i1\", \"at\": \"" + future + "\"}", "'at'");
      bad.put("{\"job\": \"" + RECS + "\", \"user\": \"u\", \"item\": \"i1\", \"at\": \"yesterday\"}", "'at'");
      bad.put("{\"job\": \"" + RECS + "\", \"user_id\": \"u\", \"item\": \"i1\"}", "'user_id'");
      bad.put("[]", "'events'");
      bad.put("[" + event + ", 3]", "'events[1]'");
      bad.put("{\"job\": ", "not JSON");
      for (var b : bad.entrySet()) {
        assertProblem(post(at, "/v1/events", b.getKey(), "X-Api-Key", ADMIN_KEY), 400, b.getValue());
      }
      assertThat(eventCount()).as("a refused body writes nothing, not even its good events").isZero();

      Instant beforeBatch = reader.current(RECS).orElseThrow().createdAt().minusSeconds(3600);
      Answer ok = post(at, "/v1/events", "[" + event + ", {\"job\": \"" + RECS + "\", \"user\": \"" + user
          + "\", \"item\": \"" + third + "\", \"at\": \"" + Instant.now() + "\"}, {\"job\": \"" + RECS
          + "\", \"user\": \"" + user + "\", \"item\": \"" + fourth + "\", \"at\": \"" + beforeBatch
          + "\"}, {\"job\": \"" + RECS + "\", \"user\": \"" + other + "\", \"item\": \""
          + othersBefore.get(0).itemId() + "\", \"at\": \"" + beforeBatch + "\"}]", "Authorization", "Bearer " + ADMIN_KEY);
      assertThat(ok.status).as(ok.body).isEqualTo(200);
      assertThat(ok.json().get("recorded").asInt()).isEqualTo(4);

      Answer fresh = send(at, "GET", "/v1/recommendations/" + RECS + "/" + user + "?limit=5", "X-Api-Key", READ_KEY);
      List<RankedItem> want = new ArrayList<>(stored);
      want.removeIf(i -> i.itemId().equals(first) || i.itemId().equals(third)); // the fourth was before the batch
      assertThat(items(fresh.json())).as("left out, stored ranks kept, still 5").isEqualTo(want.subList(0, 5));
      assertThat(freshView(user)).as("the view for SQL readers agrees").isEqualTo(want);
      assertThat(items(send(at, "GET", "/v1/recommendations/" + RECS + "/" + other + "?limit=" + TOP_N, "X-Api-Key",
          READ_KEY).json())).as("an event before the batch changes nothing").isEqualTo(othersBefore);
    } finally {
      store.write("forget the test's events", c -> {
        larder.store.Store.execute(c, "DELETE FROM larder_events");
        return null;
      });
    }
  }

  private int eventCount() {
    return store.read("count events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM larder_events"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  private List<RankedItem> freshView(String user) {
    return store.read("read the fresh view", c -> {
      List<RankedItem> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT rank, item_id, score FROM larder_recommendations_fresh"
          + " WHERE job = ? AND user_id = ? ORDER BY rank")) {
        ps.setString(1, RECS);
        ps.setString(2, user);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new RankedItem(rs.getInt(1), rs.getString(2), rs.getFloat(3)));
        }
      }
      return out;
    });
  }

  private List<larder.store.Rollbacks.Entry> rollbacks(String job) {
    return store.read("read the rollback log", c -> larder.store.Rollbacks.ofJob(c, store.dialect(), job));
  }

  @Test
  void compareAndRollbacksAnswerFromTheStore() {
    long before = reader.current(RECS).orElseThrow().id();
    long again = runner.run(recsVariants.get(2)).batch().id(); // the same data and model: the same lists
    Answer c = get("/v1/jobs/" + RECS + "/compare?a=" + before + "&b=" + again);
    assertThat(c.status).as(c.body).isEqualTo(200);
    JsonNode churn = c.json().get("churn");
    assertThat(churn.get("users_in_both").asLong()).isEqualTo(reader.current(RECS).orElseThrow().keys()).isPositive();
    assertThat(churn.get("users_changed").asLong()).isZero();
    assertThat(churn.get("mean_jaccard").asDouble()).isEqualTo(1.0);
    assertThat(churn.get("users_only_in_a").asLong() + churn.get("users_only_in_b").asLong()).isZero();
    assertThat(c.json().get("a").get("batch_id").asLong()).isEqualTo(before);
    assertThat(c.json().get("b").get("is_current").asBoolean()).isTrue();
    for (JsonNode p : c.json().get("params")) assertThat(p.get("changed").asBoolean()).as(p.toString()).isFalse();
    assertProblem(get("/v1/jobs/" + RECS + "/compare?a=" + before), 400, "b");
    long rfm = reader.current(RFM).orElseThrow().id();
    assertProblem(get("/v1/jobs/" + RECS + "/compare?a=" + before + "&b=" + rfm), 404, "is job '" + RFM + "'");

    Answer log = get("/v1/jobs/" + RFM + "/rollbacks");
    assertThat(log.status).isEqualTo(200);
    assertThat(log.json().get("rollbacks").size()).isEqualTo(rollbacks(RFM).size());
    assertProblem(get("/v1/jobs/nojob/rollbacks"), 404, "nojob");
  }

  @Test
  void adminEndpointsAreOffWithoutAdminKeysAndShortKeysAreRefused() {
    long current = reader.current(RFM).orElseThrow().id();
    assertProblem(send(base, "POST", "/v1/jobs/" + RFM + "/rollback"), 403, "admin endpoints are off");
    assertThat(reader.current(RFM).orElseThrow().id()).isEqualTo(current);
    assertThatThrownBy(() -> ApiKeys.parse("short", null)).isInstanceOf(larder.core.ConfigException.class)
        .hasMessageContaining("at least " + ApiKeys.MIN_LENGTH);
  }

  @Test
  void readinessFailsWhenABatchIsOlderThanTheMaxAge() throws Exception {
    try (LarderHttp fresh = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withMaxAge(Duration.ofDays(1)));
        LarderHttp strict = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withMaxAge(Duration.ofMillis(1)))) {
      Answer ok = send("http://127.0.0.1:" + fresh.port(), "GET", "/ready");
      assertThat(ok.status).as(ok.body).isEqualTo(200);
      assertThat(ok.json().get("stale_jobs")).isEmpty();
      Thread.sleep(5); // every batch is now older than 1 ms
      Answer stale = send("http://127.0.0.1:" + strict.port(), "GET", "/ready");
      assertThat(stale.status).as(stale.body).isEqualTo(503);
      assertThat(stale.json().get("status").asText()).isEqualTo("stale");
      List<String> staleJobs = new ArrayList<>();
      stale.json().get("stale_jobs").forEach(j -> staleJobs.add(j.asText()));
      assertThat(staleJobs).containsExactlyInAnyOrderElementsOf(reader.jobs());
    }
  }

  @Test
  void readyTellsOnlyItsStatusToCallersWhoMayNotReadTheApi() throws Exception {
    ApiKeys keys = ApiKeys.parse(READ_KEY, null);
    try (LarderHttp guarded = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withKeys(keys));
        LarderHttp stale = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withKeys(keys).withMaxAge(Duration.ofMillis(1)))) {
      Answer open = send("http://127.0.0.1:" + guarded.port(), "GET", "/ready");
      assertThat(open.status).isEqualTo(200);
      assertThat(open.body).isEqualTo("{\"status\":\"ready\"}");
      Answer keyed = send("http://127.0.0.1:" + guarded.port(), "GET", "/ready", "X-Api-Key", READ_KEY);
      assertThat(keyed.json().get("store").asText()).isEqualTo(store.kind().name().toLowerCase(java.util.Locale.ROOT));
      Thread.sleep(5); // every batch is now older than 1 ms
      Answer old = send("http://127.0.0.1:" + stale.port(), "GET", "/ready");
      assertThat(old.status).isEqualTo(503);
      assertThat(old.body).as("no job names").isEqualTo("{\"status\":\"stale\"}");
      assertThat(send("http://127.0.0.1:" + stale.port(), "GET", "/ready", "Authorization", "Bearer " + READ_KEY)
          .json().get("stale_jobs")).hasSize(reader.jobs().size());
    }
    // A store that does not answer: its location and the driver's text only for those who may read the API.
    Store gone = Store.open(store.location());
    try (LarderHttp guarded = LarderHttp.start(gone, HttpOptions.defaults().withPort(0).withKeys(keys));
        LarderHttp everywhere = LarderHttp.start(gone, HttpOptions.defaults().withHost("0.0.0.0").withPort(0));
        LarderHttp local = LarderHttp.start(gone, HttpOptions.defaults().withPort(0))) {
      gone.close();
      String where = store.location().kind() == larder.store.Dialect.Kind.SQLITE ? store.location().file().toString()
          : store.location().display();
      for (Answer hidden : List.of(send("http://127.0.0.1:" + guarded.port(), "GET", "/ready"),
          send("http://127.0.0.1:" + guarded.port(), "GET", "/ready", "X-Api-Key", "not-the-key-0123456789"),
          send("http://127.0.0.1:" + everywhere.port(), "GET", "/ready"),
          send("http://127.0.0.1:" + everywhere.port(), "GET", "/v1/jobs"))) {
        assertProblem(hidden, 503, "the store is unavailable");
        assertThat(hidden.body).doesNotContain(where).doesNotContain(gone.name()).doesNotContain("closed");
      }
      assertProblem(send("http://127.0.0.1:" + guarded.port(), "GET", "/ready", "X-Api-Key", READ_KEY), 503, gone.name());
      assertProblem(send("http://127.0.0.1:" + local.port(), "GET", "/ready"), 503, gone.name());
    } finally {
      gone.close();
    }
  }

  @Test
  void aHostThatIsNoAddressOfThisMachineAndADefaultLimitNoRequestMayAskAreRefusedAtStart() {
    assertThatThrownBy(() -> LarderHttp.start(store, HttpOptions.defaults().withPort(0).withHost("999.1.1.1")))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("--host = 999.1.1.1")
        .hasMessageContaining("not a valid IPv4 address").hasMessageNotContaining("port");
    // TEST-NET-3: a valid address, reserved for documentation, so never this machine's
    assertThatThrownBy(() -> LarderHttp.start(store, HttpOptions.defaults().withPort(0).withHost("203.0.113.9")))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("--host = 203.0.113.9")
        .hasMessageContaining("not an address of this machine");
    assertThatThrownBy(() -> HttpOptions.defaults().withDefaultLimit(100_000))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("--default-limit = 100000")
        .hasMessageContaining("from 1 to " + Routes.MAX_LIMIT);
    try (LarderHttp longest = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withHost("localhost")
        .withDefaultLimit(Routes.MAX_LIMIT))) {
      Answer a = get("http://127.0.0.1:" + longest.port(), "/v1/recommendations/" + RECS + "/u1");
      assertThat(a.status).as(a.body).isEqualTo(200);
      assertThat(get("http://127.0.0.1:" + longest.port(), "/v1/scores/" + CHURN + "/top").json().get("entities"))
          .hasSize(CHURN_ENTITIES);
    }
  }

  @Test
  void echoedPathAndQueryValuesHaveTheirControlCharactersEscaped() {
    // ESC [ 31 m recolours a terminal; DEL, and U+009B (CSI) and U+202E (right-to-left override) as UTF-8
    Answer badLimit = get("/v1/recommendations/" + RECS + "/u1?limit=%01%1b%5b31m%7f%c2%9b%e2%80%ae");
    assertProblem(badLimit, 400, "limit = \\u0001\\u001B[31m\\u007F\\u009B\\u202E");
    Answer badJob = get("/v1/recommendations/no%1b%5b2Jjob/u1");
    assertProblem(badJob, 404, "no\\u001B[2Jjob");
    Answer badPath = get("/v9/%1b%5b2J%c2%85");
    assertProblem(badPath, 404, "/v9/%1b%5b2J%c2%85"); // an unknown path is echoed as sent: still encoded
    for (Answer a : List.of(badLimit, badJob, badPath)) {
      assertThat(a.body.chars().filter(c -> Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT))
          .as(a.body).isEmpty();
      String error = a.json().get("error").asText();
      assertThat(error.chars().filter(c -> Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT))
          .as("decoded, too: %s", error).isEmpty();
    }
  }

  /** The config's job of that name, as published in set-up. */
  JobConfig recsOrSegments(String name) {
    return config("interactions.csv").jobs().get(name);
  }

  Answer post(String server, String path, String json, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), new HttpHeadersView(r.headers()), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Answer send(String server, String method, String pathAndQuery, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + pathAndQuery)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), new HttpHeadersView(r.headers()), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aServerWithTheFewestRequestThreadsStartsAndAnswers() {
    // Jetty's own acceptor and selector threads come on top of the request threads asked for.
    try (LarderHttp small = LarderHttp.start(store, HttpOptions.defaults().withPort(0).withMaxThreads(2))) {
      Answer a = get("http://127.0.0.1:" + small.port(), "/v1/recommendations/" + RECS + "/u1");
      assertThat(a.status).isEqualTo(200);
      assertThat(a.json().get("items").size()).isPositive();
    }
  }

  @Test
  void aStoreThatIsGoneAnswers503WhileHealthStaysUp() {
    Store other = Store.open(store.location());
    try (LarderHttp second = LarderHttp.start(other, HttpOptions.defaults().withPort(0))) {
      assertThat(second.port()).isNotEqualTo(server.port());
      String at = "http://127.0.0.1:" + second.port();
      assertThat(get(at, "/ready").status).isEqualTo(200);
      assertThat(get(at, "/v1/recommendations/" + RECS + "/u1").status).isEqualTo(200);
      other.close();
      assertProblem(get(at, "/ready"), 503, other.name()); // open API on loopback: the details too
      assertProblem(get(at, "/v1/recommendations/" + RECS + "/u1"), 503, "'" + RECS + "'");
      assertProblem(get(at, "/v1/segments/" + SEG + "/members/1?format=csv"), 503, "'" + SEG + "'");
      // liveness does not depend on the store
      assertThat(get(at, "/health").status).isEqualTo(200);
    } finally {
      other.close();
    }
    // the other server's store was its own: this one still answers
    assertThat(get("/ready").status).isEqualTo(200);
  }

  // ---------------------------------------------------------------- atomicity

  @Test
  void whileTheJobRepublishesEveryAnswerIsOneBatchsWholeList() throws Exception {
    String user = steadyUser();
    Map<Long, List<List<RankedItem>>> answers = new ConcurrentHashMap<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean publishing = new AtomicBoolean(true);
    int clients = 4;
    CountDownLatch started = new CountDownLatch(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
    List<Long> published = new ArrayList<>();
    try {
      List<Future<Integer>> requests = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        requests.add(pool.submit(() -> {
          int made = 0;
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
          boolean last = false;
          // bounded in time; one more round after publishing stops so the final batch is seen too
          while (!last && System.nanoTime() < end) {
            last = !publishing.get();
            Answer a = get("/v1/recommendations/" + RECS + "/" + user + "?limit=" + TOP_N);
            made++;
            if (made == 1) started.countDown();
            if (a.status != 200) {
              failures.add(a.status + " " + a.body);
              continue;
            }
            JsonNode body = a.json();
            long batch = body.get("batch_id").asLong();
            if (!a.header("Larder-Batch").equals(Long.toString(batch))) failures.add("header " + a.header("Larder-Batch"));
            if (!body.get("source").asText().equals("user")) failures.add("source " + body.get("source"));
            answers.computeIfAbsent(batch, k -> Collections.synchronizedList(new ArrayList<>())).add(items(body));
          }
          return made;
        }));
      }
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> publisher = pool.submit(() -> {
        try {
          for (JobConfig job : recsVariants) {
            long id = runner.run(job).batch().id();
            published.add(id);
            // let the clients see each batch before the next replaces it
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!answers.containsKey(id) && System.nanoTime() < until) Thread.sleep(5);
          }
        } finally {
          publishing.set(false);
        }
        return null;
      });
      publisher.get(30, TimeUnit.SECONDS);
      int made = 0;
      for (Future<Integer> f : requests) made += f.get(30, TimeUnit.SECONDS);
      assertThat(made).isGreaterThan(clients * recsVariants.size());
    } finally {
      publishing.set(false);
      pool.shutdownNow();
    }

    assertThat(failures).isEmpty();
    assertThat(answers.keySet()).containsAll(published);
    Set<List<RankedItem>> distinct = new LinkedHashSet<>();
    for (var e : answers.entrySet()) {
      List<RankedItem> stored = storedList(e.getKey(), user);
      assertThat(stored).as("batch %d has a list for %s", e.getKey(), user).isNotEmpty();
      distinct.add(stored);
      for (List<RankedItem> answer : e.getValue()) assertThat(answer).as("an answer of batch %d", e.getKey()).isEqualTo(stored);
    }
    // other shops' data gave other lists, so an answer mixing batches would have been caught
    assertThat(distinct).hasSizeGreaterThan(1);
    assertThat(reader.current(RECS).orElseThrow().id()).isEqualTo(published.get(published.size() - 1));
  }

  /** A user with a few items in every variant's interactions: one with a list in every batch. */
  private String steadyUser() throws IOException {
    Map<String, Integer> least = new HashMap<>(itemsPerUser);
    for (int v = 1; v <= 2; v++) {
      Map<String, Set<String>> seen = new HashMap<>();
      try (BufferedReader r = Files.newBufferedReader(dir.resolve("interactions-" + v + ".csv"))) {
        r.readLine();
        for (String line; (line = r.readLine()) != null; ) {
          String[] f = line.split(",");
          seen.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[1]);
        }
      }
      least.replaceAll((u, n) -> Math.min(n, seen.getOrDefault(u, Set.of()).size()));
    }
    return least.entrySet().stream().filter(e -> e.getValue() >= 3 && e.getValue() <= 30).map(Map.Entry::getKey)
        .sorted().findFirst().orElseThrow();
  }

  /** The user's whole list in one batch, straight from the rows table. */
  private List<RankedItem> storedList(long batchId, String user) {
    return store.read("read a stored list", c -> {
      List<RankedItem> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT rank, item_id, score FROM larder_rec_rows WHERE batch_id = ? AND user_id = ? ORDER BY rank")) {
        ps.setLong(1, batchId);
        ps.setString(2, user);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new RankedItem(rs.getInt(1), rs.getString(2), rs.getFloat(3)));
        }
      }
      return out;
    });
  }

  @Test
  void anUnchangedAnswerIs304UntilAnEventOrAPublishChangesIt() {
    String user = "u40", path = "/v1/recommendations/" + RECS + "/" + user + "?limit=5";
    Answer first = get(path);
    String tag = first.header("ETag");
    assertThat(tag).as("a weak tag: the body's age moves").startsWith("W/\"");
    assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
    Answer same = send(base, "GET", path, "If-None-Match", tag);
    assertThat(same.status).isEqualTo(304);
    assertThat(same.body).isEmpty();
    assertThat(same.header("ETag")).isEqualTo(tag);
    assertThat(same.header("Larder-Batch")).isEqualTo(first.header("Larder-Batch"));
    assertThat(send(base, "GET", path, "If-None-Match", "W/\"other\", " + tag.substring(2)).status)
        .as("any listed tag, compared weakly").isEqualTo(304);
    assertThat(send(base, "GET", path, "If-None-Match", "W/\"other\"").status).isEqualTo(200);
    assertThat(get("/v1/recommendations/" + RECS + "/u41?limit=5").header("ETag")).as("another user's list")
        .isNotEqualTo(tag);
    String item = items(first.json()).get(0).itemId();
    Answer similar = get("/v1/similar-items/" + RECS + "/" + item);
    assertThat(similar.status).as(similar.body).isEqualTo(200);
    assertThat(send(base, "GET", "/v1/similar-items/" + RECS + "/" + item, "If-None-Match", similar.header("ETag"))
        .status).isEqualTo(304);

    // an event leaves an item out without a new batch: the tag follows the answer, not the batch
    String afterEvent;
    try {
      larder.store.Events.record(store, List.of(new larder.store.Events.Event(RECS, user, item, Instant.now())));
      Answer changed = send(base, "GET", path, "If-None-Match", tag);
      assertThat(changed.status).isEqualTo(200);
      assertThat(items(changed.json())).extracting(RankedItem::itemId).doesNotContain(item);
      afterEvent = changed.header("ETag");
      assertThat(afterEvent).isNotEqualTo(tag);
      assertThat(send(base, "GET", path, "If-None-Match", afterEvent).status).isEqualTo(304);
    } finally {
      store.write("forget the test's events", c -> {
        larder.store.Store.execute(c, "DELETE FROM larder_events");
        return null;
      });
    }
    assertThat(send(base, "GET", path, "If-None-Match", tag).status).as("the event forgotten: the first answer again")
        .isEqualTo(304);

    // a publish, even of the same lists, names another batch: 200 and a new tag
    long published = runner.run(recsVariants.get(2)).batch().id();
    Answer fresh = send(base, "GET", path, "If-None-Match", tag);
    assertThat(fresh.status).isEqualTo(200);
    assertThat(fresh.json().get("batch_id").asLong()).isEqualTo(published);
    assertThat(fresh.header("ETag")).isNotEqualTo(tag).isNotEqualTo(afterEvent);
    assertThat(send(base, "GET", path, "If-None-Match", fresh.header("ETag")).status).isEqualTo(304);
  }

  @Test
  void jobsAndBatchesAre304UntilAPublish() {
    for (String path : List.of("/v1/jobs", "/v1/jobs/" + RECS + "/batches")) {
      Answer first = get(path);
      assertThat(first.status).as(first.body).isEqualTo(200);
      String tag = first.header("ETag");
      assertThat(tag).as(path).startsWith("W/\"");
      assertThat(send(base, "GET", path, "If-None-Match", tag).status).as(path + ", its ages moved on").isEqualTo(304);
    }
    String jobsTag = get("/v1/jobs").header("ETag"), batchesTag = get("/v1/jobs/" + RECS + "/batches").header("ETag");
    runner.run(recsVariants.get(1));
    assertThat(send(base, "GET", "/v1/jobs", "If-None-Match", jobsTag).status).as("a publish").isEqualTo(200);
    assertThat(send(base, "GET", "/v1/jobs/" + RECS + "/batches", "If-None-Match", batchesTag).status).isEqualTo(200);
  }

  @Test
  void aClientGeneratedFromTheOpenApiDocumentReadsTypedAnswers() throws Exception {
    var client = new larder.http.client.ApiClient();
    client.updateBaseUri(base);
    var api = new larder.http.client.api.DefaultApi(client);

    Recommendations want = reader.recommend(RECS, "u17", TOP_N);
    var recs = api.recommendations(RECS, "u17", TOP_N);
    assertThat(recs.getBatchId()).isEqualTo(want.batchId());
    assertThat(recs.getUserId()).isEqualTo("u17");
    assertThat(recs.getSource().getValue()).isEqualTo(want.source());
    assertThat(recs.getPublishedAt().toInstant()).isEqualTo(want.publishedAt());
    assertThat(recs.getAge()).isNotNull();
    assertThat(recs.getItems()).extracting(i -> new RankedItem(i.getRank(), i.getItemId(), i.getScore()))
        .isEqualTo(want.items());

    String item = want.items().get(0).itemId();
    var similar = api.similarItems(RECS, item, SIMILAR);
    assertThat(similar.getItemId()).isEqualTo(item);
    assertThat(similar.getItems()).extracting(i -> i.getItemId())
        .isEqualTo(reader.similarItems(RECS, item, SIMILAR).items().stream().map(RankedItem::itemId).toList());

    CustomerSegment seg = segments.segmentOf(RFM, "u1");
    var got = api.customerSegment(RFM, "u1");
    assertThat(got.getSegmentId()).isEqualTo(seg.segmentId());
    assertThat(got.getMonetary().doubleValue()).as("money to the cent, as a decimal").isEqualTo(seg.monetary());
    assertThat(got.getRfmScore()).isEqualTo(seg.rfmScore());
    assertThat(api.segmentProfiles(RFM).getProfiles()).extracting(p -> p.getSize())
        .isEqualTo(segments.profiles(RFM).profiles().stream().map(p -> p.size()).toList());

    assertThat(api.entityScore(CHURN, "c3").getScore()).isEqualTo(churnOf(3));
    assertThat(api.topScores(CHURN, 3, null).getEntities()).extracting(e -> e.getEntityId())
        .containsExactly("c0", "c1", "c2");

    var jobs = api.jobs().getJobs();
    assertThat(jobs).extracting(j -> j.getJob()).contains(RECS, RFM, CHURN);
    var recsJob = jobs.stream().filter(j -> j.getJob().equals(RECS)).findFirst().orElseThrow();
    assertThat(recsJob.getKind().getValue()).isEqualTo("recommendations");
    assertThat(recsJob.getIsCurrent()).isTrue();
    assertThat(recsJob.getBatchId()).isEqualTo(reader.current(RECS).orElseThrow().id());
    var batches = api.batches(RECS);
    assertThat(batches.getBatches()).extracting(b -> b.getBatchId())
        .isEqualTo(reader.batches(RECS).stream().map(BatchInfo::id).toList());
    assertThat(api.health().getStatus().getValue()).isEqualTo("up");

    var missing = org.assertj.core.api.Assertions.catchThrowableOfType(larder.http.client.ApiException.class,
        () -> api.recommendations("nojob", "u1", null));
    assertThat(missing.getCode()).isEqualTo(404);
    assertThat(missing.getResponseBody()).contains("nojob");
  }

  // ---------------------------------------------------------------- helpers

  record Answer(int status, HttpHeadersView headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    String header(String name) { return headers.first(name); }

    String contentType() { return header("Content-Type"); }
  }

  record HttpHeadersView(java.net.http.HttpHeaders headers) {
    String first(String name) { return headers.firstValue(name).orElse(null); }
  }

  Answer get(String pathAndQuery) {
    return get(base, pathAndQuery);
  }

  Answer get(String server, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server + pathAndQuery)).timeout(Duration.ofSeconds(20)).GET().build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), new HttpHeadersView(r.headers()), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asserts a JSON problem: the status in the answer and the body, and an error message containing {@code says}. */
  static void assertProblem(Answer a, int status, String says) {
    assertThat(a.status).as("status of %s", a.body).isEqualTo(status);
    assertThat(a.contentType()).startsWith("application/json");
    JsonNode body = a.json();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asText()).contains(says);
  }

  static List<RankedItem> items(JsonNode body) {
    List<RankedItem> out = new ArrayList<>();
    for (JsonNode i : body.get("items")) {
      out.add(new RankedItem(i.get("rank").asInt(), i.get("item_id").asText(), i.get("score").floatValue()));
    }
    return out;
  }

  /** Ranks 1..n, scores never rising. */
  static void assertRanked(List<RankedItem> items) {
    for (int k = 0; k < items.size(); k++) {
      assertThat(items.get(k).rank()).isEqualTo(k + 1);
      if (k > 0) assertThat(items.get(k).score()).isLessThanOrEqualTo(items.get(k - 1).score());
    }
  }

  /** What the API's JSON mapper makes of a reader's answer, read back as a client reads it. */
  static JsonNode served(Object answer) {
    try {
      return JSON.readTree(ApiJson.MAPPER.writeValueAsString(answer));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer without {@code age}, which moves between two reads. */
  static JsonNode withoutAge(JsonNode body) {
    ObjectNode copy = body.deepCopy();
    copy.remove("age");
    return copy;
  }

  /** A sample's value in Prometheus text, 0 when the series is absent. */
  static long metric(String text, String series) {
    double v = decimal(text, series);
    return Double.isNaN(v) ? 0 : (long) v;
  }

  static double decimal(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
