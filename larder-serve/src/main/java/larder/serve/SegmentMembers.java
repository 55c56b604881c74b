package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One page of a segment's members, ordered by customer id, all from batch {@code batchId}.
 *
 * @param segmentLabel the segment's label, or null when the batch has no profile for it
 * @param members at most the limit asked for
 * @param nextAfter pass as {@code afterCustomerId} for the next page; null on the last page
 */
public record SegmentMembers(String job, int segmentId, String segmentLabel, long batchId, Instant publishedAt,
    Duration age, List<SegmentMember> members, String nextAfter) {}
