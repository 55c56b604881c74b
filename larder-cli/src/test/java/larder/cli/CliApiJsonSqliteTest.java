package larder.cli;

import larder.testkit.TestStore;

/** The CLI's JSON against the API's, on a SQLite file. */
class CliApiJsonSqliteTest extends CliApiJsonTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
