package larder.store;

import larder.testkit.TestStore;

class SqliteArtifactsTest extends ArtifactsContract {
  @Override TestStore newStore() { return TestStore.sqlite(); }
}
