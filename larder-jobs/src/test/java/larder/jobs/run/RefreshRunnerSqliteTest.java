package larder.jobs.run;

import larder.testkit.TestStore;

class RefreshRunnerSqliteTest extends RefreshRunnerContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
