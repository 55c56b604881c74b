package larder.http;

import larder.testkit.TestStore;

/** What an operator watches, on a SQLite file. */
class ObservabilitySqliteTest extends ObservabilityContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override int poolSize() { return 8; }
}
