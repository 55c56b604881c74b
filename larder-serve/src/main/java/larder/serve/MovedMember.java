package larder.serve;

/**
 * A member of a segment with the segment it had in the job's previous batch.
 *
 * @param previousSegment its segment id in the previous batch; null when it was not a customer of that batch
 *     (new), or the previous batch is unknown or no longer kept (see {@link MovedMembers#previousKept()})
 */
public record MovedMember(SegmentMember member, Integer previousSegment) {
  /** Whether it came into the segment since the previous batch: from another segment, or new. */
  public boolean movedIn(int segmentId) {
    return previousSegment == null || previousSegment != segmentId;
  }
}
