package larder.jobs.damage;

import larder.testkit.TestStore;

/** The damaged-input contract on MariaDB, in a database of its own per test. */
class DamagedInputMariaDbTest extends DamagedInputContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
