package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.BatchMetrics;
import larder.core.IdMap;
import larder.core.Scores;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

/** What {@code larder status} and the dashboard's overview both read: ages, headline change, failures, next runs. */
class JobOverviewTest {
  @Test
  void eachJobHasItsAgeAgainstTheLimitItsHeadlineChangeItsFailureAndItsNextRun() {
    try (TestStore db = TestStore.sqlite()) {
      Store store = db.open(Store::open);
      Publisher pub = new Publisher(store);
      BatchInfo first = publish(pub, "churn", 0.40);
      BatchInfo second = publish(pub, "churn", 0.45);
      BatchLoader failing = pub.begin("churn", BatchKind.SCORES, "import", BatchParams.NONE);
      failing.fail("churn.csv:3: field 'p': 'x' is not a number");
      BatchInfo other = publish(pub, "fresh", 0.10);

      Instant now = second.publishedAt().plus(Duration.ofHours(30));
      Schedules schedules = new Schedules() {
        @Override public boolean known() { return true; }
        @Override public List<String> jobs() { return List.of("fresh", "ghost"); }
        @Override public Optional<ZonedDateTime> next(String job, Instant after) {
          return job.equals("churn") ? Optional.empty() : Optional.of(after.plus(Duration.ofHours(2)).atZone(ZoneId.of("UTC")));
        }
      };
      JobOverview.Report r = new JobOverview(store, Clock.fixed(now, ZoneOffset.UTC)).read(Duration.ofHours(26), schedules);

      assertThat(r.jobs()).extracting(JobOverview.Job::job).containsExactly("churn", "fresh");
      JobOverview.Job churn = r.jobs().get(0);
      assertThat(churn.serving().id()).isEqualTo(second.id());
      assertThat(churn.previous().id()).isEqualTo(first.id());
      assertThat(churn.age()).isEqualTo(Duration.ofHours(30));
      assertThat(churn.stale()).isTrue();
      assertThat(churn.failed()).isTrue();
      assertThat(churn.state()).isEqualTo("FAILED, STALE");
      assertThat(churn.status().failure().message()).contains("'x' is not a number");
      assertThat(churn.headline().name()).isEqualTo("mean score");
      assertThat(churn.change().getAsDouble()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(churn.nextRun()).isNull();
      assertThat(churn.inConfig()).isFalse();

      JobOverview.Job fresh = r.jobs().get(1);
      assertThat(fresh.previous()).isNull();
      assertThat(fresh.change()).as("a first batch has nothing to change from").isEmpty();
      assertThat(fresh.nextRun().toInstant()).isEqualTo(now.plus(Duration.ofHours(2)));
      assertThat(fresh.inConfig()).isTrue();
      assertThat(fresh.age()).isLessThan(Duration.ofHours(30)).isGreaterThan(Duration.ofHours(29));

      assertThat(r.neverRun()).extracting(JobOverview.NeverRun::job).containsExactly("ghost");
      assertThat(r.needingAttention()).as("churn (failed, stale), fresh (stale), ghost").isEqualTo(3);
      assertThat(r.size()).isEqualTo(3);
      assertThat(other.id()).isGreaterThan(second.id());
    }
  }

  @Test
  void aRefreshedJobShowsItsRefreshAndItsAgeAndChangesItsHeadlineFromTheFullBatchBefore() {
    try (TestStore db = TestStore.sqlite()) {
      Store store = db.open(Store::open);
      Publisher pub = new Publisher(store);
      BatchInfo first = lists(pub), base = lists(pub);
      BatchInfo refresh;
      IdMap items = new IdMap();
      items.intern("i9");
      try (larder.publish.RefreshLoader r = pub.beginRefresh("shop", "test", BatchParams.NONE)) {
        r.putList("u1", new int[] {0}, new float[] {1f}, 1, items);
        refresh = r.publish();
      }
      Instant now = refresh.publishedAt().plus(Duration.ofHours(2));
      JobOverview.Job j = new JobOverview(store, Clock.fixed(now, ZoneOffset.UTC)).read(Duration.ofHours(1), Schedules.NONE)
          .jobs().get(0);
      assertThat(j.serving().id()).isEqualTo(base.id());
      assertThat(j.refresh().id()).isEqualTo(refresh.id());
      assertThat(j.previous().id()).as("the full batch before, not a refresh").isEqualTo(first.id());
      assertThat(j.refreshAge()).isEqualTo(Duration.ofHours(2));
      assertThat(j.age()).isEqualTo(Duration.between(base.publishedAt(), now));
      assertThat(j.freshness()).isEqualTo(j.refreshAge());
      assertThat(j.stale()).as("refreshed 2 h ago, 1 h allowed").isTrue();
      JobOverview.Job fresh = new JobOverview(store, Clock.fixed(now, ZoneOffset.UTC)).read(Duration.ofHours(3), Schedules.NONE)
          .jobs().get(0);
      assertThat(fresh.stale()).isFalse();
      assertThat(fresh.state()).isEqualTo("ok");
    }
  }

  /** A full recommendations batch of job "shop": two users with one item each. */
  private static BatchInfo lists(Publisher pub) {
    IdMap users = new IdMap(), items = new IdMap();
    users.intern("u1");
    users.intern("u2");
    items.intern("i1");
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < 2; u++) sink.accept(u, new int[] {0}, new float[] {1f}, 1);
      return w.publish(3);
    }
  }

  private static BatchInfo publish(Publisher pub, String job, double mean) {
    try (BatchLoader w = pub.begin(job, BatchKind.SCORES, "import", BatchParams.NONE)) {
      IdMap ids = IdMap.sequential(3);
      w.scores().write(new Scores(ids, new double[] {mean, mean, mean}, null));
      w.setMetrics(BatchMetrics.of(Map.of(BatchMetrics.SCORE_MIN, mean, BatchMetrics.SCORE_MAX, mean,
          BatchMetrics.SCORE_MEAN, mean)));
      return w.publish(3);
    }
  }
}
