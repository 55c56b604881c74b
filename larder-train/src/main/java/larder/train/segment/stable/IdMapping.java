package larder.train.segment.stable;

import java.util.List;

/**
 * Which segment id each new cluster got, and why: the record of {@link IdMatcher}'s decisions, printed with a
 * run so that a changed id is never a surprise.
 *
 * @param featuresMatched false when the previous batch was described by other features (or had no
 *     centroids), so nothing could be matched
 * @param note one line on the matching as a whole
 * @param decisions one per cluster, by cluster index
 * @param retired previous segment ids that no cluster took over, ascending
 */
public record IdMapping(boolean featuresMatched, String note, List<Decision> decisions, List<Integer> retired) {
  public IdMapping {
    decisions = List.copyOf(decisions);
    retired = List.copyOf(retired);
  }

  /**
   * One cluster's id.
   *
   * @param cluster the cluster's index in the k-means result (0-based); for rule segments, the rule segment's
   *     index in {@link larder.train.segment.rfm.RfmSegment}
   * @param segmentId the id it is published under
   * @param size customers in the cluster
   * @param previousSegmentId the previous segment it continues, or null for a new id
   * @param distance distance in this run's clustering space to that previous segment's centroid, or to the
   *     nearest previous centroid when it got a new id; NaN when there was none to compare with
   * @param reason the decision in words
   */
  public record Decision(int cluster, int segmentId, long size, Integer previousSegmentId, double distance,
      String reason) {}

  /** The segment id of cluster {@code cluster}. */
  public int segmentId(int cluster) { return decisions.get(cluster).segmentId(); }

  /** Segment ids by cluster index. */
  public int[] segmentIds() {
    int[] ids = new int[decisions.size()];
    for (int c = 0; c < ids.length; c++) ids[c] = decisions.get(c).segmentId();
    return ids;
  }

  /** The note, then one line per cluster. */
  public String describe() {
    StringBuilder s = new StringBuilder(note).append('\n');
    for (Decision d : decisions) {
      s.append("  cluster ").append(d.cluster()).append(" (").append(d.size()).append(" customers) -> segment ")
          .append(d.segmentId()).append(": ").append(d.reason()).append('\n');
    }
    if (!retired.isEmpty()) s.append("  previous segments without a successor: ").append(retired).append('\n');
    return s.toString();
  }
}
