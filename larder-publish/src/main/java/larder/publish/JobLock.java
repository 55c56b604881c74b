package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import larder.core.StoreException;
import larder.store.Dialect;
import larder.store.Schema;
import larder.store.Store;

/**
 * The {@code larder_job_lock} row that keeps two runs of one job apart, across processes. Taken with
 * an insert that does nothing on conflict (so two racing runs cannot both win), taken over when older
 * than the stale limit, released by its owner only.
 */
final class JobLock {
  private JobLock() {}

  /** Takes the lock of {@code job} for {@code owner}; returns the stale owner it took over, or null. */
  static String acquire(Store store, String job, String owner, Duration staleAfter) {
    Dialect d = store.dialect();
    return store.write("take the lock of job '" + job + "'", c -> {
      Instant now = Schema.now();
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO larder_job_lock (job, owner, acquired_at) VALUES (?, ?, ?) ON CONFLICT (job) DO NOTHING")) {
        ps.setString(1, job);
        ps.setString(2, owner);
        d.setInstant(ps, 3, now);
        if (ps.executeUpdate() == 1) return null;
      }
      String holder;
      Instant since;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT owner, acquired_at FROM larder_job_lock WHERE job = ?" + d.forUpdate())) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) throw new SQLException("the lock row of job '" + job + "' vanished while it was read; retry");
          holder = rs.getString("owner");
          since = d.getInstant(rs, "acquired_at");
        }
      }
      if (since.plus(staleAfter).isAfter(now)) {
        throw new StoreException("job '" + job + "' is already running (since " + since + ", owner " + holder
            + "); wait for it or remove a stale lock with DELETE FROM larder_job_lock WHERE job = '" + job + "'",
            "a lock older than " + staleAfter + " counts as stale and is taken over by the next run", null);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE larder_job_lock SET owner = ?, acquired_at = ? WHERE job = ?")) {
        ps.setString(1, owner);
        d.setInstant(ps, 2, now);
        ps.setString(3, job);
        ps.executeUpdate();
      }
      return holder + " since " + since;
    });
  }

  /** The current owner of {@code job}'s lock, or null; inside a write transaction, locking the row. */
  static String owner(Connection c, Dialect d, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM larder_job_lock WHERE job = ?" + d.forUpdate())) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Releases the lock if {@code owner} still holds it. */
  static void release(Store store, String job, String owner) {
    store.write("release the lock of job '" + job + "'", c -> delete(c, job, owner));
  }

  /** Deletes the lock row (of {@code owner} only, unless null); true when there was one. */
  static boolean delete(Connection c, String job, String owner) throws SQLException {
    String sql = "DELETE FROM larder_job_lock WHERE job = ?" + (owner == null ? "" : " AND owner = ?");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, job);
      if (owner != null) ps.setString(2, owner);
      return ps.executeUpdate() == 1;
    }
  }
}
