package larder.jobs.run;

import larder.testkit.TestStore;

/** The segmentation job contract on a SQLite file. */
class SegmentsRunnerSqliteTest extends SegmentsRunnerTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
