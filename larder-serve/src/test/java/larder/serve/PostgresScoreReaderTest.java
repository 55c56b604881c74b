package larder.serve;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import larder.store.Dialect;
import larder.store.postgres.PostgresDialect;
import larder.testkit.PgSchema;

class PostgresScoreReaderTest extends ScoreReaderContract {
  PgSchema schema = new PgSchema();

  @Override String location() { return schema.url; }

  @Override void dropStore() { schema.close(); }

  @Override Connection rawConnection() throws SQLException {
    return DriverManager.getConnection(schema.url);
  }

  @Override Dialect dialect() { return new PostgresDialect(); }
}
