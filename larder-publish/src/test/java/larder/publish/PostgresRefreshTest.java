package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.testkit.TestStore;

class PostgresRefreshTest extends RefreshContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  @Override String explain(Connection c, String sql, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN (COSTS OFF) " + sql)) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  @Override void assertIndexed(String plan) {
    System.out.println(plan);
    // with a few rows the planner may read the base's key through a bitmap: still the one partition's key
    assertThat(plan).containsPattern("(Index (Only )?Scan|Bitmap Index Scan) (using|on) larder_rec_rows_\\d+_pkey")
        .containsPattern("Index (Only )?Scan using larder_rec_delta_pkey on larder_rec_delta d")
        .containsPattern("Index (Only )?Scan using larder_rec_delta_pkey on larder_rec_delta m")
        .doesNotContain("Seq Scan on larder_rec");
  }
}
