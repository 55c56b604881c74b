package larder.jobs.run;

import larder.testkit.TestStore;

/** The job runner contract on PostgreSQL, in a schema of its own per test. */
class JobRunnerPostgresTest extends JobRunnerTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
