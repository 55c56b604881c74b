package larder.jobs.damage;

import java.nio.file.Path;

/** The damaged-input contract on a SQLite file. */
class DamagedInputSqliteTest extends DamagedInputContract {
  @Override String newStore(Path dir) {
    return dir.resolve("larder.db").toString();
  }

  @Override void dropStore() {
    // the file goes with the test's temporary folder
  }

  @Override String snapshotUrl(Path dir) {
    return dir.resolve("larder.db").toString();
  }
}
