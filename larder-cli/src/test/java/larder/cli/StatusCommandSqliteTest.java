package larder.cli;

import java.nio.file.Path;

/** {@code larder status} on a SQLite file. */
class StatusCommandSqliteTest extends StatusCommandTest {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }
}
