package larder.core.segment;

/**
 * How many customers moved from one segment in the previous batch to one in this batch. A null
 * {@code fromSegment} counts customers new in this batch; a null {@code toSegment} counts customers of
 * the previous batch that this one no longer has.
 */
public record SegmentTransition(Integer fromSegment, Integer toSegment, long customers) {}
