package larder.cli;

import larder.testkit.TestStore;

/** {@code larder batches} after a refresh, on a SQLite file. */
class BatchesRefreshSqliteTest extends BatchesRefreshTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
