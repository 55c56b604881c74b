package larder.publish;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.store.Store;
import larder.testkit.PgSchema;

class PostgresScorePublishTest extends ScorePublishContract {
  PgSchema schema;

  @Override Store openStore() {
    schema = new PgSchema();
    return Store.open(schema.url);
  }

  @Override void dropStore() { schema.close(); }

  @Override Connection rawConnection() throws SQLException {
    return DriverManager.getConnection(schema.url);
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
