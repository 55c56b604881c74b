package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Items similar to {@code itemId}, best first, all from batch {@code batchId}. */
public record SimilarItems(String job, String itemId, long batchId, Instant publishedAt, Duration age,
    List<RankedItem> items) {}
