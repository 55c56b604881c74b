package larder.cli;

import larder.testkit.TestStore;

/** {@code larder status} on a SQLite file. */
class StatusCommandSqliteTest extends StatusCommandTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
