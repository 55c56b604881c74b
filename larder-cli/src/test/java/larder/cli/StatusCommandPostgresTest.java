package larder.cli;

import larder.testkit.TestStore;

/** {@code larder status} on PostgreSQL, in a schema of its own per test. */
class StatusCommandPostgresTest extends StatusCommandTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
