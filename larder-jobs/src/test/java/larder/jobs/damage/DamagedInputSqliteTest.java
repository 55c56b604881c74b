package larder.jobs.damage;

import larder.testkit.TestStore;

/** The damaged-input contract on a SQLite file. */
class DamagedInputSqliteTest extends DamagedInputContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
