package larder.jobs.run;

import larder.testkit.TestStore;

/** The import runner contract on PostgreSQL, in a schema of its own per test. */
class ImportRunnerPostgresTest extends ImportRunnerTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
