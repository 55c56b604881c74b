package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;

import larder.store.Dialect;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

class MariaDbScoreReaderTest extends ScoreReaderContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  /** The dialect of the store at {@code db}, which opening creates. */
  @Override Dialect dialect() {
    try (Store opened = Store.open(db.location())) {
      return opened.dialect();
    }
  }

  /**
   * No older MySQL/MariaDB schema exists to upgrade: version 1 creates the whole current schema and the later
   * versions add nothing, so a new store is at the current version with every view at once.
   */
  @Override @Test void aVersion2StoreIsUpgradedInPlaceAndKeepsServing() {
    Dialect d = dialect();
    assertThat(d.migration(1)).anyMatch(s -> s.contains("VIEW larder_scores"))
        .anyMatch(s -> s.contains("VIEW larder_segments")).anyMatch(s -> s.contains("VIEW larder_recommendations_fresh"));
    for (int v = 2; v <= Schema.VERSION; v++) assertThat(d.migration(v)).as("version " + v).isEmpty();
    try (Store opened = Store.open(db.location())) {
      assertThat(Schema.version(opened)).isEqualTo(Schema.VERSION);
    }
  }
}
