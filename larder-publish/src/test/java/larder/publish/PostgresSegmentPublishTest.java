package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.testkit.TestStore;

class PostgresSegmentPublishTest extends SegmentPublishContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  @Override long tableCount(String prefix) throws SQLException {
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_tables"
        + " WHERE schemaname = current_schema() AND starts_with(tablename, ?)")) {
      ps.setString(1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
