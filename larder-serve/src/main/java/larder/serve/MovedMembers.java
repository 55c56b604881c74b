package larder.serve;

import java.util.List;

/**
 * One page of a segment's members with their previous segments, ordered by customer id, from batch {@code batchId}.
 *
 * @param segmentLabel the segment's label, or null when the batch has no profile for it
 * @param previousBatchId the batch the job's transitions were counted from; null for a job's first batch
 * @param previousKept whether that batch's rows are still kept, so previous segments are known
 * @param movedInOnly whether the page lists only members that moved in (from another segment, or new)
 * @param nextAfter pass as {@code afterCustomerId} for the next page; null on the last page
 */
public record MovedMembers(String job, int segmentId, String segmentLabel, long batchId, Long previousBatchId,
    boolean previousKept, boolean movedInOnly, List<MovedMember> members, String nextAfter) {}
