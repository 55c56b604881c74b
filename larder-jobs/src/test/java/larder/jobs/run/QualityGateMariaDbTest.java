package larder.jobs.run;

import larder.testkit.TestStore;

/** The quality gate contract, on MariaDB in a database of its own per test. */
class QualityGateMariaDbTest extends QualityGateTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
