package larder.jobs.config;

import larder.core.ConfigException;
import larder.extract.InteractionSource;
import larder.jobs.schedule.Schedule;

/**
 * A recommendations job's {@code refresh:} section: how {@code larder run --refresh} re-scores only the users
 * with interactions newer than the serving batch's high-water mark, with the batch's kept model.
 *
 * <pre>
 * refresh:
 *   schedule: "*&#47;10 * * * *"   # optional: when larder schedule refreshes (cron, like the job's schedule)
 *   source: { sql: "SELECT user_id, item_id, ts FROM events WHERE ts > :since", url: ..., columns: {...} }
 *                                # optional: the job's source by default; needs a timestamp column
 *   max_changed_users: 10%      # optional: a count (20000) or a share of the serving batch's users; default 10%
 * </pre>
 *
 * @param schedule when {@code larder schedule} refreshes the job, or null for only on demand
 * @param source where the new rows come from, or null for the job's own source
 * @param maxChangedUsers above this many changed users the refresh is refused and the serving lists stay
 */
public record RefreshConfig(Schedule schedule, InteractionSource source, MaxChangedUsers maxChangedUsers) {
  /** No schedule, the job's source, at most 10% of the users changed. */
  public static final RefreshConfig DEFAULT = new RefreshConfig(null, null, MaxChangedUsers.DEFAULT);

  public RefreshConfig {
    if (maxChangedUsers == null) maxChangedUsers = MaxChangedUsers.DEFAULT;
  }

  /**
   * How many users a refresh may re-score: beyond that many, the changes are better taken by a full run (a
   * refresh re-scores against item factors and neighbours fitted on older data).
   *
   * @param count an absolute limit, or 0 when {@code percent} sets it
   * @param percent a percentage of the serving batch's users (10 for 10%), or 0 when {@code count} sets it
   */
  public record MaxChangedUsers(long count, double percent) {
    public static final String KEY = "max_changed_users";
    public static final MaxChangedUsers DEFAULT = new MaxChangedUsers(0, 10);

    public MaxChangedUsers {
      if ((count > 0) == (percent > 0) || count < 0 || !(percent >= 0 && percent <= 100)) {
        throw new IllegalArgumentException("one of count >= 1 or percent in (0, 100], got " + count + ", " + percent);
      }
    }

    /**
     * A whole number of users ({@code 20000}) or a percentage of the serving batch's users ({@code "10%"}).
     *
     * @param key the config key, for messages ("jobs.shop.refresh.max_changed_users")
     */
    public static MaxChangedUsers parse(String key, String text) {
      String t = text == null ? "" : text.strip();
      String hint = "write a number of users such as 20000, or a share of the serving batch's users such as \"10%\"";
      try {
        if (t.endsWith("%")) {
          double pct = Double.parseDouble(t.substring(0, t.length() - 1).strip());
          if (!(pct > 0 && pct <= 100)) throw new ConfigException(key, text, "must be a share above 0% and at most 100%", hint);
          return new MaxChangedUsers(0, pct);
        }
        long n = Long.parseLong(t.replace("_", ""));
        if (n < 1) throw new ConfigException(key, text, "must be >= 1 (a refresh changes at least one user)", hint);
        return new MaxChangedUsers(n, 0);
      } catch (NumberFormatException e) {
        throw new ConfigException(key, text, "is neither a whole number of users nor a percentage", hint);
      }
    }

    /** The most users a refresh may change when the serving batch has lists for {@code servingUsers}; at least 1. */
    public long limit(long servingUsers) {
      if (count > 0) return count;
      // A whole percentage times a user count is exact in a double, and so is the quotient when it is whole.
      return Math.max(1, (long) Math.ceil(percent * servingUsers / 100));
    }

    /** True when {@code changedUsers} may be refreshed against a serving batch of {@code servingUsers}. */
    public boolean allows(long changedUsers, long servingUsers) {
      return changedUsers <= limit(servingUsers);
    }

    /** As written in a config: {@code 20000} or {@code 10%}. */
    public String text() {
      if (count > 0) return Long.toString(count);
      return (percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent)) + "%";
    }

    @Override public String toString() { return text(); }
  }
}
