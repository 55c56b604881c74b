package larder.serve;

/**
 * One customer of a segment: its id, distance to the centroid, and its RFM values (null when the job
 * clustered a feature table; rfmScore also null when not scored).
 */
public record SegmentMember(String customerId, float distance, Double recencyDays, Double frequency,
    Double monetary, String rfmScore) {}
