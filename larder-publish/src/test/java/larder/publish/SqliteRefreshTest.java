package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.testkit.TestStore;

class SqliteRefreshTest extends RefreshContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override Connection rawConnection() throws SQLException {
    Connection c = db.connect();
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  @Override String explain(Connection c, String sql, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString("detail")).append('\n');
      }
    }
    return plan.toString();
  }

  @Override void assertIndexed(String plan) {
    assertThat(plan).contains("SEARCH r USING PRIMARY KEY (batch_id=? AND user_id=?)")
        .contains("SEARCH d USING PRIMARY KEY (base_batch_id=? AND user_id=?")
        .contains("SEARCH m USING PRIMARY KEY (base_batch_id=? AND user_id=? AND rank=?)")
        .doesNotContain("SCAN");
  }
}
