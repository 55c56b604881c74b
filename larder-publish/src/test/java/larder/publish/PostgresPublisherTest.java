package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.testkit.TestStore;

class PostgresPublisherTest extends PublisherContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  @Override AutoCloseable blockLoads() throws SQLException {
    Connection c = rawConnection();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      // the writer's CREATE TABLE ... (LIKE larder_rec_rows) needs a share lock on it
      st.execute("LOCK TABLE larder_rec_rows IN ACCESS EXCLUSIVE MODE");
    }
    return () -> {
      c.rollback();
      c.close();
    };
  }

  @Override String explainPointQuery(Connection c, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT rank, item_id, score"
        + " FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank")) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  @Override void assertIndexedPlan(String plan) {
    assertThat(plan).containsPattern("Index (Only )?Scan using larder_rec_rows_\\d+_pkey on larder_rec_rows_\\d+")
        .doesNotContain("Seq Scan on larder_rec_rows");
  }
}
