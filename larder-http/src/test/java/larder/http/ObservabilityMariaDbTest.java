package larder.http;

import larder.testkit.TestStore;

/** What an operator watches, on MariaDB. */
class ObservabilityMariaDbTest extends ObservabilityContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
  /** A server database's pool holds a connection per request thread (Store.allowConnections). */
  @Override int poolSize() { return HttpOptions.defaults().maxThreads(); }
}
