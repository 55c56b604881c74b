package larder.serve;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import larder.core.StoreException;
import larder.core.segment.SegmentProfile;
import larder.store.Store;

/**
 * What the next run of a segments job needs from the batch it is about to replace, to keep segment ids
 * stable and count transitions: the batch, its profiles (centroids included) and its assignments,
 * streamed. Read by batch id, so a publish or rollback of the job in between does not change what is
 * read, as long as the batch is kept (a running job holds its lock, so its own batches are not retired).
 */
public final class PreviousSegments {
  /** Receives one (customer, segment) pair of the batch. */
  @FunctionalInterface
  public interface AssignmentConsumer {
    void accept(String customerId, int segmentId);
  }

  private static final int FETCH = 10_000;

  private final Store store;
  private final String job;
  private final long batchId;
  private final long customers;
  private final List<SegmentProfile> profiles;

  PreviousSegments(Store store, String job, long batchId, long customers, List<SegmentProfile> profiles) {
    this.store = store;
    this.job = job;
    this.batchId = batchId;
    this.customers = customers;
    this.profiles = List.copyOf(profiles);
  }

  public String job() { return job; }

  /** The batch these come from: the job's current batch when read. */
  public long batchId() { return batchId; }

  /** Customers in the batch: how many pairs {@link #forEachAssignment} gives. */
  public long customers() { return customers; }

  /** The batch's profiles by segment id; empty when it stored none. */
  public List<SegmentProfile> profiles() { return profiles; }

  /**
   * Streams every (customer, segment) pair of the batch in customer id order, in one snapshot and with
   * bounded memory (rows are fetched {@value #FETCH} at a time). Returns how many were given.
   *
   * @throws StoreException when the batch's rows are gone (it was retired or failed meanwhile)
   */
  public long forEachAssignment(AssignmentConsumer consumer) {
    return store.read("read the segments of batch " + batchId + " of job '" + job + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT status FROM larder_batches WHERE batch_id = ? AND status IN ('published', 'superseded')")) {
        ps.setLong(1, batchId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) throw gone("is no longer kept");
        }
      }
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT customer_id, segment_id FROM larder_segment_rows WHERE batch_id = ? ORDER BY customer_id")) {
        ps.setFetchSize(FETCH);
        ps.setLong(1, batchId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            consumer.accept(rs.getString(1), rs.getInt(2));
            n++;
          }
        }
      }
      if (n != customers) throw gone("has " + n + " segment rows, not the " + customers + " it recorded");
      return n;
    });
  }

  private StoreException gone(String problem) {
    return new StoreException("store " + store.name() + ": batch " + batchId + " of job '" + job + "' " + problem,
        "another process retired or changed it; run the job again", null);
  }

  @Override public String toString() {
    return "PreviousSegments[job=" + job + ", batch=" + batchId + ", customers=" + customers + ", segments="
        + profiles.size() + "]";
  }
}
