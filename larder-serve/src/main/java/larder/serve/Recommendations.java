package larder.serve;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A user's recommendations from one batch.
 *
 * @param batchId the batch every item came from
 * @param publishedAt when that batch first became current
 * @param age how old the batch was when read
 * @param source "user" (the user's own list), "segment" (the user has no list; the fallback list of
 *     their segment in the batch's segment job) or "fallback" (the job's fallback list, possibly empty)
 * @param items best first, at most the limit asked for
 * @param segmentId the user's segment when source is "segment", else null
 * @param segmentLabel that segment's label (null when the segments batch has no profile for it)
 * @param serving the job's base and current refresh in the same snapshot (for headers; not part of the body)
 */
public record Recommendations(String job, String userId, long batchId, Instant publishedAt, Duration age,
    String source, List<RankedItem> items, Integer segmentId, String segmentLabel, @JsonIgnore Serving serving) {
  public static final String USER = "user";
  public static final String SEGMENT = "segment";
  public static final String FALLBACK = "fallback";
}
