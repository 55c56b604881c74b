package larder.cli;

import larder.testkit.TestStore;

/** {@code larder batches} after a refresh, on PostgreSQL in a schema of its own. */
class BatchesRefreshPostgresTest extends BatchesRefreshTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
