package larder.jobs.run;

import larder.testkit.TestStore;

/** The refresh runner contract on MariaDB. */
class RefreshRunnerMariaDbTest extends RefreshRunnerContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
