package larder.serve;

import larder.testkit.TestStore;

class MariaDbReaderTest extends ReaderContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
