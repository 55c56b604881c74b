package larder.jobs.run;

import larder.core.ConfigException;
import larder.core.Progress;
import larder.jobs.config.RecommendationsJob;
import larder.publish.Publisher;

/**
 * Refreshes a recommendations job: re-scores the users with rows newer than the serving batch's high-water
 * mark with its kept model, and publishes them over the batch in one transaction.
 */
final class RefreshRunner {
  RefreshRunner(Publisher publisher, Progress progress, RunReport.Listener listener, BatchCheck checks) {}

  RunReport run(RecommendationsJob job) {
    throw new ConfigException("jobs." + job.name() + ".refresh", null, "refresh is not available yet",
        "run the job in full: larder run CONFIG --job " + job.name());
  }
}
