package larder.jobs.run;

import larder.testkit.TestStore;

/** The import runner contract on a SQLite file. */
class ImportRunnerSqliteTest extends ImportRunnerTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
