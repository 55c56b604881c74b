package larder.jobs.run;

import larder.testkit.TestStore;

/** The quality gate contract on a SQLite file. */
class QualityGateSqliteTest extends QualityGateTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
