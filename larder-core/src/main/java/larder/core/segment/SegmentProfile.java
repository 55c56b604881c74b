package larder.core.segment;

import java.util.Map;

/**
 * What one segment looks like, stored per batch and shown as {@code larder_segment_profiles}.
 * R, F and M figures are null when the job clustered a feature table instead of RFM features.
 *
 * @param segmentId stable id (>= 1)
 * @param label readable name, e.g. "recent, frequent, high spend" or "Champions"
 * @param size customers in the segment
 * @param share size / all customers
 * @param centroid feature name to centroid value in the features' original units, in feature order;
 *     empty for rule-based segments
 */
public record SegmentProfile(int segmentId, String label, long size, double share,
    Double recencyMean, Double recencyMedian, Double frequencyMean, Double frequencyMedian,
    Double monetaryMean, Double monetaryMedian, Map<String, Double> centroid) {
  public SegmentProfile {
    centroid = centroid == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(centroid));
  }
}
