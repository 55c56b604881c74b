package larder.publish;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.testkit.TestStore;

class MariaDbSegmentPublishTest extends SegmentPublishContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  @Override long tableCount(String prefix) throws SQLException {
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT count(*)"
        + " FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        + " AND LEFT(table_name, CHAR_LENGTH(?)) = ?")) {
      ps.setString(1, prefix);
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
