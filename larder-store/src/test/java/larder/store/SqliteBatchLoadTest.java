package larder.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

class SqliteBatchLoadTest extends BatchLoadContract {
  @TempDir Path dir;

  @Override Store openStore() { return Store.open(dir.resolve("l.db").toString()); }

  @Override void dropStore() {}

  @Override long rowTableCount() throws SQLException {
    return store.withConnection("count", c -> {
      try (var st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE 'larder_rec_rows%' AND type = 'table'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
