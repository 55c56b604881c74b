package larder.jobs.run;

import java.nio.file.Path;

/** The import runner contract on a SQLite file. */
class ImportRunnerSqliteTest extends ImportRunnerTest {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }
}
