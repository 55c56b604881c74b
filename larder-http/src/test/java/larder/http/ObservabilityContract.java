package larder.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import larder.core.Progress;
import larder.jobs.config.ConfigFile;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.publish.Publisher;
import larder.store.Store;
import larder.testkit.TempTree;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * What an operator watches, on a real store and server: {@code /metrics} has the JVM's, the pool's and the HTTP
 * server's series beside Larder's own, by route template; the Grafana dashboard queries only series it has; and
 * every request is one access log line that never holds the query. One contract, run by a subclass per store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ObservabilityContract {
  static final String JOB = "pop";
  static final String RECS_ROUTE = "/v1/recommendations/{job}/{user}";
  /** The dashboard, from the module's folder (where the tests run). */
  static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "larder.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  Path dir;
  TestStore db;
  Store store;
  LarderHttp server;
  HttpClient http;
  String base;

  abstract TestStore newStore();

  /** The pool's maximum size on this store. */
  abstract int poolSize();

  @BeforeAll
  void publishAndServe() throws Exception {
    dir = Files.createTempDirectory("larder-observability-test");
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 40; u++) for (int i = 0; i <= u % 6; i++) csv.append('u').append(u).append(",i").append(i).append('\n');
    Files.writeString(dir.resolve("events.csv"), csv);
    Path file = dir.resolve("larder.yaml");
    LarderConfig config = LarderConfig.parse(file, ConfigFile.parse(file.toString(),
        "jobs:\n  " + JOB + ":\n    source: { file: events.csv }\n    model: { type: popularity }\n"));
    db = newStore();
    store = db.open(Store::open);
    new JobRunner(new Publisher(store), Progress.NONE, RunReport.Listener.NONE).run(config.jobs().get(JOB));
    server = LarderHttp.start(store, HttpOptions.defaults().withPort(0));
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

  @Test
  void metricsHaveTheJvmThePoolAndTheHttpServerBesideLardersOwnSeriesByRouteTemplate() throws Exception {
    assertThat(get("/v1/recommendations/" + JOB + "/u3").statusCode()).isEqualTo(200);
    assertThat(get("/no/such/path").statusCode()).isEqualTo(404);
    String recs = "{method=\"GET\",route=\"" + RECS_ROUTE + "\",status=\"200\"}";
    String text = metricsUntil(t -> value(t, "http_server_requests_seconds_count" + recs) >= 1);

    assertThat(value(text, "http_server_requests_seconds_count" + recs)).isGreaterThanOrEqualTo(1);
    assertThat(value(text, "http_server_requests_seconds_sum" + recs)).isPositive();
    assertThat(value(text, "http_server_requests_seconds_bucket{method=\"GET\",route=\"" + RECS_ROUTE
        + "\",status=\"200\",le=\"+Inf\"}")).isEqualTo(value(text, "http_server_requests_seconds_count" + recs));
    assertThat(text).as("paths no route matches share one series")
        .contains("http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")
        .doesNotContain("route=\"/v1/recommendations/" + JOB + "/u3\"").doesNotContain("/no/such/path");
    // Larder's own series keep their names and labels
    assertThat(value(text, "larder_http_requests_total{route=\"" + RECS_ROUTE + "\",status=\"200\"}")).isGreaterThanOrEqualTo(1);
    assertThat(text).contains("larder_batch_age_seconds{job=\"" + JOB + "\",kind=\"recommendations\"} ");

    // the JVM and the process
    assertThat(sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).isPositive();
    assertThat(firstValue(text, "jvm_threads_live_threads", "")).isGreaterThanOrEqualTo(2);
    assertThat(firstValue(text, "jvm_classes_loaded_classes", "")).isGreaterThan(1000);
    assertThat(firstValue(text, "process_cpu_usage", "")).isBetween(0.0, 1.0);
    assertThat(firstValue(text, "process_uptime_seconds", "")).isPositive();
    // the store's pool, named after the store
    String pool = "{pool=\"larder " + store.name() + "\"}";
    assertThat(value(text, "hikaricp_connections_max" + pool)).isEqualTo(poolSize());
    assertThat(value(text, "hikaricp_connections" + pool)).isBetween(1.0, (double) poolSize());
    assertThat(text).contains("hikaricp_connections_active" + pool, "hikaricp_connections_pending" + pool,
        "hikaricp_connections_acquire_seconds_count" + pool);
    // Jetty's request threads
    assertThat(firstValue(text, "jetty_threads_busy", "")).isGreaterThanOrEqualTo(1);
    assertThat(firstValue(text, "jetty_threads_config_max", "")).isGreaterThanOrEqualTo(32);

    // after a collection, its pauses
    System.gc();
    text = metricsUntil(t -> t.contains("jvm_gc_pause_seconds_count{"));
    assertThat(firstValue(text, "jvm_gc_pause_seconds_count", "")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void theGrafanaDashboardIsJsonWhoseQueriesNameOnlySeriesTheServerExposes() throws Exception {
    JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.get("title").asText()).isEqualTo("Larder");
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    assertThat(exprs).hasSizeGreaterThan(10);
    Set<String> names = new TreeSet<>();
    for (String e : exprs) names.addAll(seriesIn(e));
    assertThat(names).as("the panels the issue asks for").contains("larder_batch_age_seconds", "larder_http_requests_total",
        "larder_http_request_seconds_bucket", "hikaricp_connections_active", "jvm_memory_used_bytes",
        "jvm_gc_pause_seconds_sum", "http_server_requests_seconds_count");

    assertThat(get("/v1/recommendations/" + JOB + "/u1").statusCode()).isEqualTo(200);
    System.gc();
    String text = metricsUntil(t -> t.contains("jvm_gc_pause_seconds_count{") && t.contains("http_server_requests_seconds_count{"));
    for (String name : names) {
      assertThat(exposed(text, name)).as("%s, queried by the dashboard, is on /metrics", name).isTrue();
    }
    // the check itself can fail: a misspelt series is not exposed
    assertThat(exposed(text, "larder_batch_age_second")).isFalse();
    assertThat(seriesIn("histogram_quantile(0.99, sum by (route, le) (rate(x_bucket{status=~\"5..\"}[$__rate_interval])))"))
        .containsExactly("x_bucket");
  }

  @Test
  void eachRequestIsOneAccessLogLineWithMethodPathStatusTimeAndBytesButNoQuery() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      String secret = "not-for-the-log-0123456789";
      HttpResponse<String> r = get("/v1/recommendations/" + JOB + "/u5?limit=3&key=" + secret);
      assertThat(r.statusCode()).isEqualTo(200);
      ILoggingEvent line = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (line == null && System.nanoTime() < deadline) {
        synchronized (lines) {
          line = lines.list.stream().filter(e -> e.getFormattedMessage().contains("/u5")).findFirst().orElse(null);
        }
        if (line == null) Thread.sleep(10);
      }
      assertThat(line).as("the request's access log line").isNotNull();
      int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
      assertThat(line.getFormattedMessage()).matches("GET /v1/recommendations/" + JOB + "/u5 200 \\d+us " + bytes + "B");
      Map<String, Object> fields = new HashMap<>();
      line.getKeyValuePairs().forEach(kv -> fields.put(kv.key, kv.value));
      assertThat(fields).containsEntry("method", "GET").containsEntry("path", "/v1/recommendations/" + JOB + "/u5")
          .containsEntry("route", RECS_ROUTE).containsEntry("status", 200).containsEntry("bytes", (long) bytes);
      assertThat((Long) fields.get("micros")).isNotNegative().isLessThan(TimeUnit.SECONDS.toMicros(20));
      assertThat(line.getFormattedMessage() + fields).doesNotContain(secret).doesNotContain("limit=");
      assertThat(line.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
    } finally {
      access.detachAppender(lines);
    }
  }

  /**
   * The series a PromQL expression reads: its names, without functions, label matchers, ranges, grouping
   * clauses, keywords and numbers.
   */
  static Set<String> seriesIn(String expr) {
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
        .replaceAll("\\{[^}]*\\}", " ")                               // label matchers
        .replaceAll("\\[[^\\]]*\\]", " ")                             // ranges
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*(\\s*\\()?").matcher(s);
    while (m.find()) {
      if (m.group(1) != null) continue; // a function or an aggregation
      String name = m.group().strip();
      if (!Set.of("and", "or", "unless", "bool", "offset", "inf", "nan").contains(name.toLowerCase(java.util.Locale.ROOT))) {
        out.add(name);
      }
    }
    return out;
  }

  /** True when {@code /metrics} has a sample of {@code name}, or declares it (# TYPE) with none yet (a refresh's). */
  static boolean exposed(String text, String name) {
    if (Pattern.compile("^" + Pattern.quote(name) + "[{ ]", Pattern.MULTILINE).matcher(text).find()) return true;
    return Pattern.compile("^# TYPE " + Pattern.quote(name) + " ", Pattern.MULTILINE).matcher(text).find();
  }

  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** {@code /metrics} once {@code ready} holds for it (a request is counted just after its answer), or after 5 s. */
  String metricsUntil(Predicate<String> ready) throws Exception {
    String text = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      text = r.body();
      if (ready.test(text)) break;
      Thread.sleep(20);
    }
    return text;
  }

  /** The value of exactly {@code series} (name and labels), or NaN. */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  /** The sum of the samples of {@code name} whose labels contain {@code label}. */
  static double sum(String text, String name, String label) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(text);
    double total = 0;
    while (m.find()) if (m.group(1).contains(label)) total += Double.parseDouble(m.group(2));
    return total;
  }

  /** The value of the first sample of {@code name} whose labels contain {@code label}, or NaN. */
  static double firstValue(String text, String name, String label) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE).matcher(text);
    while (m.find()) {
      if (label.isEmpty() || (m.group(1) != null && m.group(1).contains(label))) return Double.parseDouble(m.group(2));
    }
    return Double.NaN;
  }
}
