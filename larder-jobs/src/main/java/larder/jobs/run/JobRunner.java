package larder.jobs.run;

import larder.core.Progress;
import larder.jobs.config.ImportJob;
import larder.jobs.config.JobConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SegmentsJob;
import larder.publish.Publisher;

/**
 * Runs jobs end to end into one store, each kind by its own runner: recommendations (extract, evaluate,
 * train, score, publish), segments (extract, features, segment, publish) and imports (read, validate, publish). Every run takes its job's
 * lock first and, when anything fails, marks its batch failed and leaves the previous batch serving.
 */
public final class JobRunner {
  private final RecommendationsRunner recommendations;
  private final SegmentsRunner segments;
  private final ImportRunner imports;

  public JobRunner(Publisher publisher, Progress progress, RunReport.Listener listener) {
    this.recommendations = new RecommendationsRunner(publisher, progress, listener);
    this.segments = new SegmentsRunner(publisher, progress, listener);
    this.imports = new ImportRunner(publisher, progress, listener);
  }

  public JobReport run(JobConfig job) {
    if (job instanceof RecommendationsJob r) return run(r);
    if (job instanceof SegmentsJob s) return run(s);
    return run((ImportJob) job); // JobConfig is sealed: these are the three kinds
  }

  public RunReport run(RecommendationsJob job) {
    return recommendations.run(job);
  }

  public SegmentsReport run(SegmentsJob job) {
    return segments.run(job);
  }

  public ImportReport run(ImportJob job) {
    return imports.run(job);
  }
}
