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

  /** A generic plan (what a prepared statement gets after a few runs) prunes to the current base at run time too. */
  @org.junit.jupiter.api.Test void theGenericPlanReadsByKey() throws Exception {
    publishBase(1, 3, null);
    publishBase(2, 3, null);
    refresh(3, java.util.Map.of("u1", 5), null);
    try (Connection c = rawConnection(); var st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE q(text, text) AS SELECT rank, item_id, score FROM larder_recommendations_fresh"
          + " WHERE job = $1 AND user_id = $2 ORDER BY rank");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE q('shop', 'u1')")) {
        while (rs.next()) plan.append(rs.getString(1)).append('\n');
      }
      assertIndexed(plan.toString());
      // the old base's partition is pruned when the plan runs
      assertThat(plan.toString()).contains("on larder_rec_rows_1 r_1 (never executed)").doesNotContain("Gather");
    }
  }

  @Override void assertIndexed(String plan) {
    // with a few rows the planner may read the base's key through a bitmap: still the one partition's key
    assertThat(plan).containsPattern("(Index (Only )?Scan|Bitmap Index Scan) (using|on) larder_rec_rows_\\d+_pkey")
        .containsPattern("Index (Only )?Scan using larder_rec_delta_pkey on larder_rec_delta d")
        .containsPattern("Index (Only )?Scan using larder_rec_delta_pkey on larder_rec_delta m")
        .doesNotContain("Seq Scan on larder_rec");
  }
}
