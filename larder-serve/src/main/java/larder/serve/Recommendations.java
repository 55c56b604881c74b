package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A user's recommendations from one batch.
 *
 * @param batchId the batch every item came from
 * @param publishedAt when that batch first became current
 * @param age how old the batch was when read
 * @param source "user" (the user's own list) or "fallback" (the user is not in the batch: the job's
 *     fallback list, possibly empty)
 * @param items best first, at most the limit asked for
 */
public record Recommendations(String job, String userId, long batchId, Instant publishedAt, Duration age,
    String source, List<RankedItem> items) {
  public static final String USER = "user";
  public static final String FALLBACK = "fallback";
}
