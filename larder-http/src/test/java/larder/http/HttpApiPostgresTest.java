package larder.http;

import larder.testkit.TestStore;

/** The HTTP API contract on PostgreSQL, in a schema of its own. */
class HttpApiPostgresTest extends HttpApiContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
