package larder.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.Statement;
import larder.core.IdMap;
import larder.core.StoreException;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.MariaDbDatabase;
import org.junit.jupiter.api.Test;

/**
 * A load of several LOAD DATA chunks, each sent while the next is written: every row arrives once, and a chunk the
 * server rejects (a duplicate key in the first of three) fails the load, by the time it finishes at the latest, and
 * leaves none of the batch's rows.
 */
class MariaDbLoadChunksTest {
  @Test void chunksSentWhileTheNextIsWrittenArriveWholeOrFailTheLoad() throws Exception {
    try (MariaDbDatabase db = new MariaDbDatabase(); Store store = Store.open(db.url)) {
      IdMap items = IdMap.sequential(100);
      int users = MysqlLoad.CHUNK_ROWS; // two rows each: three chunks, the last one partial
      long good = batch(store);
      try (BatchLoad load = store.startLoad(good)) {
        assertThat(((MysqlLoad) load).local()).isTrue();
        for (int u = 0; u < users; u++) {
          load.addList(RowTable.RECOMMENDATIONS, "u" + u, new int[] {u % 100, (u + 1) % 100}, new float[] {2, 1}, 2, items);
        }
        load.finish();
      }
      assertThat(count(store, good)).isEqualTo(2L * users);

      long bad = batch(store);
      assertThatThrownBy(() -> {
        try (BatchLoad load = store.startLoad(bad)) {
          for (int u = 0; u < users; u++) {
            // user 7's list twice, in the first chunk: the server skips the duplicate keys with a warning
            String user = "u" + (u == 8 ? 7 : u);
            load.addList(RowTable.RECOMMENDATIONS, user, new int[] {u % 100, (u + 1) % 100}, new float[] {2, 1}, 2, items);
          }
          load.finish();
        }
      }).isInstanceOf(StoreException.class).hasMessageContaining("rows loaded").hasMessageContaining("Duplicate");
      assertThat(count(store, bad)).isZero();
    }
  }

  private static long batch(Store store) {
    return store.write("a batch", c -> {
      try (var ps = store.dialect().prepareReturningKey(c, "INSERT INTO larder_batch (job, kind, model, created_at,"
          + " status) VALUES ('j', 'recommendations', 'm', ?, 'staging')", "batch_id")) {
        store.dialect().setInstant(ps, 1, Schema.now());
        return store.dialect().insertedKey(ps);
      }
    });
  }

  private static long count(Store store, long batch) {
    return store.read("count", c -> {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM larder_rec_rows WHERE batch_id = " + batch)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
