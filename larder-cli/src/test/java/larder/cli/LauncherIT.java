package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real {@code ./larder} launcher and the packaged jar, as a user runs it:
 * demo, run, recommend, rollback, and each kind of bad input (one clear message, a non-zero exit,
 * nothing published, the previous batch still serving).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
  @TempDir static Path work; // one working folder shared by the ordered steps, like a user's session

  record Result(int exit, String out, String err) {
    String all() { return out + err; }
  }

  private Result larder(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(System.getProperty("larder.launcher"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().put("LARDER_JAR", System.getProperty("larder.jar"));
    pb.environment().remove("LARDER_DB");
    pb.environment().put("LARDER_JAVA_OPTS", "-Xmx1g");
    Path out = Files.createTempFile(work, "out", ".txt"), err = Files.createTempFile(work, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("larder " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    // A user never sees a stack trace.
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    return r;
  }

  @Test
  @Order(1)
  void demoRunsThePipelineAndPrintsResultsAndSql() throws Exception {
    Result r = larder("demo", "--users", "1500", "--items", "300", "--interactions", "30000", "--quiet");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("job shop-als: published batch").contains("job shop-itemknn: published batch")
        .contains("user u1's top 5").contains("SELECT rank, item_id, score FROM larder_recommendations")
        .contains("job shop-segments: published batch").contains("job shop-rfm: published batch")
        .contains("customer u1 is in segment").contains("larder_segment_profiles");
    assertThat(work.resolve("larder.db")).exists(); // the default store, in the working folder
    assertThat(work.resolve("larder-demo/larder.yaml")).exists();
  }

  @Test
  @Order(2)
  void recommendShowsTheUsersListOrTheFallback() throws Exception {
    Result r = larder("recommend", "--job", "shop-als", "--user", "u1", "--format", "csv");
    assertThat(r.exit()).as(r.all()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("rank,item_id,score");
    assertThat(lines).hasSize(11);
    assertThat(lines.subList(1, 11)).allMatch(l -> l.matches("\\d+,i\\d+,[-0-9.E]+"));

    Result unknown = larder("recommend", "--job", "shop-als", "--user", "nobody");
    assertThat(unknown.exit()).as(unknown.all()).isZero();
    assertThat(unknown.out()).contains("fallback");

    Result noJob = larder("recommend", "--job", "no-such-job", "--user", "u1");
    assertThat(noJob.exit()).isEqualTo(6);
    assertThat(noJob.err()).contains("no-such-job").contains("shop-als");
  }

  @Test
  @Order(3)
  void runAgainThenRollBackToTheFirstBatch() throws Exception {
    long firstBatch = currentBatch("shop-als"); // the demo's full batch (the demo then refreshed two users of it)

    Result none = larder("rollback", "--job", "shop-als");
    assertThat(none.exit()).as("nothing to roll back to yet").isEqualTo(6);

    Result run = larder("run", "larder-demo/larder.yaml", "--job", "shop-als", "--quiet");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("published batch");
    assertThat(currentBatch("shop-als")).isGreaterThan(firstBatch);

    Result back = larder("rollback", "--job", "shop-als");
    assertThat(back.exit()).as(back.all()).isZero();
    assertThat(back.out()).contains("now serves batch " + firstBatch);
    assertThat(currentBatch("shop-als")).isEqualTo(firstBatch);
  }

  /** The full batch {@code job} serves (its base: a refresh's lists serve with it). */
  private long currentBatch(String job) throws Exception {
    Result r = larder("batches", "--job", job, "--format", "json");
    assertThat(r.exit()).as(r.all()).isZero();
    var m = java.util.regex.Pattern.compile("\"batch_id\":(\\d+),[^\\n]*\"is_current\":true,\"base_batch_id\":null")
        .matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private Path config(String name, String sourceYaml) throws IOException {
    Path cfg = work.resolve(name + ".yaml");
    Files.writeString(cfg, "jobs:\n  shop-als:\n    source: " + sourceYaml + "\n    model: { type: als, factors: 8, iterations: 3 }\n");
    return cfg;
  }

  private void assertFailsAndOldBatchServes(Path cfg, int exit, String... messageParts) throws Exception {
    long before = currentBatch("shop-als");
    Result r = larder("run", cfg.toString(), "--quiet");
    assertThat(r.exit()).as(r.all()).isEqualTo(exit);
    assertThat(r.err()).contains(messageParts);
    assertThat(r.err().lines().filter(l -> l.startsWith("larder: ")).count()).as(r.err()).isEqualTo(1);
    assertThat(currentBatch("shop-als")).as("the previous batch keeps serving").isEqualTo(before);
  }

  @Test
  @Order(4)
  void aMalformedRowFailsTheRunNamingFileLineAndField() throws Exception {
    Files.writeString(work.resolve("bad.csv"), "user_id,item_id,quantity\nu1,i1,1\nu2,i2,lots\nu3,i3,2\n");
    assertFailsAndOldBatchServes(config("bad", "{ file: bad.csv, columns: { user: user_id, item: item_id, weight: quantity } }"),
        3, "bad.csv:3", "quantity", "lots", "max_bad_rows");
    Result batches = larder("batches", "--job", "shop-als");
    assertThat(batches.out()).contains("failed");
  }

  @Test
  @Order(5)
  void emptyInputUnknownColumnsAndMissingFilesEachFailClearly() throws Exception {
    Files.writeString(work.resolve("empty.csv"), "user_id,item_id\n");
    assertFailsAndOldBatchServes(config("empty", "{ file: empty.csv }"), 3, "empty.csv", "no interactions");

    Files.writeString(work.resolve("cols.csv"), "customer,sku\nu1,i1\n");
    assertFailsAndOldBatchServes(config("cols", "{ file: cols.csv, columns: { user: user, item: sku } }"), 3,
        "cols.csv", "user", "customer");

    assertFailsAndOldBatchServes(config("missing", "{ file: nowhere.csv }"), 3, "nowhere.csv");
  }

  @Test
  @Order(6)
  void configErrorsExitTwoBeforeAnyWork() throws Exception {
    Path cfg = work.resolve("typo.yaml");
    Files.writeString(cfg, "jobs:\n  shop-als:\n    source: { file: x.csv }\n    model: { type: als, factorz: 8 }\n");
    Result r = larder("run", cfg.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("jobs.shop-als.model").contains("factorz");

    Result noFile = larder("run", "nope.yaml");
    assertThat(noFile.exit()).isEqualTo(2);
    assertThat(noFile.err()).contains("nope.yaml");
  }

  @Test
  @Order(7)
  void readingAStoreThatIsNotThereCreatesNothing() throws Exception {
    Result r = larder("recommend", "--job", "shop-als", "--user", "u1", "--db", "typo.db");
    assertThat(r.exit()).isEqualTo(6);
    assertThat(r.err()).contains("no store at").contains("typo.db");
    assertThat(work.resolve("typo.db")).doesNotExist();
  }

  @Test
  @Order(8)
  void statusAndBatchesShowWhatIsServing() throws Exception {
    Result status = larder("status", "--max-age", "1d");
    // shop-als's latest runs (the bad inputs above) failed: its older batch serves, and status says so
    assertThat(status.exit()).as(status.all()).isEqualTo(1);
    assertThat(status.out()).contains("shop-itemknn").contains("ok")
        .contains("shop-als: latest run failed: batch").contains("nowhere.csv").contains("1 of 4 jobs need attention");
    Result batches = larder("batches");
    assertThat(batches.out()).contains("published").contains("als").contains("itemknn");
  }

  @Test
  @Order(9)
  void segmentShowsACustomerAndMembersExportRoundTrips() throws Exception {
    Result one = larder("segment", "--job", "shop-segments", "--customer", "u1", "--format", "csv");
    assertThat(one.exit()).as(one.all()).isZero();
    String[] row = one.out().lines().skip(1).findFirst().orElseThrow().split(",");
    int segment = Integer.parseInt(row[2]);

    Result profiles = larder("segment", "profiles", "--job", "shop-segments", "--format", "csv");
    assertThat(profiles.exit()).as(profiles.all()).isZero();
    // segment_id, "segment label", size, ...: the label is quoted (it holds commas).
    var idAndSize = java.util.regex.Pattern.compile("^(\\d+),(?:\"[^\"]*\"|[^,]*),(\\d+),");
    long size = profiles.out().lines().skip(1).map(idAndSize::matcher).filter(java.util.regex.Matcher::find)
        .filter(m -> Integer.parseInt(m.group(1)) == segment).mapToLong(m -> Long.parseLong(m.group(2))).sum();
    assertThat(size).as(profiles.out()).isPositive();

    Result export = larder("segment", "members", "--job", "shop-segments", "--segment", String.valueOf(segment),
        "-o", "members.csv");
    assertThat(export.exit()).as(export.all()).isZero();
    List<String> members = Files.readAllLines(work.resolve("members.csv"));
    assertThat(members.get(0)).startsWith("customer_id,distance");
    assertThat(members).hasSize((int) size + 1).contains(members.get(0)).anyMatch(l -> l.startsWith("u1,"));
    // Every exported customer is, looked up one by one, in the exported segment.
    for (String line : members.subList(1, Math.min(4, members.size()))) {
      String customer = line.split(",")[0];
      Result back = larder("segment", "--job", "shop-segments", "--customer", customer, "--format", "csv");
      assertThat(back.out().lines().skip(1).findFirst().orElseThrow().split(",")[2]).isEqualTo(String.valueOf(segment));
    }

    Result table = larder("segment", "profiles", "--job", "shop-rfm");
    assertThat(table.exit()).as(table.all()).isZero();
    assertThat(table.out()).contains("recency days").contains("Champions");

    Result again = larder("run", "larder-demo/larder.yaml", "--job", "shop-segments", "--quiet");
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(again.out()).contains("100.0% of the previous batch's customers kept their segment id");
    Result moves = larder("segment", "transitions", "--job", "shop-segments");
    assertThat(moves.exit()).as(moves.all()).isZero();
    assertThat(moves.out()).contains("from \\ to").contains("(new)").contains("(left)");

    Result unknown = larder("segment", "--job", "shop-segments", "--customer", "nobody");
    assertThat(unknown.exit()).isEqualTo(6);
    assertThat(unknown.err()).contains("nobody").contains("shop-segments");
  }

  private Path segmentsConfig(String name, String file, String extra) throws IOException {
    Path cfg = work.resolve(name + ".yaml");
    Files.writeString(cfg, "jobs:\n  shop-segments:\n    type: segments\n    source: { file: " + file
        + ", columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }\n" + extra);
    return cfg;
  }

  private long currentSegmentBatch() throws Exception {
    Result r = larder("segment", "--job", "shop-segments", "--customer", "u1", "--format", "csv");
    assertThat(r.exit()).as(r.all()).isZero();
    String[] f = r.out().lines().skip(1).findFirst().orElseThrow().split(",");
    return Long.parseLong(f[f.length - 1]);
  }

  @Test
  @Order(10)
  void badTransactionsFailClearlyAndTheSegmentsKeepServing() throws Exception {
    long before = currentSegmentBatch();
    String header = "user_id,item_id,timestamp,quantity,amount,order_id\n";
    String good = "u1,i1,2024-05-01T10:00:00Z,1,9.50,o1\nu2,i2,2024-05-02T10:00:00Z,1,3.00,o2\n";
    Files.writeString(work.resolve("amount.csv"), header + good + "u3,i3,2024-05-03T10:00:00Z,1,ten,o3\n");
    Files.writeString(work.resolve("date.csv"), header + good + "u3,i3,yesterday,1,1.00,o3\n");
    Files.writeString(work.resolve("few.csv"), header + good);
    record Case(String name, String file, String extra, int exit, String[] parts) {}
    for (Case c : List.of(
        new Case("amount", "amount.csv", "", 3, new String[] {"amount.csv:4", "amount", "ten"}),
        new Case("date", "date.csv", "", 3, new String[] {"date.csv:4", "timestamp", "yesterday"}),
        new Case("asof", "few.csv", "    rfm: { as_of: 2020-01-01 }\n", 2,
            new String[] {"jobs.shop-segments.rfm.as_of", "2020-01-01T23:59:59", "before the first transaction"}),
        // the shrink check (2 customers against the demo's) would refuse it first: off, to reach the k
        new Case("bigk", "few.csv", "    kmeans: { k: 5 }\n    checks: { max_shrink: none }\n", 2,
            new String[] {"k", "5", "2 customers"}),
        new Case("shrunk", "few.csv", "", 3, new String[] {"few.csv", "2 input rows against", "max_shrink = 50%",
            "--accept-shrink"}))) {
      Result r = larder("run", segmentsConfig("bad-" + c.name(), c.file(), c.extra()).toString(), "--quiet");
      assertThat(r.exit()).as(c.name() + ": " + r.all()).isEqualTo(c.exit());
      assertThat(r.err()).as(c.name()).contains(c.parts());
      assertThat(r.err().lines().filter(l -> l.startsWith("larder: ")).count()).as(r.err()).isEqualTo(1);
      assertThat(currentSegmentBatch()).as(c.name() + ": the previous batch keeps serving").isEqualTo(before);
    }
  }

  @Test
  @Order(11)
  void serveAnswersOverHttpAndABusyPortFailsClearly() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", System.getProperty("larder.launcher"), "serve", "--port", "0")
        .directory(work.toFile()).redirectErrorStream(true);
    pb.environment().put("LARDER_JAR", System.getProperty("larder.jar"));
    pb.environment().remove("LARDER_DB");
    Process server = pb.start();
    try {
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).as("the first line names the address").isNotNull().contains("serving").contains("larder.db");
      var m = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(first);
      assertThat(m.find()).as(first).isTrue();
      int port = Integer.parseInt(m.group(1));
      var http = java.net.http.HttpClient.newHttpClient();
      var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          "http://127.0.0.1:" + port + "/v1/recommendations/shop-als/u1?limit=3")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"user_id\":\"u1\"").contains("\"source\":\"user\"");
      assertThat(r.body().split("\"item_id\"", -1)).hasSize(4); // three items

      Result busy = larder("serve", "--port", String.valueOf(port));
      assertThat(busy.exit()).as(busy.all()).isEqualTo(2);
      assertThat(busy.err()).contains("--port").contains(String.valueOf(port)).contains("hint");
    } finally {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
    }
  }

  @Test
  @Order(12)
  void anImportedScoreFileIsPublishedServedExportedAndABadOneRefused() throws Exception {
    StringBuilder csv = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < 50; i++) csv.append("c").append(i).append(',').append(i / 100.0).append(',').append(i >= 40 ? "high" : "").append('\n');
    Files.writeString(work.resolve("churn.csv"), csv);
    Path cfg = work.resolve("import.yaml");
    Files.writeString(cfg, "jobs:\n  churn:\n    type: import\n"
        + "    source: { file: churn.csv, columns: { entity: customer_id, score: p, label: band } }\n"
        + "    checks: { min_rows: 10, score_min: 0, score_max: 1 }\n");
    Result run = larder("run", cfg.toString(), "--quiet");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("imported scores").contains("50 entities").contains("high 10");

    Result one = larder("score", "--job", "churn", "--entity", "c42");
    assertThat(one.exit()).as(one.all()).isZero();
    assertThat(one.out()).contains("0.42").contains("high");
    Result top = larder("score", "top", "--job", "churn", "-n", "3", "--format", "csv");
    assertThat(top.out().lines().skip(1).toList()).containsExactly("1,c49,0.49,high", "2,c48,0.48,high", "3,c47,0.47,high");
    Result export = larder("score", "export", "--job", "churn", "-o", "scores-out.csv");
    assertThat(export.exit()).as(export.all()).isZero();
    List<String> rows = Files.readAllLines(work.resolve("scores-out.csv"));
    assertThat(rows.get(0)).isEqualTo("entity_id,score,label");
    assertThat(rows).hasSize(51).contains("c7,0.07,", "c45,0.45,high");

    Files.writeString(work.resolve("churn.csv"), "customer_id,p,band\nc1,0.5,\nc2,7,\n");
    Result bad = larder("run", cfg.toString(), "--quiet");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(3);
    assertThat(bad.err()).contains("churn.csv").contains("a score of 7.0 is above score_max = 1.0 (entity 'c2')");
    assertThat(larder("score", "--job", "churn", "--entity", "c42").out()).as("the old batch serves").contains("0.42");
  }

  @Test
  @Order(13)
  void scheduleListsItsJobsNextRunsAndStopsCleanly() throws Exception {
    Path cfg = work.resolve("scheduled.yaml");
    Files.writeString(cfg, Files.readString(work.resolve("larder-demo/larder.yaml"))
        .replace("  shop-rfm:\n", "  shop-rfm:\n    schedule: \"0 3 * * MON\"\n"));
    Files.copy(work.resolve("larder-demo/interactions.csv.gz"), work.resolve("interactions.csv.gz"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ProcessBuilder pb = new ProcessBuilder("bash", System.getProperty("larder.launcher"), "schedule", cfg.toString(), "-q")
        .directory(work.toFile()).redirectErrorStream(true);
    pb.environment().put("LARDER_JAR", System.getProperty("larder.jar"));
    pb.environment().remove("LARDER_DB");
    Process p = pb.start();
    try {
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      // schedule trains and scores: the launcher adds the Vector API, and Java says so first
      if (first != null && first.startsWith("WARNING: Using incubator modules")) first = out.readLine();
      // the demo schedules two jobs and shop-als's refresh; this config adds shop-rfm
      assertThat(first).contains("scheduling 3 jobs and 1 refresh");
      List<String> jobs = new ArrayList<>();
      for (int i = 0; i < 4; i++) jobs.add(out.readLine());
      assertThat(jobs).anySatisfy(l -> assertThat(l).contains("shop-rfm").contains("0 3 * * MON").contains("next 20"))
          .anySatisfy(l -> assertThat(l).contains("shop-als").contains("0 3 * * *").contains("03:00 UTC"))
          .anySatisfy(l -> assertThat(l).contains("shop-als refresh").contains("*/15 * * * *"));
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
    assertThat(larder("status", "--config", cfg.toString()).out()).contains("03:00 UTC").contains("(not scheduled)");

    Result none = larder("schedule", "import.yaml");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no job has a schedule").contains("schedule:");
  }

  @Test
  @Order(14)
  void aFailingJobDoesNotStopTheOthersAndTheRunStillFails() throws Exception {
    Path cfg = work.resolve("two.yaml");
    Files.writeString(cfg, "jobs:\n  broken:\n    source: { file: nowhere.csv }\n    model: { type: popularity }\n"
        + "  fine:\n    source: { file: larder-demo/interactions.csv.gz, columns: { user: user_id, item: item_id } }\n"
        + "    model: { type: popularity }\n");
    Result r = larder("run", cfg.toString(), "--quiet");
    assertThat(r.exit()).as(r.all()).isEqualTo(3);
    assertThat(r.out()).contains("job fine: published batch");
    assertThat(r.err()).contains("[broken] FAILED").contains("1 of 2 jobs failed (broken); the others published")
        .contains("nowhere.csv");
    assertThat(r.err().lines().filter(l -> l.startsWith("larder: ")).count()).isEqualTo(1);
  }

  @Test
  @Order(15)
  void exportWritesAJobsWholeBatchInItsKindsColumns() throws Exception {
    Result recs = larder("export", "--job", "shop-als", "-o", "als.csv");
    assertThat(recs.exit()).as(recs.all()).isZero();
    List<String> rows = Files.readAllLines(work.resolve("als.csv"));
    assertThat(rows.get(0)).isEqualTo("user_id,rank,item_id,score");
    Result one = larder("recommend", "--job", "shop-als", "--user", "u1", "--format", "csv");
    List<String> u1 = one.out().lines().skip(1).map(l -> "u1," + l).toList();
    assertThat(rows).containsSubsequence(u1);
    assertThat(recs.err()).contains("exported " + String.format("%,d", rows.size() - 1) + " rows of job shop-als");

    Result seg = larder("export", "--job", "shop-rfm");
    assertThat(seg.exit()).as(seg.all()).isZero();
    List<String> members = seg.out().lines().toList();
    assertThat(members.get(0)).startsWith("customer_id,segment_id,segment_label");
    assertThat(members.subList(1, members.size())).hasSize(1500).allMatch(l -> l.matches("u\\d+,\\d+,.*"));

    Result none = larder("export", "--job", "no-such-job");
    assertThat(none.exit()).isEqualTo(6);
    assertThat(none.err()).contains("no-such-job").contains("shop-als");
  }
}
