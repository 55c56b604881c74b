package larder.serve;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/** A fresh PostgreSQL schema on the test database, dropped with everything in it on close. */
final class PgSchema implements AutoCloseable {
  static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  final String name;
  final String url;

  PgSchema() {
    name = "lt_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    url = BASE + "&currentSchema=" + name;
    run("CREATE SCHEMA " + name);
  }

  @Override public void close() {
    run("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private static void run(String sql) {
    try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
