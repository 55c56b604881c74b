package larder.jobs.run;

import larder.core.Progress;
import larder.jobs.config.ImportJob;
import larder.jobs.config.JobConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SegmentsJob;
import larder.publish.Publisher;

/**
 * Runs jobs end to end into one store, each kind by its own runner: recommendations (extract, evaluate,
 * train, score, publish), segments (extract, features, segment, publish) and imports (read, validate, publish); a
 * refresh re-scores a recommendations job's changed users ({@link #refresh}). Every run takes its job's
 * lock first and, when anything fails, marks its batch failed and leaves the previous batch serving.
 */
public final class JobRunner {
  private final RecommendationsRunner recommendations;
  private final SegmentsRunner segments;
  private final ImportRunner imports;
  private final RefreshRunner refreshes;
  private final java.util.function.Function<JobConfig, SparkEngine> sparkFor;

  public JobRunner(Publisher publisher, Progress progress, RunReport.Listener listener) {
    this(publisher, progress, listener, false);
  }

  /**
   * @param acceptShrink publish batches that are smaller than their checks allow against the serving batch
   *     ({@code max_shrink}, and a fall beyond {@code max_row_change} or a key change limit), saying so; for one
   *     run a person asked for ({@code larder run --accept-shrink}), never for a schedule
   */
  public JobRunner(Publisher publisher, Progress progress, RunReport.Listener listener, boolean acceptShrink) {
    this(publisher, progress, listener, acceptShrink, job -> null);
  }

  /** @param sparkFor the Spark engine a job runs on, or null for the local engine */
  public JobRunner(Publisher publisher, Progress progress, RunReport.Listener listener, boolean acceptShrink,
      java.util.function.Function<JobConfig, SparkEngine> sparkFor) {
    this.sparkFor = sparkFor;
    BatchCheck checks = new BatchCheck(publisher, acceptShrink, listener);
    this.recommendations = new RecommendationsRunner(publisher, progress, listener, checks);
    this.segments = new SegmentsRunner(publisher, progress, listener, checks);
    this.imports = new ImportRunner(publisher, progress, listener, checks);
    this.refreshes = new RefreshRunner(publisher, progress, listener, checks);
  }

  public JobReport run(JobConfig job) {
    if (job instanceof RecommendationsJob r) return run(r);
    if (job instanceof SegmentsJob s) return run(s);
    return run((ImportJob) job); // JobConfig is sealed: these are the three kinds
  }

  public RunReport run(RecommendationsJob job) {
    return recommendations.run(job, sparkFor.apply(job));
  }

  /**
   * Re-scores only the users with interactions newer than the serving batch's high-water mark, with its kept
   * model ({@code larder run --refresh}); the job's {@code refresh:} section, or its defaults, say where the
   * new rows come from and how many users may change.
   */
  public RefreshReport refresh(RecommendationsJob job) {
    return refreshes.run(job);
  }

  public SegmentsReport run(SegmentsJob job) {
    return segments.run(job, sparkFor.apply(job));
  }

  public ImportReport run(ImportJob job) {
    return imports.run(job);
  }
}
