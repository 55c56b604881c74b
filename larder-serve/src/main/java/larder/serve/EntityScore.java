package larder.serve;

import java.time.Duration;
import java.time.Instant;

/**
 * One entity's score in a scores job's current batch.
 *
 * @param score as published, bit for bit (-0.0 reads as 0.0)
 * @param label the entity's label, or null when it has none
 * @param age how old the batch was when read
 */
public record EntityScore(String job, String entityId, double score, String label, long batchId,
    Instant publishedAt, Duration age) {}
