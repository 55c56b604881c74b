package larder.jobs.run;

import larder.testkit.TestStore;

/** The job runner contract on a SQLite file. */
class JobRunnerSqliteTest extends JobRunnerTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
