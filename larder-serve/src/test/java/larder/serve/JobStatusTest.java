package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;
import org.junit.jupiter.api.Test;

/** Which batches a job's status names as base, refresh and failure, and how fresh it is, from its batches alone. */
class JobStatusTest {
  static final Instant T0 = Instant.parse("2026-01-01T03:00:00Z");

  /** Batch {@code id} of job "shop", published {@code hours} after T0 (null: never), a refresh of {@code base}. */
  static BatchInfo batch(long id, String status, Double hours, Long base) {
    Instant at = hours == null ? null : T0.plusSeconds((long) (hours * 3600));
    return new BatchInfo(id, "shop", BatchKind.RECOMMENDATIONS, "als", BatchParams.NONE, BatchMetrics.NONE,
        at == null ? T0 : at, at, status, 10, 0, 10, status.equals("failed") ? "boom" : null, 10L, null, base);
  }

  static JobStatus of(BatchInfo... newestFirst) {
    return JobStatus.of(List.of(newestFirst)).get(0);
  }

  @Test void theBaseServesWithItsPublishedRefreshNotTheNewestPublishedBatch() {
    JobStatus s = of(batch(15, "published", 3.0, 12L), batch(14, "superseded", 2.0, 12L), batch(12, "published", 0.0, null),
        batch(11, "superseded", -24.0, null));
    assertThat(s.serving().id()).isEqualTo(12);
    assertThat(s.refresh().id()).isEqualTo(15);
    assertThat(s.failure()).isNull();
    assertThat(s.freshAt()).isEqualTo(T0.plusSeconds(3 * 3600));
  }

  @Test void staleJudgesTheNewestOfBaseAndRefresh() {
    JobStatus refreshed = of(batch(15, "published", 20.0, 12L), batch(12, "published", 0.0, null));
    JobStatus alone = of(batch(12, "published", 0.0, null));
    Instant now = T0.plus(Duration.ofHours(30));
    assertThat(alone.stale(Duration.ofHours(26), now)).isTrue();
    assertThat(refreshed.stale(Duration.ofHours(26), now)).as("refreshed 10 h ago").isFalse();
    assertThat(refreshed.stale(Duration.ofHours(9), now)).isTrue();
    assertThat(refreshed.stale(null, now)).isFalse();
    assertThat(refreshed.healthy(Duration.ofHours(26), now)).isTrue();
  }

  @Test void aFailedRefreshAfterTheCurrentOneIsTheLatestFailureButAnOlderOneIsNot() {
    JobStatus failedLast = of(batch(16, "failed", null, 12L), batch(15, "published", 3.0, 12L),
        batch(12, "published", 0.0, null));
    assertThat(failedLast.failure().id()).isEqualTo(16);
    assertThat(failedLast.refresh().id()).isEqualTo(15);
    JobStatus recovered = of(batch(16, "published", 4.0, 12L), batch(15, "failed", null, 12L),
        batch(12, "published", 0.0, null));
    assertThat(recovered.failure()).isNull();
    assertThat(recovered.refresh().id()).isEqualTo(16);
  }

  @Test void aRollbackToAnOlderBaseShowsNoRefreshOfAnotherBase() {
    // base 12 was rolled back to after 20 (with its refresh 21) served: 21 is superseded, 12 has no refresh
    JobStatus s = of(batch(21, "superseded", 5.0, 20L), batch(20, "superseded", 4.0, null), batch(12, "published", 0.0, null));
    assertThat(s.serving().id()).isEqualTo(12);
    assertThat(s.refresh()).isNull();
    assertThat(s.freshAt()).isEqualTo(T0);
  }

  /** Property: freshAt is the later publish time of base and refresh, whatever their order and ages (seeded). */
  @Test void freshAtIsTheLaterOfTheTwo() {
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 500; i++) {
      double baseH = rnd.nextInt(100), refreshH = rnd.nextInt(100);
      boolean withRefresh = rnd.nextBoolean();
      List<BatchInfo> batches = new ArrayList<>();
      if (withRefresh) batches.add(batch(2, "published", refreshH, 1L));
      batches.add(batch(1, "published", baseH, null));
      JobStatus s = JobStatus.of(batches).get(0);
      double expected = withRefresh ? Math.max(baseH, refreshH) : baseH;
      assertThat(s.freshAt()).isEqualTo(T0.plusSeconds((long) (expected * 3600)));
    }
  }
}
