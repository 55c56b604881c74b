package larder.jobs.run;

import larder.testkit.TestStore;

/** The shrink checks on PostgreSQL, in a schema of its own per test. */
class ShrinkCheckPostgresTest extends ShrinkCheckTest {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
