package larder.serve;

import larder.store.Dialect;
import larder.store.sqlite.SqliteDialect;
import larder.testkit.TestStore;

class SqliteScoreReaderTest extends ScoreReaderContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }

  @Override Dialect dialect() { return new SqliteDialect(); }
}
