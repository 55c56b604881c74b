package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A row of {@code larder_job_lock}: who runs a job, and whether that run can still be running. A holder
 * on this machine is running exactly while its process is ({@link ProcessKey#endedHere}); one on another
 * machine until its lease ({@code expires_at}, renewed by the running process) has passed. The one rule, used by the run
 * that wants the lock and by everything that shows a batch's status.
 *
 * @param process the holder's {@link ProcessKey} text, or null (a row written before schema version 4)
 * @param expiresAt the end of the holder's lease, or null (before version 4: acquired_at + {@link #LEGACY_LEASE})
 */
public record LockHolder(String job, String owner, String process, Instant acquiredAt, Instant expiresAt) {
  /** How long a lock written before version 4, which nothing renews, counts as held. */
  public static final Duration LEGACY_LEASE = Duration.ofHours(6);

  /** Owner strings before version 4: "host/pid#run". */
  private static final Pattern LEGACY_OWNER = Pattern.compile("(.+)/(\\d+)#\\d+");

  /** Whether the holder can still be running, and why not. */
  public record Verdict(boolean running, String why) {}

  /** The lease's end as it applies to this row. */
  public Instant leaseEnd() {
    return expiresAt != null ? expiresAt : acquiredAt.plus(LEGACY_LEASE);
  }

  /** Judges the holder at {@code now} (on this machine's clock; the holder renews well before the end). */
  public Verdict judge(Instant now) {
    Optional<ProcessKey> key = ProcessKey.parse(process);
    if (key.isPresent() && key.get().onThisMachine()) {
      // definitive either way: a live holder here may be slow to renew (its own load can hold SQLite's write lock)
      return key.get().endedHere()
          ? new Verdict(false, "process " + key.get().pid() + " of this machine is no longer running")
          : new Verdict(true, "process " + key.get().pid() + " of this machine is running");
    }
    if (process == null) {
      Matcher m = LEGACY_OWNER.matcher(owner);
      if (m.matches() && m.group(1).equals(ProcessKey.hostName())
          && ProcessHandle.of(Long.parseLong(m.group(2))).map(p -> !p.isAlive()).orElse(true)) {
        return new Verdict(false, "process " + m.group(2) + " of this host is no longer running");
      }
    }
    return now.isAfter(leaseEnd())
        ? new Verdict(false, "its lease ran out at " + leaseEnd() + " without being renewed")
        : new Verdict(true, "its lease, renewed while it runs, lasts until " + leaseEnd());
  }

  /** The lock of {@code job}, if held; {@code forUpdate} locks the row (inside a write transaction). */
  public static Optional<LockHolder> of(Connection c, Dialect d, String job, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT job, owner, process, acquired_at, expires_at"
        + " FROM larder_job_lock WHERE job = ?" + (forUpdate ? d.forUpdate() : ""))) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs, d)) : Optional.empty();
      }
    }
  }

  /** Every held lock, by job. */
  public static Map<String, LockHolder> all(Connection c, Dialect d) throws SQLException {
    Map<String, LockHolder> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT job, owner, process, acquired_at, expires_at FROM larder_job_lock ORDER BY job");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        LockHolder h = read(rs, d);
        out.put(h.job(), h);
      }
    }
    return out;
  }

  private static LockHolder read(ResultSet rs, Dialect d) throws SQLException {
    return new LockHolder(rs.getString("job"), rs.getString("owner"), rs.getString("process"),
        d.getInstant(rs, "acquired_at"), d.getInstant(rs, "expires_at"));
  }
}
