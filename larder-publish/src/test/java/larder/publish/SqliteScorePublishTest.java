package larder.publish;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.store.Store;
import org.junit.jupiter.api.io.TempDir;

class SqliteScorePublishTest extends ScorePublishContract {
  @TempDir Path dir;

  Path file() { return dir.resolve("larder.db"); }

  @Override Store openStore() { return Store.open(file().toString()); }

  @Override void dropStore() {}

  @Override Connection rawConnection() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
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
