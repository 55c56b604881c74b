package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import larder.core.BatchInfo;

/**
 * One job as a monitor must see it: the batch it serves, and whether its latest run failed. A failed run leaves
 * the previous batch serving, which is what readers need, but nobody learns of it from the serving batch alone.
 *
 * @param job the job
 * @param serving the batch the job serves, or null when it never published
 * @param failure the job's latest finished run when it failed and is newer than the serving batch (or the job
 *     serves nothing), else null: its id and message say what went wrong
 * @param running the newest batch still being written ({@code staging}), newer than every finished run, or null
 */
public record JobStatus(String job, BatchInfo serving, BatchInfo failure, BatchInfo running) {

  /** Whether the job has never published a batch: it serves nothing. */
  public boolean neverPublished() {
    return serving == null;
  }

  /** Whether the serving batch is older than {@code maxAge} at {@code now}; never when {@code maxAge} is null. */
  public boolean stale(Duration maxAge, Instant now) {
    return maxAge != null && serving != null && serving.publishedAt() != null
        && Duration.between(serving.publishedAt(), now).compareTo(maxAge) > 0;
  }

  /** Serving, its latest run did not fail, and not stale. */
  public boolean healthy(Duration maxAge, Instant now) {
    return serving != null && failure == null && !stale(maxAge, now);
  }

  /** The status of every job that has a batch, sorted by job, from all batches newest first. */
  static List<JobStatus> of(List<BatchInfo> newestFirst) {
    Map<String, List<BatchInfo>> byJob = new TreeMap<>();
    for (BatchInfo b : newestFirst) byJob.computeIfAbsent(b.job(), j -> new ArrayList<>()).add(b);
    List<JobStatus> out = new ArrayList<>(byJob.size());
    byJob.forEach((job, batches) -> out.add(ofJob(job, batches)));
    return out;
  }

  private static JobStatus ofJob(String job, List<BatchInfo> newestFirst) {
    BatchInfo serving = null, latestFinished = null, running = null;
    for (BatchInfo b : newestFirst) {
      if ("published".equals(b.status()) && serving == null) serving = b;
      if ("staging".equals(b.status())) {
        if (latestFinished == null && running == null) running = b;
      } else if (latestFinished == null) {
        latestFinished = b;
      }
    }
    boolean failedSince = latestFinished != null && "failed".equals(latestFinished.status())
        && (serving == null || latestFinished.id() > serving.id());
    return new JobStatus(job, serving, failedSince ? latestFinished : null, running);
  }
}
