package larder.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A database of its own on the MariaDB (or MySQL) server of {@link #BASE}, created by the constructor and dropped
 * by {@link #close()}, so tests running at the same time never share tables. {@link #url} opens it.
 */
public final class MariaDbDatabase implements AutoCloseable {
  /** The server and credentials: {@code LARDER_TEST_MARIADB}, else root with no password on 127.0.0.1:3306. */
  public static final String BASE = System.getenv().getOrDefault("LARDER_TEST_MARIADB",
      "jdbc:mariadb://127.0.0.1:3306/test?user=root");
  public final String name;
  public final String url;

  public MariaDbDatabase() {
    name = "lt_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    url = BASE.replaceFirst("(jdbc:mariadb://[^/]*/)[^?]*", "$1" + name);
    run("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
  }

  @Override
  public void close() {
    run("DROP DATABASE IF EXISTS " + name);
  }

  private static void run(String sql) {
    try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + BASE + ": " + e.getMessage()
          + " (is MariaDB running on 127.0.0.1:3306? bash .ci/run starts it)", e);
    }
  }
}
