package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.testkit.TestStore;

class SqliteScorePublishTest extends ScorePublishContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override Connection rawConnection() throws SQLException {
    Connection c = db.connect();
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  @Override long tableCount(String prefix) throws SQLException {
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE ? || '%'")) {
      ps.setString(1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
