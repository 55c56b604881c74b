package larder.jobs.run;

import java.nio.file.Path;

/** The shrink checks on a SQLite file. */
class ShrinkCheckSqliteTest extends ShrinkCheckTest {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }
}
