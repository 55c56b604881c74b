package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import larder.core.segment.SegmentTransition;

/**
 * How customers moved from the previous batch's segments into those of batch {@code batchId}, ordered by
 * from segment then to segment, nulls (new customers; customers who left) first.
 */
public record SegmentTransitions(String job, long batchId, Instant publishedAt, Duration age,
    List<SegmentTransition> transitions) {}
