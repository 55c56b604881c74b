package larder.cli;

import larder.testkit.TestStore;

/** The CLI's JSON against the API's, on PostgreSQL in a schema of its own. */
class CliApiJsonPostgresTest extends CliApiJsonTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
