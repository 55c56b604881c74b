package larder.jobs.run;

import java.nio.file.Path;

/** The quality gate contract on a SQLite file. */
class QualityGateSqliteTest extends QualityGateTest {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }
}
