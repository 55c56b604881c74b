package larder.serve;

import java.time.Duration;
import java.time.Instant;

/**
 * One customer's segment in a segments job's current batch.
 *
 * @param segmentLabel the segment's label from the batch's profiles, or null when the batch has none
 * @param distance distance to the segment's centroid in the clustering space (0 for rule-based segments)
 * @param recencyDays days since the last order; null (as are frequency, monetary and rfmScore) when the
 *     job clustered a feature table
 * @param rfmScore R, F and M quintile scores as text, e.g. "545"; null when not scored
 * @param age how old the batch was when read
 */
public record CustomerSegment(String job, String customerId, int segmentId, String segmentLabel, float distance,
    Double recencyDays, Double frequency, Double monetary, String rfmScore, long batchId, Instant publishedAt,
    Duration age) {}
