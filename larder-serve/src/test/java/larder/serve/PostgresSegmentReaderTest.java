package larder.serve;

import larder.store.Dialect;
import larder.store.postgres.PostgresDialect;
import larder.testkit.TestStore;

class PostgresSegmentReaderTest extends SegmentReaderContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override Dialect dialect() { return new PostgresDialect(); }
}
