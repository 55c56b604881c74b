package larder.store.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Properties;
import larder.store.Store;

/**
 * A run's liveness on MySQL/MariaDB: {@code GET_LOCK} of a name per database and job, held by an idle connection of
 * the run's own for as long as it runs. The server releases it when that connection ends (the process was killed, its
 * host lost power, the network dropped it), so a run that finds it free while another run's {@code larder_job_lock}
 * row stands knows that holder is gone and takes the job over at once instead of waiting out its lease. The row stays
 * the lock: it names the owner and works where {@code GET_LOCK} is refused (Galera, error 1235), where this lock is
 * simply not used. A name is {@code larder:} and 40 hex digits of SHA-256 of {@code database/job}: within MySQL's 64
 * characters, per database, and unaffected by case folding.
 */
public final class SessionLock implements AutoCloseable {
  private final Connection connection;
  private final String name;
  private boolean held;

  private SessionLock(Connection connection, String name, boolean held) {
    this.connection = connection;
    this.name = name;
    this.held = held;
  }

  /** The server-wide lock name of {@code job} in {@code database}. */
  public static String name(String database, String job) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((database + "/" + job).getBytes(StandardCharsets.UTF_8));
      return "larder:" + HexFormat.of().formatHex(h).substring(0, 40);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens the run's own connection and tries to take the lock of {@code job} without waiting; null where the store
   * is not MySQL/MariaDB or the server refuses {@code GET_LOCK}. {@link #held()} says whether it was free.
   */
  public static SessionLock take(Store store, String job) {
    if (!(store.dialect() instanceof MysqlDialect d)) return null;
    Connection c = null;
    try {
      c = store.unpooledConnection(new Properties());
      SessionLock lock = new SessionLock(c, name(d.database(), job), false);
      lock.tryTake();
      return lock;
    } catch (SQLException e) {
      closeQuietly(c);
      if (e.getErrorCode() == 1235) return null; // not supported here (Galera): the row alone decides
      throw store.failure("take the session lock of job '" + job + "'", e);
    }
  }

  private void tryTake() throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        held = rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  /** True while this run holds the lock: no other live session does. */
  public synchronized boolean held() { return held; }

  /**
   * Keeps the connection from idling out ({@code wait_timeout}) and takes the lock if it was not free when the run
   * began (its previous holder's connection has ended since). Errors are left for the next tick.
   */
  public synchronized void ping() {
    try {
      if (held) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?) = CONNECTION_ID()")) {
          ps.setString(1, name);
          try (ResultSet rs = ps.executeQuery()) {
            held = rs.next() && rs.getInt(1) == 1;
          }
        }
      }
      if (!held) tryTake();
    } catch (SQLException e) {
      held = false; // the connection is gone: the row and its lease still hold the job
    }
  }

  /** Releases the lock and closes the connection. */
  @Override public synchronized void close() {
    if (held) {
      try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
        ps.setString(1, name);
        ps.executeQuery().close();
      } catch (SQLException ignored) {
        // closing the connection releases it as well
      }
      held = false;
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // gone already
    }
  }
}
