package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.IdMap;
import larder.core.StoreException;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

/**
 * The store contract on MariaDB with LOCAL INFILE refused ({@code allowLocalInfile=false} in the URL, as a server with
 * {@code local_infile=OFF} refuses it): every batch goes by the multi-row INSERT fallback, with the same results.
 */
class MariaDbInsertLoadTest extends MariaDbBatchLoadTest {
  @Override TestStore newStore() { return TestStore.mariadb("allowLocalInfile=false"); }

  /** The fallback is strict: a duplicate key is an error, and the batch keeps none of its rows. */
  @Override @Test void aDuplicateKeyUnderLocalFailsTheLoadAndLeavesNoRows() {
    long batch = newBatch();
    IdMap items = new IdMap();
    items.intern("a");
    items.intern("b");
    BatchLoad load = store.startLoad(batch);
    load.addList(RowTable.RECOMMENDATIONS, "u1", new int[] {0, 1}, new float[] {2, 1}, 2, items);
    load.addList(RowTable.RECOMMENDATIONS, "u1", new int[] {1}, new float[] {1}, 1, items);
    assertThatThrownBy(load::finish).isInstanceOf(StoreException.class).hasMessageContaining("Duplicate entry");
    long left = store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?")) {
        ps.setLong(1, batch);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    assertThat(left).isZero();
  }

  /** Strict mode refuses the too-long id outright (1406) instead of truncating it. */
  @Override @Test void anIdLongerThanTheColumnFailsTheLoad() {
    long batch = newBatch();
    IdMap items = new IdMap();
    items.intern("a");
    BatchLoad load = store.startLoad(batch);
    load.addList(RowTable.RECOMMENDATIONS, "u".repeat(600), new int[] {0}, new float[] {1}, 1, items);
    assertThatThrownBy(load::finish).isInstanceOf(StoreException.class).hasMessageContaining("too long");
  }
}
