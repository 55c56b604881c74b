package larder.jobs.run;

import larder.testkit.TestStore;

/** The kept-model contract on MariaDB. */
class KeptModelMariaDbTest extends KeptModelContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
