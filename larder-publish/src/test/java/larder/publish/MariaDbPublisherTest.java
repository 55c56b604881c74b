package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.testkit.TestStore;

class MariaDbPublisherTest extends PublisherContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  /** LOCK TABLES ... WRITE holds the row tables: the writer's load waits for them, as for a lock on PostgreSQL. */
  @Override AutoCloseable blockLoads() throws SQLException {
    Connection c = rawConnection();
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLES larder_rec_rows WRITE, larder_fallback_rows WRITE");
    }
    return () -> {
      try (Statement st = c.createStatement()) {
        st.execute("UNLOCK TABLES");
      }
      c.close();
    };
  }

  /** One line per table read: "table=r type=ref key=PRIMARY extra=...". */
  static String explain(Connection c, String sql, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append("table=").append(rs.getString("table")).append(" type=").append(rs.getString("type"))
              .append(" key=").append(rs.getString("key")).append(" extra=").append(rs.getString("Extra")).append('\n');
        }
      }
    }
    return plan.toString();
  }

  @Override String explainPointQuery(Connection c, String job, String user) throws SQLException {
    return explain(c, "SELECT `rank`, item_id, score FROM larder_recommendations WHERE job = ? AND user_id = ?"
        + " ORDER BY `rank`", job, user);
  }

  /** The base rows by their key; the materialised UNION ALL ({@code <derived2>}) holds only the user's rows. */
  @Override void assertIndexedPlan(String plan) {
    String tables = plan.replaceAll("(?m)^table=<derived\\d+>.*\\n", "");
    assertThat(tables).contains("table=c type=const key=PRIMARY").contains("table=r type=ref key=PRIMARY")
        .doesNotContain("type=ALL");
  }
}
