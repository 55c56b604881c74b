package larder.http;

import java.nio.file.Path;

/** The HTTP API contract on a SQLite file. */
class HttpApiSqliteTest extends HttpApiContract {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }
}
