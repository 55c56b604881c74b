package larder.jobs.run;

import larder.testkit.TestStore;

/** The segmentation job contract on PostgreSQL, in a schema of its own per test. */
class SegmentsRunnerPostgresTest extends SegmentsRunnerTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
