package larder.jobs.run;

import larder.testkit.TestStore;

/** The shrink checks on a SQLite file. */
class ShrinkCheckSqliteTest extends ShrinkCheckTest {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
