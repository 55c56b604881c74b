package larder.serve;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import larder.store.Dialect;
import larder.store.sqlite.SqliteDialect;
import org.junit.jupiter.api.io.TempDir;

class SqliteSegmentReaderTest extends SegmentReaderContract {
  @TempDir Path dir;

  @Override String location() { return dir.resolve("segments.db").toString(); }

  @Override void dropStore() {}

  @Override Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + location());
  }

  @Override Dialect dialect() { return new SqliteDialect(); }
}
