package larder.cli;

import larder.testkit.TestStore;

/** The CLI's JSON against the API's, on MariaDB in a database of its own per test. */
class CliApiJsonMariaDbTest extends CliApiJsonTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
