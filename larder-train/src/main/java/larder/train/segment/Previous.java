package larder.train.segment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import larder.core.IdMap;
import larder.core.segment.SegmentProfile;

/**
 * The job's previous batch, as far as this run needs it: its segment profiles (k-means centroids in original
 * units keyed by feature name, and sizes), which segment each of this run's customers was in, and the highest
 * segment id ever used.
 *
 * @param profiles the previous batch's profiles
 * @param segmentOf per customer of this run (aligned with this run's customer ids), the previous batch's
 *     segment id, 0 when the customer is new; null when unknown (then no transitions are computed)
 * @param highestIdUsed the highest segment id any batch of the job ever published (at least every profile's
 *     id is assumed); fresh ids start above it
 */
public record Previous(List<SegmentProfile> profiles, int[] segmentOf, int highestIdUsed) {
  public Previous {
    profiles = List.copyOf(profiles);
    int max = highestIdUsed;
    for (SegmentProfile p : profiles) max = Math.max(max, p.segmentId());
    highestIdUsed = Math.max(0, max);
  }

  /** With the highest id taken from the profiles. */
  public Previous(List<SegmentProfile> profiles, int[] segmentOf) {
    this(profiles, segmentOf, 0);
  }

  /** The previous segments' sizes by id. */
  public Map<Integer, Long> sizes() {
    Map<Integer, Long> m = new HashMap<>();
    for (SegmentProfile p : profiles) m.merge(p.segmentId(), p.size(), Long::sum);
    return m;
  }

  /**
   * Collects the previous batch's (customer, segment) pairs, e.g. as a store streams them, for this run's
   * customers: a customer this run does not have is skipped (the transitions count it as left), a customer
   * no pair names stays 0 (new).
   */
  public static Builder builder(IdMap currentCustomers) {
    return new Builder(currentCustomers);
  }

  /** See {@link Previous#builder}. Not thread-safe. */
  public static final class Builder {
    private final IdMap customers;
    private final int[] segmentOf;

    private Builder(IdMap customers) {
      this.customers = customers;
      this.segmentOf = new int[customers.size()];
    }

    /** One pair of the previous batch. */
    public void accept(String customerId, int segmentId) {
      if (segmentId < 1) throw new IllegalArgumentException("segment id " + segmentId + " of customer " + customerId);
      int i = customers.idOf(customerId);
      if (i >= 0) segmentOf[i] = segmentId;
    }

    public Previous build(List<SegmentProfile> profiles, int highestIdUsed) {
      return new Previous(profiles, segmentOf, highestIdUsed);
    }
  }
}
