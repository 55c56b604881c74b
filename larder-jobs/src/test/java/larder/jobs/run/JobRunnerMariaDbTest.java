package larder.jobs.run;

import larder.testkit.TestStore;

/** The job runner contract on MariaDB, in a database of its own per test. */
class JobRunnerMariaDbTest extends JobRunnerTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
