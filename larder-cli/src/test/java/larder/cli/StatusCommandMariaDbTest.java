package larder.cli;

import larder.testkit.TestStore;

/** {@code larder status} on MariaDB, in a database of its own per test. */
class StatusCommandMariaDbTest extends StatusCommandTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
