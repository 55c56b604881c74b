package larder.serve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import larder.core.BatchInfo;
import larder.store.Batches;
import larder.store.Store;

/**
 * Every job as {@code larder status} and the dashboard's jobs overview show it, computed here once so the two
 * cannot disagree: the batch it serves and its age against the allowed age, its headline figure and the change
 * from the batch before, its latest failure, and its next run when a config is known. Read in one snapshot.
 */
public final class JobOverview {
  private final Store store;
  private final Clock clock;

  /** @param clock "now", for ages and next runs */
  public JobOverview(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * @param maxAge the allowed age of a serving batch; null for no limit
   * @param schedules next runs and the configured jobs, or {@link Schedules#NONE}
   */
  public Report read(Duration maxAge, Schedules schedules) {
    List<BatchInfo> all = store.read("read the status of every job", c -> Batches.ofJob(c, store.dialect(), null));
    Instant now = clock.instant();
    List<Job> jobs = new ArrayList<>();
    for (JobStatus s : JobStatus.of(all)) {
      BatchInfo prev = s.serving() == null ? null : previousOf(all, s.serving());
      jobs.add(new Job(s, prev, maxAge, now, schedules.next(s.job(), now).orElse(null), schedules.jobs().contains(s.job())));
    }
    List<String> neverRun = new ArrayList<>(schedules.jobs());
    for (Job j : jobs) neverRun.remove(j.status().job());
    List<NeverRun> missing = new ArrayList<>();
    for (String job : neverRun) missing.add(new NeverRun(job, schedules.next(job, now).orElse(null)));
    return new Report(now, maxAge, schedules.known(), jobs, missing);
  }

  /** The full batch published before {@code serving}: what its headline changed from (refreshes re-score a few users). */
  private static BatchInfo previousOf(List<BatchInfo> newestFirst, BatchInfo serving) {
    for (BatchInfo b : newestFirst) {
      if (b.job().equals(serving.job()) && b.id() < serving.id() && b.publishedAt() != null && !b.isRefresh()) return b;
    }
    return null;
  }

  /**
   * @param now when it was read: ages are against this
   * @param maxAge the allowed age, or null
   * @param configKnown whether next runs and never-run jobs come from a config
   * @param jobs every job that has a batch, by name
   * @param neverRun the config's jobs without any batch
   */
  public record Report(Instant now, Duration maxAge, boolean configKnown, List<Job> jobs, List<NeverRun> neverRun) {
    /** Jobs that need attention: never published, latest run failed, stale, or in the config but never run. */
    public long needingAttention() {
      return jobs.stream().filter(j -> !j.healthy()).count() + neverRun.size();
    }

    public int size() { return jobs.size() + neverRun.size(); }
  }

  /** A configured job with no batch at all; {@code nextRun} null when unscheduled. */
  public record NeverRun(String job, ZonedDateTime nextRun) {}

  /**
   * One job that has a batch.
   *
   * @param status what it serves, its latest failure and a run in progress
   * @param previous the batch published before the serving one, or null
   * @param maxAge the allowed age, or null
   * @param now the time ages are measured to
   * @param nextRun when it runs next, or null (no config, not in it, or unscheduled)
   * @param inConfig whether the known config has this job
   */
  public record Job(JobStatus status, BatchInfo previous, Duration maxAge, Instant now, ZonedDateTime nextRun,
      boolean inConfig) {
    public String job() { return status.job(); }

    /** The full batch it serves (its base), or null. */
    public BatchInfo serving() { return status.serving(); }

    /** The refresh serving with the base, or null. */
    public BatchInfo refresh() { return status.refresh(); }

    /** The serving base's age, or null when it serves nothing (or was never published). */
    public Duration age() {
      return ageOf(status.serving());
    }

    /** The current refresh's age, or null when the base has none. */
    public Duration refreshAge() {
      return ageOf(status.refresh());
    }

    /** How long since the job was last brought up to date ({@link JobStatus#freshAt}), or null: what stale judges. */
    public Duration freshness() {
      Instant at = status.freshAt();
      return at == null ? null : Duration.between(at, now);
    }

    private Duration ageOf(BatchInfo b) {
      return b == null || b.publishedAt() == null ? null : Duration.between(b.publishedAt(), now);
    }

    public boolean stale() { return status.stale(maxAge, now); }

    public boolean failed() { return status.failure() != null; }

    public boolean healthy() { return status.healthy(maxAge, now); }

    /** The serving batch's headline (empty when it serves nothing). */
    public Headline headline() {
      return status.serving() == null ? Headline.of(null) : Headline.of(status.serving());
    }

    /** The headline's change from the previous batch's, when both have one. */
    public OptionalDouble change() {
      return previous == null || status.serving() == null ? OptionalDouble.empty()
          : headline().change(Headline.of(previous));
    }

    /**
     * What is wrong, in capitals as {@code larder status} prints it: "ok", "FAILED", "STALE", "FAILED, STALE" or
     * "NEVER PUBLISHED".
     */
    public String state() {
      if (status.neverPublished()) return "NEVER PUBLISHED";
      List<String> wrong = new ArrayList<>();
      if (failed()) wrong.add("FAILED");
      if (stale()) wrong.add("STALE");
      return wrong.isEmpty() ? "ok" : String.join(", ", wrong);
    }
  }
}
