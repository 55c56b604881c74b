package larder.http;

import larder.testkit.TestStore;

/** The HTTP API contract on a SQLite file. */
class HttpApiSqliteTest extends HttpApiContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
