package larder.jobs.run;

import larder.testkit.TestStore;

class KeptModelPostgresTest extends KeptModelContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
