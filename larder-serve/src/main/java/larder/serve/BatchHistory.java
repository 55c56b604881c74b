package larder.serve;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import larder.core.BatchInfo;
import larder.core.NotFoundException;
import larder.store.Batches;
import larder.store.Rollbacks;
import larder.store.Store;

/**
 * A job's history as the dashboard shows it: every kept and failed batch, newest first, and every rollback of the
 * job (who, when, from, to), read in one snapshot. Retired batches (beyond keep, their rows gone) and runs still
 * loading are left out; a run that died while loading shows as failed ({@link Batches}).
 */
public final class BatchHistory {
  private final Store store;

  public BatchHistory(Store store) {
    this.store = store;
  }

  /**
   * @param batches kept (current or superseded) and failed batches, newest first
   * @param rollbacks the job's rollbacks, newest first
   * @param finishedAt when each ended run finished, by batch id (runs that ended before schema version 6 absent)
   */
  public record Report(String job, List<BatchInfo> batches, List<Rollbacks.Entry> rollbacks,
      Map<Long, Instant> finishedAt) {
    /**
     * When {@code b}'s run ended: recorded since schema version 6; for an older published batch, when it was
     * published; else null.
     */
    public Instant finished(BatchInfo b) {
      Instant at = finishedAt.get(b.id());
      return at != null ? at : b.publishedAt();
    }

    /** The full batch the job serves (its base, not the refresh serving with it), or null. */
    public BatchInfo current() {
      return batches.stream().filter(b -> isCurrent(b) && !b.isRefresh()).findFirst().orElse(null);
    }
  }

  /** @throws NotFoundException when the job has no batch at all */
  public Report read(String job) {
    return store.read("read the history of job '" + job + "'", c -> {
      List<BatchInfo> all = Batches.ofJob(c, store.dialect(), job);
      if (all.isEmpty()) {
        throw new NotFoundException("job '" + job + "' has no batches; jobs serving: " + Batches.servingJobs(c),
            "check the job name");
      }
      List<BatchInfo> shown = all.stream().filter(b -> isKept(b) || Batches.FAILED.equals(b.status())).toList();
      return new Report(job, shown, Rollbacks.ofJob(c, store.dialect(), job),
          Batches.finishedAt(c, store.dialect(), job));
    });
  }

  /** Whether {@code b} serves now. */
  public static boolean isCurrent(BatchInfo b) {
    return "published".equals(b.status());
  }

  /**
   * Whether {@code b} can be served again by a rollback (and compared with another): a kept full batch; the
   * store refuses a rollback to a refresh, whose lists are only those of the users it re-scored.
   */
  public static boolean isRollbackTarget(BatchInfo b) {
    return isKept(b) && !b.isRefresh();
  }

  /** Whether {@code b} still has its rows: current, or superseded and kept for rollback (or a refresh). */
  public static boolean isKept(BatchInfo b) {
    return isCurrent(b) || "superseded".equals(b.status());
  }
}
