package larder.jobs.run;

import larder.testkit.TestStore;

/** The segmentation job contract on MariaDB, in a database of its own per test. */
class SegmentsRunnerMariaDbTest extends SegmentsRunnerTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
