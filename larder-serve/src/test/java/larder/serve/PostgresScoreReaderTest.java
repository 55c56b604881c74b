package larder.serve;

import larder.store.Dialect;
import larder.store.postgres.PostgresDialect;
import larder.testkit.TestStore;

class PostgresScoreReaderTest extends ScoreReaderContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override Dialect dialect() { return new PostgresDialect(); }
}
