package larder.serve;

import larder.testkit.TestStore;

class PostgresReaderTest extends ReaderContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
