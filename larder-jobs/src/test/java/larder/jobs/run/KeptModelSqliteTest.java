package larder.jobs.run;

import larder.testkit.TestStore;

class KeptModelSqliteTest extends KeptModelContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
