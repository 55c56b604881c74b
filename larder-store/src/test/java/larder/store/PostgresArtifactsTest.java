package larder.store;

import larder.testkit.TestStore;

class PostgresArtifactsTest extends ArtifactsContract {
  @Override TestStore newStore() { return TestStore.postgres(); }
}
