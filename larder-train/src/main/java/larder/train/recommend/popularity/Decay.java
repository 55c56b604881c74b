package larder.train.recommend.popularity;

import java.time.Duration;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.core.Interactions;

/**
 * Exponential time decay of interactions: one of age {@code a} counts {@code 2^(-a / halfLife)}. Ages are
 * measured back from the latest time in the data, not from the clock, so two runs on the same data give
 * the same scores. An interaction without a time counts as old as the oldest one that has a time: it is
 * known to have happened, but not that it is recent. Sources aggregate a (user, item) pair's rows into one
 * interaction dated by its latest row, so a pair's whole weight decays from its latest row.
 */
public final class Decay {
  private static final double LN2 = Math.log(2);

  private final long[] times;
  private final long latest;
  private final long oldest;
  private final double ratePerSecond;

  private Decay(long[] times, long latest, long oldest, Duration halfLife) {
    this.times = times;
    this.latest = latest;
    this.oldest = oldest;
    this.ratePerSecond = LN2 / halfLife.getSeconds();
  }

  /**
   * The decay of {@code data}'s interactions, or null when {@code halfLife} is null.
   *
   * @param key the setting the half-life came from, for the error when the data has no times
   * @throws ConfigException naming {@code key} when the data has no timestamps
   */
  public static Decay of(Interactions data, Duration halfLife, String key) {
    if (halfLife == null) return null;
    PopularityParams.checkHalfLife(key, halfLife);
    long[] times = data.times();
    if (times == null) {
      throw new ConfigException(key, DurationText.format(halfLife), "needs interaction timestamps, and the data has none",
          "name the source's timestamp column, or remove " + key);
    }
    long latest = Long.MIN_VALUE;
    long oldest = Long.MAX_VALUE;
    for (int p = 0, n = (int) data.size(); p < n; p++) {
      long t = times[p];
      if (t == Interactions.NO_TIME) continue;
      if (t > latest) latest = t;
      if (t < oldest) oldest = t;
    }
    if (latest == Long.MIN_VALUE) latest = oldest = 0; // no interaction has a time: all equally old
    return new Decay(times, latest, oldest, halfLife);
  }

  /** What an interaction {@code ageSeconds} old counts for: 1 at age 0, 1/2 at one half-life, 1/4 at two. */
  public static double factor(long ageSeconds, Duration halfLife) {
    return Math.exp(-LN2 * ageSeconds / halfLife.getSeconds());
  }

  /** The latest time in the data: where ages are measured from. */
  public long reference() { return latest; }

  /** The factor of stored interaction {@code p} (an index into {@code byUser().cols()}). */
  float weight(int p) {
    long t = times[p];
    long age = latest - (t == Interactions.NO_TIME ? oldest : t);
    return (float) Math.exp(-ratePerSecond * age);
  }
}
