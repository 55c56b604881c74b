package larder.jobs.run;

import larder.testkit.TestStore;

class RefreshRunnerPostgresTest extends RefreshRunnerContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
