package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import larder.core.ConfigException;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command's logs on standard error, in process: JSON lines a log shipper parses, with level, ISO time,
 * logger, message and the running job; the text format's same facts; the access log's fields; levels and
 * formats refused by name.
 */
class LoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private PrintStream realErr;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void captureStandardError() {
    realErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(realErr);
    LogSetup.configure(LogSetup.Format.TEXT, LogSetup.levels(null, null));
  }

  private String config() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 30; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append('\n');
    Files.writeString(dir.resolve("events.csv"), csv);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  pop:\n    source: { file: events.csv }\n    model: { type: popularity }\n");
    return config.toString();
  }

  private String errText() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Every line of standard error that is a JSON object, parsed; a line that starts with '{' must parse. */
  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : errText().split("\n")) if (line.startsWith("{")) out.add(JSON.readTree(line));
    return out;
  }

  @Test
  void aJobRunWithLogFormatJsonLogsJsonLinesWithLevelIsoTimeLoggerMessageAndTheJob() throws Exception {
    String config = config();
    String db = dir.resolve("larder.db").toString();
    Instant before = Instant.now();
    CommandLineTest.Result r = CommandLineTest.larder("--log-format", "json", "run", config, "--db", db, "--quiet",
        "--log-level", "info");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(errText()).as("the summary stays on standard output").doesNotContain("job pop: published batch");
    List<JsonNode> lines = jsonLines();
    assertThat(lines).isNotEmpty();
    for (JsonNode line : lines) {
      assertThat(line.has("level") && line.has("time") && line.has("logger") && line.has("message")).as("%s", line).isTrue();
      Instant t = Instant.parse(line.get("time").asText());
      assertThat(t).isBetween(before.minusSeconds(1), Instant.now());
    }
    JsonNode started = lines.stream().filter(l -> l.get("message").asText().equals("run of job pop started")).findFirst()
        .orElseThrow(() -> new AssertionError("no start line in " + errText()));
    assertThat(started.get("level").asText()).isEqualTo("INFO");
    assertThat(started.get("logger").asText()).isEqualTo("larder.jobs.run.JobRunner");
    assertThat(started.get("job").asText()).isEqualTo("pop");
    JsonNode published = lines.stream().filter(l -> l.get("message").asText().contains("published batch")).findFirst()
        .orElseThrow(() -> new AssertionError("no publish line in " + errText()));
    assertThat(published.get("job").asText()).isEqualTo("pop");
    assertThat(published.get("message").asText()).matches("run of job pop published batch \\d+ \\(\\d+ rows\\) in [0-9.]+ s");
    assertThat(published.has("@version") || published.has("level_value")).as("only the short names").isFalse();

    // the option also works after the subcommand's name, and the default is text with the same facts
    err.reset();
    assertThat(CommandLineTest.larder("run", config, "--db", db, "--quiet", "--log-format", "json", "--log-level", "info")
        .exit()).isZero();
    assertThat(jsonLines()).anySatisfy(l -> assertThat(l.get("job").asText()).isEqualTo("pop"));
    err.reset();
    assertThat(CommandLineTest.larder("run", config, "--db", db, "--quiet", "--log-level", "info").exit()).isZero();
    assertThat(errText()).doesNotContain("{\"")
        .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  larder\\.jobs\\.run\\.JobRunner"
            + " job=pop - run of job pop started$");
  }

  @Test
  void quietLeavesOutLardersInfoLinesUnlessALevelIsAskedFor() throws Exception {
    String config = config();
    String db = dir.resolve("larder.db").toString();
    CommandLineTest.Result r = CommandLineTest.larder("run", config, "--db", db, "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(errText()).doesNotContain("INFO").doesNotContain("run of job pop started");
    err.reset();
    assertThat(CommandLineTest.larder("run", config, "--db", db).exit()).isZero();
    assertThat(errText()).as("without --quiet the start line is logged").contains("run of job pop started");
  }

  @Test
  void theAccessLogInJsonIsOneLinePerRequestWithItsFieldsAndNeverTheQuery() throws Exception {
    LogSetup.configure(LogSetup.Format.JSON, LogSetup.levels(null, null));
    String secret = "not-for-the-log-0123456789";
    try (Store store = Store.open(dir.resolve("serve.db").toString());
        LarderHttp http = LarderHttp.start(store, HttpOptions.defaults().withPort(0))) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
          + "/v1/jobs?key=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode line = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (line == null && System.nanoTime() < deadline) {
        line = jsonLines().stream().filter(l -> l.get("logger").asText().equals("larder.http.access")).findFirst().orElse(null);
        if (line == null) Thread.sleep(10);
      }
      assertThat(line).as("an access log line in %s", errText()).isNotNull();
      int bytes = r.body().getBytes(StandardCharsets.UTF_8).length;
      assertThat(line.get("message").asText()).matches("GET /v1/jobs 200 \\d+us " + bytes + "B");
      assertThat(line.get("method").asText()).isEqualTo("GET");
      assertThat(line.get("path").asText()).isEqualTo("/v1/jobs");
      assertThat(line.get("route").asText()).isEqualTo("/v1/jobs");
      assertThat(line.get("status").asInt()).isEqualTo(200);
      assertThat(line.get("bytes").asLong()).isEqualTo(bytes);
      assertThat(line.get("micros").asLong()).isNotNegative();
      assertThat(line.get("level").asText()).isEqualTo("INFO");
      Instant.parse(line.get("time").asText());
    }
    assertThat(errText()).doesNotContain(secret);
  }

  @Test
  void anAccessLogTurnedOffWritesNothing() throws Exception {
    LogSetup.configure(LogSetup.Format.TEXT, LogSetup.levels(List.of("larder.http.access=off"), null));
    try (Store store = Store.open(dir.resolve("serve.db").toString());
        LarderHttp http = LarderHttp.start(store, HttpOptions.defaults().withPort(0))) {
      HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + http.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      Thread.sleep(200);
    }
    assertThat(errText()).doesNotContain("/health");
  }

  @Test
  void levelsSetLardersLoggersOrOneLoggerAndBadOnesAreRefusedByName() {
    Map<String, Level> defaults = LogSetup.levels(null, null);
    assertThat(defaults).containsEntry("", Level.WARN).containsEntry("larder", Level.INFO);
    assertThat(LogSetup.levels(List.of("debug"), "error")).as("the option wins over the environment")
        .containsEntry("", Level.WARN).containsEntry("larder", Level.DEBUG);
    assertThat(LogSetup.levels(null, "error")).as("quieter than warn: libraries too")
        .containsEntry("", Level.ERROR).containsEntry("larder", Level.ERROR);
    assertThat(LogSetup.levels(List.of("org.eclipse.jetty=DEBUG", "larder.http.access=off"), null))
        .containsEntry("org.eclipse.jetty", Level.DEBUG).containsEntry("larder.http.access", Level.OFF)
        .containsEntry("larder", Level.INFO);
    assertThatThrownBy(() -> LogSetup.levels(List.of("loud"), null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--log-level").hasMessageContaining("'loud' is not a level");
    assertThatThrownBy(() -> LogSetup.levels(null, "=info")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("LARDER_LOG_LEVEL");
    assertThatThrownBy(() -> LogSetup.format(null, "xml")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("LARDER_LOG_FORMAT");
    assertThat(LogSetup.format(null, " JSON ")).isEqualTo(LogSetup.Format.JSON);
    assertThat(LogSetup.format(LogSetup.Format.TEXT, "json")).isEqualTo(LogSetup.Format.TEXT);

    CommandLineTest.Result r = CommandLineTest.larder("--log-level", "loud", "batches", "--db", dir.resolve("x.db").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--log-level").contains("'loud' is not a level").doesNotContain("Exception");
    CommandLineTest.Result f = CommandLineTest.larder("--log-format", "xml", "batches");
    assertThat(f.exit()).isEqualTo(2);
    assertThat(f.err()).contains("xml");
  }
}
