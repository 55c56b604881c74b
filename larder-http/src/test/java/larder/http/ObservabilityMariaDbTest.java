package larder.http;

import larder.testkit.TestStore;

/** What an operator watches, on MariaDB. */
class ObservabilityMariaDbTest extends ObservabilityContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
  @Override int poolSize() { return 10; }
}
