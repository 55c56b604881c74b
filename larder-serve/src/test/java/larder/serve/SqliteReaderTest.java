package larder.serve;

import larder.testkit.TestStore;

class SqliteReaderTest extends ReaderContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
