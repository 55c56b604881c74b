package larder.dashboard.jobs;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import larder.core.DurationText;
import larder.dashboard.Frame;
import larder.serve.JobOverview;
import larder.serve.Schedules;
import larder.store.Store;

/**
 * Screen 1, the jobs overview ({@code GET /}): one row per job, from {@link JobOverview}, the service
 * {@code larder status} prints, so the page and the command cannot disagree. Its table body reloads itself
 * ({@code GET /fragments/jobs}, every 30 s).
 */
public final class JobsOverview {
  private final JobOverview overview;
  private final Duration maxAge;
  private final Schedules schedules;

  /**
   * @param maxAge the allowed age ({@code larder serve --max-age}), or null
   * @param schedules next runs when a config is known
   */
  public JobsOverview(Store store, Clock clock, Duration maxAge, Schedules schedules) {
    this.overview = new JobOverview(store, clock);
    this.maxAge = maxAge;
    this.schedules = schedules;
  }

  /** The page's model. */
  public record Page(Frame frame, Rows rows) {}

  /**
   * The table's rows.
   *
   * @param lines one per job, by name, then the config's jobs that never ran
   * @param nextRuns whether to show the next-run column (a config is known)
   * @param maxAge the allowed age in words, or empty
   * @param attention how many jobs need attention
   * @param readAt when the rows were read, e.g. "2026-03-02 12:00 UTC"
   */
  public record Rows(List<JobLine> lines, boolean nextRuns, String maxAge, long attention, String readAt) {}

  public Page page(Context ctx, Frame frame) {
    return new Page(frame, rows(ctx, frame));
  }

  public Rows rows(Context ctx, Frame frame) {
    JobOverview.Report r = overview.read(maxAge, schedules);
    List<JobLine> lines = new ArrayList<>();
    for (JobOverview.Job j : r.jobs()) lines.add(JobLine.of(j, r.configKnown()));
    for (JobOverview.NeverRun n : r.neverRun()) lines.add(JobLine.neverRun(n, r.now()));
    return new Rows(lines, r.configKnown(), maxAge == null ? "" : DurationText.human(maxAge), r.needingAttention(),
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC)
            .format(r.now()));
  }
}
