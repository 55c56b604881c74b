package larder.jobs.damage;

import larder.testkit.TestStore;

/** The damaged-input contract on PostgreSQL, in a schema of its own per test. */
class DamagedInputPostgresTest extends DamagedInputContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
