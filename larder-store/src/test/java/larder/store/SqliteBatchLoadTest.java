package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import larder.testkit.TestStore;

class SqliteBatchLoadTest extends BatchLoadContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override long rowTableCount() throws SQLException {
    return store.withConnection("count", c -> {
      try (var st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE 'larder_rec_rows%' AND type = 'table'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override long tableCount(String prefix) {
    return store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE ? || '%'")) {
        ps.setString(1, prefix);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override String explain(String sql, Object... args) {
    return store.withConnection("explain", c -> {
      StringBuilder plan = new StringBuilder();
      try (var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) plan.append(rs.getString("detail")).append('\n');
        }
      }
      return plan.toString();
    });
  }

  @Override void assertMembersPlan(String plan) {
    assertThat(plan).contains("SEARCH s USING INDEX larder_segment_rows_segment (batch_id=? AND segment_id=? AND customer_id>?)")
        .doesNotContain("TEMP B-TREE").doesNotContain("SCAN");
  }

  @Override void assertCustomerPlan(String plan) {
    assertThat(plan).contains("SEARCH s USING PRIMARY KEY (batch_id=? AND customer_id=?)")
        .contains("SEARCH p USING PRIMARY KEY (batch_id=? AND segment_id=?)").doesNotContain("SCAN");
  }

  @Override void assertTopPlan(String plan) {
    assertThat(plan).contains("SEARCH s USING INDEX larder_score_rows_score (batch_id=?)")
        .doesNotContain("TEMP B-TREE").doesNotContain("SCAN");
  }

  @Override void assertEntityPlan(String plan) {
    assertThat(plan).contains("SEARCH s USING PRIMARY KEY (batch_id=? AND entity_id=?)").doesNotContain("SCAN");
  }
}
