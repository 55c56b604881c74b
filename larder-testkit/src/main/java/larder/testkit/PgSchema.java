package larder.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh schema on the test PostgreSQL server, dropped with everything in it on close, so test
 * classes never see each other's tables. The server is {@code $LARDER_TEST_PG}, by default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres} (what {@code .ci/run} starts).
 */
public final class PgSchema implements AutoCloseable {
  public static final String BASE = System.getenv().getOrDefault("LARDER_TEST_PG",
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  public final String name;
  public final String url;

  public PgSchema() {
    name = "lt_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    url = BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + name;
    run("CREATE SCHEMA " + name);
  }

  @Override
  public void close() {
    run("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private static void run(String sql) {
    try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + BASE + ": " + e.getMessage()
          + " (is PostgreSQL running? bash .ci/run starts it)", e);
    }
  }
}
