package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import larder.core.StoreException;
import larder.store.Dialect;
import larder.store.LockHolder;
import larder.store.ProcessKey;
import larder.store.Schema;
import larder.store.Store;
import larder.store.mysql.SessionLock;

/**
 * The {@code larder_job_lock} row that keeps two runs of one job apart, across processes and hosts. Taken
 * with an insert that does nothing on conflict (so two racing runs cannot both win). A held lock names its
 * process ({@link ProcessKey}) and carries a lease that a thread of the holder renews every quarter lease:
 * a holder whose process is gone from this machine is taken over at once (a {@code kill -9}, a crash, a
 * power cut of a container), one on another machine once its lease has run out ({@link LockHolder#judge}).
 * Released by its owner only. On MySQL/MariaDB a run also holds a {@link SessionLock} ({@code GET_LOCK}) on a
 * connection of its own: a holder whose session lock is free has lost its connection, so it is taken over at once,
 * from any host.
 */
final class JobLock implements AutoCloseable {
  private final Store store;
  private final String job;
  private final String owner;
  private final Duration lease;
  private final String takenOver;
  private final Thread renewer;
  /** MySQL/MariaDB: the run's GET_LOCK, held while it runs ({@link SessionLock}); else null. */
  private final SessionLock session;

  private JobLock(Store store, String job, String owner, Duration lease, String takenOver, SessionLock session) {
    this.store = store;
    this.session = session;
    this.job = job;
    this.owner = owner;
    this.lease = lease;
    this.takenOver = takenOver;
    this.renewer = new Thread(this::renewUntilReleased, "larder-lease-" + job);
    renewer.setDaemon(true);
    renewer.start();
  }

  /**
   * Takes the lock of {@code job} for {@code owner} and starts renewing its lease.
   *
   * @throws StoreException when a run that may still be running holds it
   */
  static JobLock acquire(Store store, String job, String owner, Duration lease) {
    Dialect d = store.dialect();
    String process = ProcessKey.current().text();
    SessionLock session = SessionLock.take(store, job);
    String takenOver;
    try {
      takenOver = take(store, d, job, owner, lease, process, session);
    } catch (RuntimeException e) {
      if (session != null) session.close();
      throw e;
    }
    return new JobLock(store, job, owner, lease, takenOver, session);
  }

  private static String take(Store store, Dialect d, String job, String owner, Duration lease, String process,
      SessionLock session) {
    return store.write("take the lock of job '" + job + "'", c -> {
      Instant now = Schema.now();
      try (PreparedStatement ps = c.prepareStatement(d.insertIfAbsent("INSERT INTO larder_job_lock (job, owner,"
          + " acquired_at, process, expires_at) VALUES (?, ?, ?, ?, ?)", "job"))) {
        ps.setString(1, job);
        ps.setString(2, owner);
        d.setInstant(ps, 3, now);
        ps.setString(4, process);
        d.setInstant(ps, 5, now.plus(lease));
        if (d.executeIfAbsent(ps) == 1) return null;
      }
      Optional<LockHolder> held = LockHolder.of(c, d, job, true);
      if (held.isEmpty()) throw new SQLException("the lock row of job '" + job + "' vanished while it was read; retry");
      LockHolder holder = held.get();
      LockHolder.Verdict verdict = holder.judge(now);
      // a holder whose database session is gone (its GET_LOCK was free) is not running, whatever its lease says
      boolean sessionGone = verdict.running() && session != null && session.held();
      if (verdict.running() && !sessionGone) {
        throw new StoreException("job '" + job + "' is already running (since " + holder.acquiredAt() + ", owner "
            + holder.owner() + ": " + verdict.why() + "); wait for it, or if you know it is dead remove its lock"
            + " with DELETE FROM larder_job_lock WHERE job = '" + job + "'",
            "a lock is taken over at once when its process is gone from this machine, and when its lease is"
                + " not renewed for " + lease + " otherwise", null);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_job_lock SET owner = ?, acquired_at = ?,"
          + " process = ?, expires_at = ? WHERE job = ?")) {
        ps.setString(1, owner);
        d.setInstant(ps, 2, now);
        ps.setString(3, process);
        d.setInstant(ps, 4, now.plus(lease));
        ps.setString(5, job);
        ps.executeUpdate();
      }
      return holder.owner() + ": " + (sessionGone
          ? "its database session has ended (the server released its lock), though its lease had not run out"
          : verdict.why());
    });
  }

  /** The holder this lock was taken over from and why it counted as gone ("host/pid#run: why"), or null. */
  String takenOver() { return takenOver; }

  String owner() { return owner; }

  /**
   * Renews the lease every quarter lease until released or taken over. A renewal that fails (the store is
   * busy or unreachable for a moment) is tried again at the next tick: three may fail before the lease runs out.
   */
  private void renewUntilReleased() {
    long every = Math.max(1, lease.toMillis() / 4);
    Dialect d = store.dialect();
    while (true) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return; // released
      }
      if (session != null) session.ping();
      try {
        boolean mine = store.write("renew the lock of job '" + job + "'", c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE larder_job_lock SET expires_at = ? WHERE job = ? AND owner = ?")) {
            d.setInstant(ps, 1, Schema.now().plus(lease));
            ps.setString(2, job);
            ps.setString(3, owner);
            return ps.executeUpdate() == 1;
          }
        });
        if (!mine) return; // released meanwhile, or taken over: publish refuses, see BatchLoader
      } catch (RuntimeException e) {
        // try again at the next tick
      }
    }
  }

  /** The current owner of {@code job}'s lock, or null; inside a write transaction, locking the row. */
  static String owner(Connection c, Dialect d, String job) throws SQLException {
    return LockHolder.of(c, d, job, true).map(LockHolder::owner).orElse(null);
  }

  /** Stops renewing and deletes the lock if this owner still holds it. */
  @Override public void close() {
    renewer.interrupt();
    try {
      store.write("release the lock of job '" + job + "'", c -> delete(c, job, owner));
    } finally {
      if (session != null) session.close();
    }
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
