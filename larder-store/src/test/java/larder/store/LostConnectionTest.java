package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.Test;

/**
 * Reads on the real PostgreSQL when the server has closed the pool's connections (pg_terminate_backend, as a
 * restart, failover or an idle-connection reaper would): the next read gets a fresh connection instead of an error.
 */
class LostConnectionTest {
  private static final int POOLED = 4;

  @Test
  void aReadAfterTheServerClosedEveryPooledConnectionSucceeds() throws Exception {
    try (PgSchema pg = new PgSchema(); Store store = Store.open(pg.url)) {
      terminatePooledConnections(store);
      for (int i = 0; i < POOLED + 1; i++) {
        assertThat(store.<Long>read("count batches", c -> one(c, "SELECT count(*) FROM larder_batch"))).isZero();
      }
    }
  }

  @Test
  void aPointReadAfterTheServerClosedEveryPooledConnectionSucceeds() throws Exception {
    try (PgSchema pg = new PgSchema(); Store store = Store.open(pg.url)) {
      terminatePooledConnections(store);
      for (int i = 0; i < POOLED + 1; i++) {
        int n = i;
        assertThat(store.<Integer>pointRead("echo", "SELECT ?::int", new Object[] {n}, ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        })).isEqualTo(n);
      }
    }
  }

  @Test
  void onlyConnectionErrorsCountAsALostConnection() {
    assertThat(Store.lostConnection(new SQLException("terminating connection", "57P01"))).isTrue();
    assertThat(Store.lostConnection(new SQLException("connection failure", "08006"))).isTrue();
    assertThat(Store.lostConnection(new SQLException("wrapped", "XX000", new SQLException("closed", "08003")))).isTrue();
    assertThat(Store.lostConnection(new SQLException("syntax error", "42601"))).isFalse();
    assertThat(Store.lostConnection(new SQLException("no state"))).isFalse();
  }

  /**
   * Makes the pool hold {@link #POOLED} connections the server has closed: borrowed at once (so the pool opens
   * that many), terminated while borrowed, and returned only once the server no longer lists them, so the pool
   * hands them out again without checking them first (it checks only connections idle for a while).
   */
  private static void terminatePooledConnections(Store store) throws Exception {
    List<Connection> held = new ArrayList<>();
    List<Integer> pids = new ArrayList<>();
    try {
      for (int i = 0; i < POOLED; i++) {
        Connection c = store.connection();
        held.add(c);
        pids.add((int) one(c, "SELECT pg_backend_pid()"));
      }
      try (Connection admin = DriverManager.getConnection(PgSchema.BASE)) {
        for (int pid : pids) {
          try (PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              assertThat(rs.getBoolean(1)).as("terminated %d", pid).isTrue();
            }
          }
        }
        // pg_terminate_backend signals; the backends exit a moment later
        for (int tries = 0; tries < 200 && alive(admin, pids) > 0; tries++) Thread.sleep(25);
        assertThat(alive(admin, pids)).as("backends still running").isZero();
      }
    } finally {
      for (Connection c : held) c.close();
    }
  }

  private static int alive(Connection admin, List<Integer> pids) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)")) {
      ps.setArray(1, admin.createArrayOf("integer", pids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static long one(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
