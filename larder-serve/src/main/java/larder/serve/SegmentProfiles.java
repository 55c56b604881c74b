package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import larder.core.segment.SegmentProfile;

/** The profiles of a segments job's current batch, by segment id. */
public record SegmentProfiles(String job, long batchId, Instant publishedAt, Duration age,
    List<SegmentProfile> profiles) {}
