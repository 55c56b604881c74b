package larder.jobs.run;

import java.util.function.Supplier;
import larder.core.LarderException;
import larder.core.Progress;
import larder.jobs.config.ImportJob;
import larder.jobs.config.JobConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SegmentsJob;
import larder.publish.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs jobs end to end into one store, each kind by its own runner: recommendations (extract, evaluate,
 * train, score, publish), segments (extract, features, segment, publish) and imports (read, validate, publish); a
 * refresh re-scores a recommendations job's changed users ({@link #refresh}). Every run takes its job's
 * lock first and, when anything fails, marks its batch failed and leaves the previous batch serving.
 *
 * <p>While a job runs, the log's MDC holds {@value #MDC_JOB} = its name, so every line logged on the running
 * thread (a JSON log's {@code "job"} field) says which job it belongs to; its start, publish and failure are
 * logged at INFO and WARN.
 */
public final class JobRunner {
  /** The MDC key naming the job a log line belongs to. */
  public static final String MDC_JOB = "job";
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
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
    this.refreshes = new RefreshRunner(publisher, progress, listener);
  }

  public JobReport run(JobConfig job) {
    if (job instanceof RecommendationsJob r) return run(r);
    if (job instanceof SegmentsJob s) return run(s);
    return run((ImportJob) job); // JobConfig is sealed: these are the three kinds
  }

  public RunReport run(RecommendationsJob job) {
    return logged(job.name(), "run", () -> recommendations.run(job, sparkFor.apply(job)));
  }

  /**
   * Re-scores only the users with interactions newer than the serving batch's high-water mark, with its kept
   * model ({@code larder run --refresh}); the job's {@code refresh:} section, or its defaults, say where the
   * new rows come from and how many users may change.
   */
  public RefreshReport refresh(RecommendationsJob job) {
    return logged(job.name(), "refresh", () -> refreshes.run(job));
  }

  public SegmentsReport run(SegmentsJob job) {
    return logged(job.name(), "run", () -> segments.run(job, sparkFor.apply(job)));
  }

  public ImportReport run(ImportJob job) {
    return logged(job.name(), "run", () -> imports.run(job));
  }

  /**
   * Runs {@code work} with the job in the MDC (restoring what was there: a scheduler's own entry), logging its
   * start, the batch it published and its failure.
   */
  private static <R extends JobReport> R logged(String job, String what, Supplier<R> work) {
    String outer = MDC.get(MDC_JOB);
    MDC.put(MDC_JOB, job);
    long start = System.nanoTime();
    try {
      LOG.info("{} of job {} started", what, job);
      R report = work.get();
      var b = report.batch();
      String took = String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
      if (b == null) LOG.info("{} of job {} found nothing new to publish in {} s", what, job, took); // a refresh
      else LOG.info("{} of job {} published batch {} ({} rows) in {} s", what, job, b.id(), b.rows(), took);
      return report;
    } catch (LarderException e) {
      // A typed error: the command prints it with its hint, the log gets one line (the stack at DEBUG).
      LOG.warn("{} of job {} failed after {} s: {}", what, job,
          String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), e.getMessage());
      LOG.debug("{} of job {} failed", what, job, e);
      throw e;
    } catch (RuntimeException | Error e) {
      // A bug or out of memory: the command says so and how to get the stack, which --log-level debug shows here.
      LOG.error("{} of job {} failed: {}", what, job, e.toString());
      LOG.debug("{} of job {} failed", what, job, e);
      throw e;
    } finally {
      if (outer == null) MDC.remove(MDC_JOB);
      else MDC.put(MDC_JOB, outer);
    }
  }
}
