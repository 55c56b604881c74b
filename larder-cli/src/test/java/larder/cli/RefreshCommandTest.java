package larder.cli;

import static larder.cli.CommandLineTest.larder;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import larder.cli.CommandLineTest.Result;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.schedule.Scheduler;
import larder.serve.PredictionReader;
import larder.store.Store;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larder run --refresh}: which jobs it takes, what it refuses before any work, and the schedule's refresh lines. */
class RefreshCommandTest {
  static final String CONFIG = """
      jobs:
        segs:
          type: segments
          source: { file: t.csv }
        shop:
          source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts } }
          model: { type: popularity }
          segment_fallback: segs
          schedule: "0 3 * * *"
          refresh: { schedule: "*/15 * * * *", max_changed_users: 500 }
        other:
          source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts } }
          model: { type: itemknn }
      """;

  @TempDir Path dir;

  Path config(String yaml) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void helpDescribesTheFlag() {
    Result r = larder("run", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--refresh").contains("max_changed_users (default 10% of the").contains("--job=JOB");
  }

  @Test
  void withoutJobsEveryRecommendationsJobIsRefreshedInFileOrderAndNamedJobsOnly() throws Exception {
    LarderConfig cfg = LarderConfig.load(config(CONFIG));
    assertThat(RunCommand.refreshSelection(cfg, null)).extracting(RecommendationsJob::name).containsExactly("shop", "other");
    assertThat(RunCommand.refreshSelection(cfg, List.of())).extracting(RecommendationsJob::name).containsExactly("shop", "other");
    // the segments job a full run of shop would run first is not refreshed
    assertThat(RunCommand.refreshSelection(cfg, List.of("shop", "shop")))
        .extracting(RecommendationsJob::name).containsExactly("shop");
    assertThat(RunCommand.refreshSelection(cfg, List.of("other", "shop"))).extracting(RecommendationsJob::name)
        .containsExactly("other", "shop");
  }

  @Test
  void whatCannotBeRefreshedIsRefusedBeforeTheStoreIsOpened() throws Exception {
    Path config = config(CONFIG);
    String db = dir.resolve("larder.db").toString();
    Result seg = larder("run", config.toString(), "--db", db, "--refresh", "--job", "shop", "--job", "segs");
    assertThat(seg.exit()).as(seg.err()).isEqualTo(2);
    assertThat(seg.err()).contains("--job = segs: is a segments job; only recommendations jobs can be refreshed")
        .contains("drop --refresh");
    Result unknown = larder("run", config.toString(), "--db", db, "--refresh", "--job", "nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("--job = nope").contains("no such job");
    Result shrink = larder("run", config.toString(), "--db", db, "--refresh", "--accept-shrink");
    assertThat(shrink.exit()).isEqualTo(2);
    assertThat(shrink.err()).contains("--accept-shrink").contains("not to --refresh");
    Path onlySegments = config("jobs:\n  segs:\n    type: segments\n    source: { file: t.csv }\n");
    Result none = larder("run", onlySegments.toString(), "--db", db, "--refresh");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("--refresh").contains("has no recommendations job to refresh");
    assertThat(Path.of(db)).doesNotExist();
  }

  @Test
  void aRefreshIsNotAFullRun() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    for (int u = 0; u < 30; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append(",1700000000\n");
    Files.writeString(dir.resolve("events.csv"), csv);
    Path config = config("jobs:\n  pop:\n    source: { file: events.csv, columns: { user: user_id, item: item_id,"
        + " timestamp: ts } }\n    model: { type: popularity }\n");
    String db = dir.resolve("larder.db").toString();
    Store.open(db).close();
    // no batch serves yet, so there is nothing to refresh: whatever the refresh says, it publishes no full batch
    Result r = larder("run", config.toString(), "--db", db, "--refresh", "--quiet");
    assertThat(r.exit()).as(r.err()).isNotZero();
    try (Store s = Store.openExisting(db)) {
      assertThat(new PredictionReader(s).current("pop")).isEmpty();
    }
  }

  @Test
  void tooManyChangedUsersAndADamagedSourceExitWithOneMessageAndTheListsStay() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    for (int u = 0; u < 40; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append(",1700000000\n");
    Path events = dir.resolve("events.csv");
    Files.writeString(events, csv);
    Path config = config("jobs:\n  pop:\n    source: { file: events.csv, columns: { user: user_id, item: item_id,"
        + " timestamp: ts } }\n    model: { type: itemknn }\n    refresh: { max_changed_users: 2 }\n");
    String db = dir.resolve("larder.db").toString();
    assertThat(larder("run", config.toString(), "--db", db, "--quiet").exit()).isZero();
    Files.writeString(events, "u1,i9,1700000100\nu2,i9,1700000100\nu3,i9,1700000100\n",
        java.nio.file.StandardOpenOption.APPEND);
    ServingSnapshot before = ServingSnapshot.of(db, "pop");

    Result many = larder("run", config.toString(), "--db", db, "--refresh", "--quiet");
    assertThat(many.exit()).as(many.err()).isEqualTo(3);
    assertThat(many.err()).contains("3 users have new interactions").contains("jobs.pop.refresh.max_changed_users (2")
        .contains("hint: run the job in full").doesNotContain("\tat ");
    assertThat(ServingSnapshot.of(db, "pop")).isEqualTo(before);

    Files.writeString(events, csv + "u1,i9,\"1700000100\nu2,i9,1700000100\n");
    Result damaged = larder("run", config.toString(), "--db", db, "--refresh", "--quiet");
    assertThat(damaged.exit()).as(damaged.err()).isEqualTo(3);
    assertThat(damaged.err()).contains("events.csv").doesNotContain("\tat ");
    assertThat(ServingSnapshot.of(db, "pop")).isEqualTo(before);
    try (Store s = Store.openExisting(db)) {
      assertThat(new PredictionReader(s).batches("pop")).hasSize(1);
    }
  }

  @Test
  void theScheduleListsRefreshEntriesBesideFullRuns() throws Exception {
    Path config = config(CONFIG);
    LarderConfig cfg = LarderConfig.load(config);
    Scheduler scheduler = new Scheduler(cfg, j -> null, j -> null, Scheduler.Clock.SYSTEM, null);
    String out = ScheduleCommand.timetable(scheduler, config, "x.db", Instant.parse("2025-01-01T02:50:00Z"));
    assertThat(out).startsWith("scheduling 1 job and 1 refresh of " + config + " into x.db");
    List<String> lines = out.lines().skip(1).toList();
    assertThat(lines).hasSize(2);
    // due together: the full run first
    assertThat(lines.get(0)).startsWith("  shop ").doesNotContain("refresh").contains("0 3 * * *")
        .endsWith("next 2025-01-01 03:00 UTC");
    assertThat(lines.get(1)).startsWith("  shop refresh").contains("*/15 * * * *").endsWith("next 2025-01-01 03:00 UTC");
    String later = ScheduleCommand.timetable(scheduler, config, "x.db", Instant.parse("2025-01-01T03:05:00Z"));
    assertThat(later.lines().skip(1).findFirst().orElseThrow()).startsWith("  shop refresh").endsWith("03:15 UTC");
  }
}
