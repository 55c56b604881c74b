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
