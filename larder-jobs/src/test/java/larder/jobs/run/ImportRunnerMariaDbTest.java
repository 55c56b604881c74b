package larder.jobs.run;

import larder.testkit.TestStore;

/** The import runner contract, on MariaDB in a database of its own per test. */
class ImportRunnerMariaDbTest extends ImportRunnerTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
