package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.jobs.config.ConfigFile;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.Store;
import larder.testkit.TempTree;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One output contract: what {@code --format json} prints equals what the HTTP API answers for the same thing on
 * the same store (names, units, timestamps, numbers), apart from {@code age}, which moves between the two reads.
 * Money and R/F/M statistics print without float noise. One contract per store; the data is published once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliApiJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  Path dir;
  TestStore db;
  Store store;
  LarderHttp server;
  HttpClient http;
  String base;

  abstract TestStore newStore();

  @BeforeAll
  void publishAndServe() throws Exception {
    dir = Files.createTempDirectory("larder-cli-json");
    new SyntheticShop(ShopParams.of(300, 60, 4_000, 20261205L)).writeCsv(dir.resolve("shop.csv"), Progress.NONE);
    StringBuilder churn = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < 50; i++) churn.append('c').append(i).append(",0.").append(i % 10).append("3,")
        .append(i % 3 == 0 ? "high" : "").append('\n');
    Files.writeString(dir.resolve("churn.csv"), churn);
    Path file = dir.resolve("larder.yaml");
    LarderConfig config = LarderConfig.parse(file, ConfigFile.parse(file.toString(), """
        jobs:
          recs:
            source: { file: shop.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: 20 }
            similar_items: 5
          rfm:
            type: segments
            method: rfm
            source: { file: shop.csv, columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }
          churn:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p, label: band } }
        """));
    db = newStore();
    store = db.open(Store::open);
    JobRunner runner = new JobRunner(new Publisher(store), Progress.NONE, RunReport.Listener.NONE);
    for (JobConfig job : config.select(null)) runner.run(job);
    runner.run(config.jobs().get("rfm")); // a second batch, so transitions have a previous one
    server = LarderHttp.start(store, HttpOptions.defaults().withPort(0));
    base = "http://127.0.0.1:" + server.port();
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (server != null) server.close();
    } finally {
      if (store != null) store.close();
      if (db != null) db.close();
      TempTree.delete(dir);
    }
  }

  @Test
  void listsAnswerAsTheApiDoes() throws Exception {
    String item;
    try (Store s = Store.openExisting(db.location())) {
      item = new PredictionReader(s).recommend("recs", "u7", 10).items().get(0).itemId();
    }
    assertSame(cli("recommend", "--job", "recs", "--user", "u7", "-n", "7", "--format", "json"),
        api("/v1/recommendations/recs/u7?limit=7"));
    assertSame(cli("recommend", "--job", "recs", "--user", "nobody", "--format", "json"),
        api("/v1/recommendations/recs/nobody?limit=10"));
    assertSame(cli("similar", "--job", "recs", "--item", item, "-n", "5", "--format", "json"),
        api("/v1/similar-items/recs/" + item + "?limit=5"));
  }

  @Test
  void segmentsAnswerAsTheApiDoesWithMoneyToTheCent() throws Exception {
    JsonNode customer = assertSame(cli("segment", "--job", "rfm", "--customer", "u3", "--format", "json"),
        api("/v1/segments/rfm/customers/u3"));
    assertThat(customer.has("customer_id") && customer.has("rfm_score")).as(customer.toString()).isTrue();
    JsonNode profiles = assertSame(cli("segment", "profiles", "--job", "rfm", "--format", "json"),
        api("/v1/segments/rfm/profiles"));
    assertSame(cli("segment", "transitions", "--job", "rfm", "--format", "json"), api("/v1/segments/rfm/transitions"));
    for (JsonNode p : profiles.get("profiles")) {
      for (String f : List.of("monetary_mean", "monetary_median", "recency_mean", "frequency_mean")) {
        assertThat(decimals(p.get(f))).as(f + " of " + p).isLessThanOrEqualTo(2);
      }
      int segment = p.get("segment_id").asInt();
      // NDJSON: one member per line, each as the API's page lists it
      List<String> lines = cli("segment", "members", "--job", "rfm", "--segment", Integer.toString(segment), "--format",
          "json").lines().toList();
      JsonNode page = api("/v1/segments/rfm/members/" + segment + "?limit=10000");
      assertThat(lines).hasSize(page.get("members").size()).hasSize(p.get("size").asInt());
      for (int i = 0; i < lines.size(); i++) {
        JsonNode m = JSON.readTree(lines.get(i));
        assertThat(m).isEqualTo(page.get("members").get(i));
        assertThat(decimals(m.get("monetary"))).as("money to the cent: " + m).isLessThanOrEqualTo(2);
      }
    }
  }

  @Test
  void scoresAnswerAsTheApiDoes() throws Exception {
    JsonNode one = assertSame(cli("score", "--job", "churn", "--entity", "c13", "--format", "json"),
        api("/v1/scores/churn/entities/c13"));
    assertThat(one.get("score").decimalValue()).isEqualByComparingTo(new BigDecimal("0.33"));
    assertSame(cli("score", "top", "--job", "churn", "-n", "5", "--label", "high", "--format", "json"),
        api("/v1/scores/churn/top?limit=5&label=high"));
  }

  @Test
  void batchesAndStatusAnswerAsTheApiDoes() throws Exception {
    List<String> lines = cli("batches", "--job", "rfm", "--format", "json").lines().toList();
    JsonNode listed = api("/v1/jobs/rfm/batches").get("batches");
    assertThat(lines).hasSize(listed.size()).hasSize(2);
    for (int i = 0; i < lines.size(); i++) assertSame(lines.get(i), listed.get(i));
    assertThat(JSON.readTree(lines.get(0)).get("age").isNumber()).as("age in seconds").isTrue();
    assertThat(JSON.readTree(lines.get(0)).get("created_at").asText()).endsWith("Z");

    StringBuilder out = new StringBuilder();
    assertThat(status(out)).isZero();
    assertSame(out.toString(), api("/v1/status"));
    out.setLength(0);
    Thread.sleep(1_100); // every batch older than 1s
    assertThat(status(out, "--max-age", "1s")).as("stale: exit 1, as the API's 503").isEqualTo(1);
    assertSame(out.toString(), api("/v1/status?max_age=1s"));
  }

  // ---------------------------------------------------------------- helpers

  /** The CLI's line and the API's answer are the same JSON apart from every {@code age}; returns the CLI's. */
  private static JsonNode assertSame(String cliOut, JsonNode api) throws Exception {
    assertThat(cliOut.strip().lines().count()).as("one object per line: " + cliOut).isEqualTo(1);
    JsonNode cli = JSON.readTree(cliOut);
    assertThat(withoutAges(cli)).isEqualTo(withoutAges(api));
    return cli;
  }

  /** A copy without any {@code age} field, at any depth (a status lists batches with theirs). */
  private static JsonNode withoutAges(JsonNode n) {
    JsonNode copy = n.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      if (o.has("age")) assertThat(o.get("age").isNumber()).as("age in seconds: " + o).isTrue();
      o.remove("age");
      o.forEach(CliApiJsonTest::strip);
    } else if (n instanceof ArrayNode a) {
      a.forEach(CliApiJsonTest::strip);
    }
  }

  /** Digits after the point as the JSON text has them (0 for null or absent). */
  private static int decimals(JsonNode n) {
    return n == null || n.isNull() ? 0 : Math.max(0, n.decimalValue().stripTrailingZeros().scale());
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isIn(200, 503);
    return JSON.readTree(r.body());
  }

  /** What a command prints on standard output (look-up commands write there). */
  private String cli(String... args) {
    PrintStream was = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    CommandLineTest.Result r;
    try {
      String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--db",
          db.location())).toArray(String[]::new);
      r = CommandLineTest.larder(all);
    } finally {
      System.setOut(was);
    }
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return bytes.toString(StandardCharsets.UTF_8) + r.out();
  }

  /** {@code larder status --format json}, which writes to picocli's writer; returns its exit code. */
  private int status(StringBuilder out, String... more) {
    String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("status", "--format", "json", "--db",
        db.location()), java.util.Arrays.stream(more)).toArray(String[]::new);
    CommandLineTest.Result r = CommandLineTest.larder(all);
    out.append(r.out());
    return r.exit();
  }
}
