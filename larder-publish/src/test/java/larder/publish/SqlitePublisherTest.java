package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.testkit.TestStore;

class SqlitePublisherTest extends PublisherContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override Connection rawConnection() throws SQLException {
    Connection c = db.connect();
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  @Override AutoCloseable blockLoads() throws SQLException {
    Connection c = rawConnection();
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE"); // holds the write lock: the writer's BEGIN IMMEDIATE waits
    }
    return () -> {
      try (Statement st = c.createStatement()) {
        st.execute("ROLLBACK");
      }
      c.close();
    };
  }

  @Override String explainPointQuery(Connection c, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN SELECT rank, item_id, score"
        + " FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank")) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString("detail")).append('\n');
      }
    }
    return plan.toString();
  }

  @Override void assertIndexedPlan(String plan) {
    assertThat(plan).contains("SEARCH r USING PRIMARY KEY (batch_id=? AND user_id=?)")
        .contains("SEARCH c USING INDEX sqlite_autoindex_larder_current_1 (job=?)")
        .doesNotContain("SCAN").doesNotContain("TEMP B-TREE");
  }
}
