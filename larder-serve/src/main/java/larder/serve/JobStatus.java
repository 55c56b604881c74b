package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import larder.core.BatchInfo;

/**
 * One job as a monitor must see it: the full batch it serves, the refresh serving with it, and whether its latest
 * run failed. A failed run leaves the previous batch serving, which is what readers need, but nobody learns of it
 * from the serving batch alone.
 *
 * @param job the job
 * @param serving the full batch the job serves (its base), or null when it never published
 * @param refresh the base's current refresh (schema version 10): the lists of the users it re-scored serve from it,
 *     everyone else's from {@code serving}; null when the base has none
 * @param failure the job's latest finished run (full or refresh) when it failed and is newer than what serves (or
 *     the job serves nothing), else null: its id and message say what went wrong
 * @param running the newest batch still being written ({@code staging}), newer than every finished run, or null
 */
public record JobStatus(String job, BatchInfo serving, BatchInfo refresh, BatchInfo failure, BatchInfo running) {

  /** Whether the job has never published a batch: it serves nothing. */
  public boolean neverPublished() {
    return serving == null;
  }

  /**
   * When what the job serves was last brought up to date: its refresh's publish time when it has one, else its
   * base's; null when it serves nothing. A refresh re-scores every user with interactions newer than the base's
   * data, so once it is published the whole job is as current as the refresh (everyone else had nothing new);
   * only the model is as old as the base, and a stale model is a late full run, which {@link #failure} or the
   * schedule shows, not a stale answer.
   */
  public Instant freshAt() {
    if (serving == null) return null;
    if (refresh != null && refresh.publishedAt() != null
        && (serving.publishedAt() == null || refresh.publishedAt().isAfter(serving.publishedAt()))) {
      return refresh.publishedAt();
    }
    return serving.publishedAt();
  }

  /**
   * Whether the job was last brought up to date ({@link #freshAt}: the newest of its base and its refresh) longer
   * than {@code maxAge} before {@code now}; never when {@code maxAge} is null.
   */
  public boolean stale(Duration maxAge, Instant now) {
    Instant fresh = freshAt();
    return maxAge != null && fresh != null && Duration.between(fresh, now).compareTo(maxAge) > 0;
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
    // 'published' marks the job's current base and the refresh serving with it (a rollback can leave the base
    // older than superseded batches, so not simply the newest)
    for (BatchInfo b : newestFirst) {
      if ("published".equals(b.status()) && !b.isRefresh() && serving == null) serving = b;
    }
    BatchInfo refresh = null;
    for (BatchInfo b : newestFirst) {
      if (refresh == null && serving != null && "published".equals(b.status()) && b.isRefresh()
          && b.baseBatchId() == serving.id()) {
        refresh = b;
      }
    }
    long servedSince = refresh != null ? refresh.id() : serving != null ? serving.id() : -1;
    for (BatchInfo b : newestFirst) {
      if ("staging".equals(b.status())) {
        if (latestFinished == null && running == null) running = b;
      } else if (latestFinished == null) {
        latestFinished = b;
      }
    }
    boolean failedSince = latestFinished != null && "failed".equals(latestFinished.status())
        && latestFinished.id() > servedSince;
    return new JobStatus(job, serving, refresh, failedSince ? latestFinished : null, running);
  }
}
