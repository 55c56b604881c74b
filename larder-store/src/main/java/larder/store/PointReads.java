package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-statement reads on SQLite and MySQL/MariaDB, each thread with a connection of its own and its statements
 * prepared once. A look-up's cost on SQLite is mostly preparing its statement (parsing the SQL and planning the
 * view's join), which the SQLite driver does not cache; on MySQL/MariaDB the connections prepare on the server, so
 * a statement is parsed once, not per look-up. A thread that answers look-ups all day (an HTTP server's) pays it
 * once per statement instead of once per request. A single statement reads one snapshot, so nothing is lost
 * of the guarantee that an answer comes from one batch. Connections are closed with the store.
 */
final class PointReads implements AutoCloseable {
  /** One thread's connection and prepared statements; only that thread touches them. */
  private static final class Local {
    final Connection connection;
    final Map<String, PreparedStatement> statements = new HashMap<>();
    /** The thread that owns it: once that thread has ended, the connection is closed. */
    final Thread owner = Thread.currentThread();

    Local(Connection connection) {
      this.connection = connection;
    }
  }

  /** Opens a thread's connection. */
  @FunctionalInterface
  interface Opener {
    Connection open() throws SQLException;
  }

  private final Opener source;
  private final ThreadLocal<Local> local = new ThreadLocal<>();
  private final Set<Local> all = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PointReads(Opener source) {
    this.source = source;
  }

  /** The calling thread's statement for {@code sql}, prepared on first use; parameters are the caller's to set. */
  PreparedStatement statement(String sql) throws SQLException {
    if (closed) throw new SQLException("the store is closed");
    Local l = local.get();
    if (l == null || l.connection.isClosed()) {
      // a pool's idle threads end and new ones start: close the connections of threads that have ended
      for (Local other : all) {
        if (!other.owner.isAlive() && all.remove(other)) closeQuietly(other);
      }
      l = new Local(source.open());
      local.set(l);
      all.add(l);
    }
    PreparedStatement ps = l.statements.get(sql);
    if (ps == null) {
      ps = l.connection.prepareStatement(sql);
      l.statements.put(sql, ps);
    }
    return ps;
  }

  /** Forgets the calling thread's connection after an error, so the next read starts afresh. */
  void discard() {
    Local l = local.get();
    if (l == null) return;
    local.remove();
    all.remove(l);
    closeQuietly(l);
  }

  @Override public void close() {
    closed = true;
    for (Local l : all) closeQuietly(l);
    all.clear();
  }

  private static void closeQuietly(Local l) {
    try {
      l.connection.close(); // closes its statements too
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
