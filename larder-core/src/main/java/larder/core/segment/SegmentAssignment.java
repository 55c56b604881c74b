package larder.core.segment;

import larder.core.IdMap;

/**
 * Every customer's segment in one run, what a segmentation job publishes as rows of
 * {@code larder_segments}. Arrays are indexed by dense customer id.
 *
 * @param customers the customers' external ids
 * @param segment segment id per customer (>= 1)
 * @param distance distance to the segment's centroid in the clustering space; 0 for rule-based segments
 * @param rfm the customer's RFM values and scores, or null when the job clustered a feature table
 */
public record SegmentAssignment(IdMap customers, int[] segment, float[] distance, Rfm rfm) {
  public SegmentAssignment {
    int n = customers.size();
    if (segment.length != n || distance.length != n) {
      throw new IllegalArgumentException("arrays do not match " + n + " customers");
    }
    if (rfm != null && (rfm.recencyDays().length != n || rfm.frequency().length != n || rfm.monetary().length != n
        || rfm.score().length != n)) {
      throw new IllegalArgumentException("RFM arrays do not match " + n + " customers");
    }
  }

  public int size() { return segment.length; }

  /**
   * Per customer: recency in days before the as-of date, frequency (distinct orders), monetary value, and
   * the classic RFM score as a three-digit number (R, F, M quintile scores 1-5, e.g. 545), 0 when not scored.
   */
  public record Rfm(double[] recencyDays, double[] frequency, double[] monetary, short[] score) {}
}
