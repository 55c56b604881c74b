package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.Scores;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.publish.RefreshLoader;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code larder status} in process on a real store: every job that has a batch is listed, and the exit code is 1
 * with a line saying why for a job that never published, whose latest run failed, that is stale, or (with
 * {@code --config}) that never ran; a healthy store exits 0. One contract per store.
 */
abstract class StatusCommandTest {
  @TempDir Path dir;
  TestStore db;
  Store store;
  Publisher publisher;

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeEach
  void open() {
    db = newStore();
    store = db.open(Store::open);
    publisher = new Publisher(store);
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  record Result(int exit, String out, String err) {}

  Result status(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("status", "--db", db.location()));
    all.addAll(List.of(args));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  BatchInfo publish(String job) {
    BatchLoader w = publisher.begin(job, BatchKind.SCORES, "import", BatchParams.NONE);
    Scores.Builder s = new Scores.Builder();
    s.add("e1", 0.5, null);
    s.add("e2", 0.25, null);
    w.scores().write(s.build());
    return w.publish(3);
  }

  long fail(String job, String why) {
    BatchLoader w = publisher.begin(job, BatchKind.SCORES, "import", BatchParams.NONE);
    w.fail(why);
    return w.batchId();
  }

  /** A full recommendations batch of {@code job}: three users with one item each. */
  BatchInfo publishLists(String job) {
    IdMap users = new IdMap(), items = new IdMap();
    for (String u : List.of("u1", "u2", "u3")) users.intern(u);
    items.intern("i1");
    try (BatchLoader w = publisher.begin(job, BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < 3; u++) sink.accept(u, new int[] {0}, new float[] {1f}, 1);
      return w.publish(3);
    }
  }

  /** A refresh of {@code job}'s base giving {@code user} a new list. */
  BatchInfo refresh(String job, String user) {
    IdMap items = new IdMap();
    items.intern("i2");
    try (RefreshLoader r = publisher.beginRefresh(job, "als", BatchParams.NONE)) {
      r.putList(user, new int[] {0}, new float[] {2f}, 1, items);
      return r.publish();
    }
  }

  void publishedAgo(long batchId, Duration ago) {
    store.write("age the batch", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET published_at = ? WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, Schema.now().minus(ago));
        ps.setLong(2, batchId);
        return ps.executeUpdate();
      }
    });
  }

  @Test
  void aRefreshedJobShowsItsBaseAndRefreshAndIsAsFreshAsTheRefresh() {
    BatchInfo base = publishLists("shop");
    BatchInfo r1 = refresh("shop", "u1");
    BatchInfo r2 = refresh("shop", "u2");
    publishedAgo(base.id(), Duration.ofDays(3));
    publishedAgo(r2.id(), Duration.ofHours(2));
    Result ok = status("--max-age", "26h");
    assertThat(ok.exit()).as("refreshed 2 h ago: fresh, though the base is 3 days old\n" + ok.out()).isZero();
    assertThat(ok.out()).contains("refreshed by")
        .containsPattern("shop +" + base.id() + " als .* 3\\.0 d +" + r2.id() + " \\(2\\.0 h ago\\) +ok")
        .doesNotContain(" " + r1.id() + " (");

    publishedAgo(r2.id(), Duration.ofDays(2));
    Result stale = status("--max-age", "26h");
    assertThat(stale.exit()).as(stale.out()).isEqualTo(1);
    assertThat(stale.out()).contains("shop: stale: batch " + base.id() + " was published 3.0 d ago and last refreshed by"
        + " batch " + r2.id() + " 2.0 d ago, more than --max-age 26h");

    RefreshLoader refused = publisher.beginRefresh("shop", "als", BatchParams.NONE);
    refused.fail("refresh of job 'shop': 900 changed users, more than max_changed_users 500");
    Result failed = status();
    assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
    assertThat(failed.out()).containsPattern("shop +" + base.id() + " .* FAILED")
        .contains("shop: latest refresh failed: batch " + refused.batchId())
        .contains("more than max_changed_users 500; batch " + base.id() + " (3.0 d old), refreshed by " + r2.id()
            + " (2.0 d ago), keeps serving");

    BatchInfo full = publishLists("shop"); // a full run serves alone
    Result fresh = status("--max-age", "26h");
    assertThat(fresh.exit()).as(fresh.out()).isZero();
    assertThat(fresh.out()).containsPattern("shop +" + full.id() + " als .* - +ok");
  }

  @Test
  void anEmptyStoreAndAHealthyStoreExitZero() {
    Result empty = status();
    assertThat(empty.exit()).as(empty.out() + empty.err()).isZero();
    assertThat(empty.out()).contains("no jobs have run yet");

    BatchInfo b = publish("churn");
    publish("fresh");
    publish("fresh");
    publisher.rollback("fresh"); // the newer batch is superseded, not failed: nothing to report
    Result ok = status("--max-age", "1d");
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).containsPattern("churn +" + b.id() + " import .* ok")
        .containsPattern("fresh +\\d+ import .* ok").doesNotContain("need attention");
  }

  @Test
  void aJobWhoseOnlyRunFailedHasNeverPublished() {
    publish("fresh");
    long gated = fail("gated", "job 'gated': quality gate failed, not publishing: ndcg@10 0.0410 is below min 0.05");
    Result r = status();
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).containsPattern("gated +- +- .* NEVER PUBLISHED")
        .contains("gated: never published: its latest run, batch " + gated + " (")
        .contains("), failed: job 'gated': quality gate failed, not publishing: ndcg@10 0.0410 is below min 0.05")
        .containsPattern("fresh .* ok").contains("1 of 2 jobs need attention");

    try (BatchLoader first = publisher.begin("first", BatchKind.SCORES, "import", BatchParams.NONE)) {
      Result writing = status();
      assertThat(writing.exit()).isEqualTo(1);
      assertThat(writing.out()).contains("first: never published: its first batch, " + first.batchId()
          + ", is being written since").contains("2 of 3 jobs need attention");
    }
  }

  @Test
  void aJobWhoseLatestRunFailedWhileAnOlderBatchServesIsReported() {
    BatchInfo old = publish("shop");
    long failed = fail("shop", "events.csv: 6,000 input rows against 12,000 in the serving batch " + old.id());
    Result r = status();
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).containsPattern("shop +" + old.id() + " import .* FAILED")
        .containsPattern("shop: latest run failed: batch " + failed + " \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)")
        .contains("): events.csv: 6,000 input rows against 12,000 in the serving batch " + old.id() + "; batch "
            + old.id() + " keeps serving");

    BatchInfo again = publish("shop"); // a good run clears it
    Result ok = status();
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).containsPattern("shop +" + again.id() + " import .* ok");
  }

  @Test
  void aStaleJobExitsOneOnlyWithMaxAge() {
    BatchInfo b = publish("nightly");
    Instant threeDaysAgo = Schema.now().minus(Duration.ofDays(3));
    store.write("age the batch", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET published_at = ? WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, threeDaysAgo);
        ps.setLong(2, b.id());
        return ps.executeUpdate();
      }
    });
    assertThat(status().exit()).isZero();
    Result r = status("--max-age", "26h");
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).containsPattern("nightly +" + b.id() + " .* 3\\.0 d +- +STALE")
        .contains("nightly: stale: batch " + b.id() + " was published 3.0 d ago, more than --max-age 26h");
  }

  @Test
  void withConfigAJobThatNeverRanIsListedAndCounts() throws Exception {
    publish("churn");
    Path cfg = dir.resolve("larder.yaml");
    Files.writeString(cfg, """
        jobs:
          churn:
            type: import
            schedule: "0 3 * * *"
            source: { file: churn.csv, columns: { entity: id, score: p } }
          weekly:
            type: import
            source: { file: weekly.csv, columns: { entity: id, score: p } }
        """);
    Result r = status("--config", cfg.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).containsPattern("churn .* ok .*03:00 UTC")
        .containsPattern("weekly +- +- .* NEVER RUN .*\\(not scheduled\\)")
        .contains("weekly: never ran: it is in " + cfg + " but has no batch in the store")
        .contains("1 of 2 jobs need attention");
  }
}
