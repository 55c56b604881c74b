package larder.store;

import larder.testkit.TestStore;

class MariaDbArtifactsTest extends ArtifactsContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }
}
