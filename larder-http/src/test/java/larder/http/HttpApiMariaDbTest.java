package larder.http;

import larder.testkit.TestStore;

/** The HTTP API contract on MariaDB, in a database of its own. */
class HttpApiMariaDbTest extends HttpApiContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
