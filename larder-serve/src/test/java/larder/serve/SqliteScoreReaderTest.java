package larder.serve;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import larder.store.Dialect;
import larder.store.sqlite.SqliteDialect;
import org.junit.jupiter.api.io.TempDir;

class SqliteScoreReaderTest extends ScoreReaderContract {
  @TempDir Path dir;

  @Override String location() { return dir.resolve("scores.db").toString(); }

  @Override void dropStore() {}

  @Override Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + location());
  }

  @Override Dialect dialect() { return new SqliteDialect(); }
}
