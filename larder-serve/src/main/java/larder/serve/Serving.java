package larder.serve;

import java.time.Clock;
import java.time.Duration;
import larder.core.BatchInfo;

/**
 * What a job serves, read in one snapshot: its full batch (the base) and the refresh serving with it. A refreshed
 * user's list comes from the refresh, everyone else's from the base; both ages matter to a caller judging what
 * it got.
 *
 * @param base the job's current full batch
 * @param refresh the base's current refresh, or null when it has none
 */
public record Serving(BatchInfo base, BatchInfo refresh) {
  /** Serving {@code base} alone: answers of jobs that are not refreshed (segments, scores, similar items). */
  public static Serving of(BatchInfo base) {
    return new Serving(base, null);
  }

  /**
   * The newest interaction time the served lists were built from (the high-water mark a refresh reads after): the
   * refresh's, else the base's; null when the source has no timestamps.
   */
  public java.time.Instant dataUntil() {
    return refresh != null && refresh.dataUntil() != null ? refresh.dataUntil() : base.dataUntil();
  }

  public Duration baseAge(Clock clock) {
    return Current.age(base, clock);
  }

  /** The refresh's age, or null when there is none. */
  public Duration refreshAge(Clock clock) {
    return refresh == null ? null : Current.age(refresh, clock);
  }
}
