package larder.http;

import larder.testkit.TestStore;

/** What an operator watches, on PostgreSQL. */
class ObservabilityPostgresTest extends ObservabilityContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override int poolSize() { return 10; }
}
