package larder.jobs.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import larder.core.BatchInfo;
import larder.core.Progress;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.YamlConfig;
import larder.jobs.run.JobRunner;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.serve.Recommendations;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code larder schedule} against a MariaDB store: the scheduler (on a simulated clock) starts a job's full run and
 * then its hourly refreshes, each through the job runner on MariaDB; the full run publishes a base, each refresh a
 * batch on that base, and the changed user's list is served from the latest refresh.
 */
class SchedulerMariaDbTest {
  @TempDir Path dir;

  @Test void aScheduledFullRunAndItsRefreshesPublishToMariaDb() throws Exception {
    Path events = dir.resolve("events.csv");
    Random random = new Random(5);
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    long ts = 1_700_000_000L;
    for (int u = 0; u < 120; u++) {
      for (int k = 0; k < 6; k++) {
        csv.append('u').append(u).append(",i").append((int) (40 * Math.pow(random.nextDouble(), 2))).append(',')
            .append(ts++).append('\n');
      }
    }
    Files.writeString(events, csv);
    long[] newest = {ts};
    LarderConfig cfg = YamlConfig.parse(dir.resolve("larder.yaml"), """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts } }
            model: { type: itemknn, neighbors: 10 }
            top_n: 5
            schedule: "0 3 * * *"
            refresh: { schedule: "@hourly" }
        """);
    try (TestStore db = TestStore.mariadb(); Store store = db.open(Store::open)) {
      JobRunner runner = new JobRunner(new Publisher(store), Progress.NONE, (job, message) -> { });
      SchedulerTest.SimClock clock = new SchedulerTest.SimClock("2025-01-01T02:30:00Z");
      SchedulerTest.Log log = new SchedulerTest.Log(clock);
      int[] started = {0};
      Scheduler scheduler = new Scheduler(cfg, job -> {
        started[0]++;
        return runner.run(job);
      }, job -> {
        started[0]++;
        // user u7 takes two new items before each refresh: the refresh has a changed user to score again
        try {
          Files.writeString(events, "u7,i1," + (++newest[0]) + "\nu7,i2," + (++newest[0]) + "\n", StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return runner.refresh(job);
      }, clock, log);
      scheduler.run(() -> started[0] >= 3);

      assertThat(log.lines).containsExactly("2025-01-01T03:00:00Z start shop", "2025-01-01T03:00:00Z done shop",
          "2025-01-01T04:00:00Z start shop refresh", "2025-01-01T04:00:00Z done shop refresh",
          "2025-01-01T05:00:00Z start shop refresh", "2025-01-01T05:00:00Z done shop refresh");
      PredictionReader reader = new PredictionReader(store);
      List<BatchInfo> batches = reader.batches("shop");
      assertThat(batches).hasSize(3);
      BatchInfo base = batches.get(2);
      assertThat(batches.get(0).baseBatchId()).isEqualTo(base.id());
      assertThat(batches.get(1).baseBatchId()).isEqualTo(base.id());
      Recommendations changed = reader.recommend("shop", "u7", 5);
      assertThat(changed.source()).isEqualTo(Recommendations.USER);
      assertThat(changed.batchId()).isEqualTo(batches.get(0).id());
      assertThat(changed.items()).noneMatch(i -> i.itemId().equals("i1") || i.itemId().equals("i2"));
      Recommendations unchanged = reader.recommend("shop", "u8", 5);
      assertThat(unchanged.batchId()).isEqualTo(base.id());
      assertThat(reader.serving("shop").orElseThrow().refresh().id()).isEqualTo(batches.get(0).id());
    }
  }
}
