package larder.jobs.run;

import larder.testkit.TestStore;

/** The quality gate contract on PostgreSQL, in a schema of its own per test. */
class QualityGatePostgresTest extends QualityGateTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
