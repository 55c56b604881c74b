package larder.serve;

import larder.core.BatchInfo;

/** Receives a segment's members as {@link SegmentReader#forEachMember} streams them. */
@FunctionalInterface
public interface MemberConsumer {
  /**
   * Called once before the first member (also for an empty segment), e.g. to write headers.
   *
   * @param segmentLabel the segment's label, or null when the batch has no profile for it
   */
  default void start(BatchInfo batch, String segmentLabel) {}

  /** One member, in customer id order. */
  void accept(SegmentMember member);
}
