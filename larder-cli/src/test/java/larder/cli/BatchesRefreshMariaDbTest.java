package larder.cli;

import larder.testkit.TestStore;

/** {@code larder batches} after a refresh, on MariaDB in a database of its own per test. */
class BatchesRefreshMariaDbTest extends BatchesRefreshTest {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
