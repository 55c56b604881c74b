package larder.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import larder.core.IdMap;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.MariaDbDatabase;
import org.junit.jupiter.api.Test;

/**
 * A server that refuses LOAD DATA LOCAL ({@code local_infile=OFF}, MySQL 8's default), with a URL that allows it:
 * Larder does not fail; the load's probe meets the server's refusal and the batch goes by the multi-row INSERT
 * fallback, every row in place. The server setting is global: it is restored in {@code finally}.
 */
class MariaDbLocalInfileOffTest {
  @Test void aServerThatRefusesLocalInfileGetsTheRowsByInsert() throws Exception {
    try (MariaDbDatabase db = new MariaDbDatabase(); Store store = Store.open(db.url)) {
      long batch = store.write("a batch", c -> {
        try (var ps = store.dialect().prepareReturningKey(c, "INSERT INTO larder_batch (job, kind, model, created_at,"
            + " status) VALUES ('j', 'recommendations', 'm', ?, 'staging')", "batch_id")) {
          store.dialect().setInstant(ps, 1, Schema.now());
          return store.dialect().insertedKey(ps);
        }
      });
      IdMap items = IdMap.sequential(50);
      boolean before = localInfile();
      try {
        setLocalInfile(false);
        try (BatchLoad load = store.startLoad(batch)) {
          assertThat(((MysqlLoad) load).local()).as("LOCAL refused by the server").isFalse();
          for (int u = 0; u < 3_000; u++) {
            load.addList(RowTable.RECOMMENDATIONS, "u" + u, new int[] {u % 50, (u + 1) % 50}, new float[] {2, 1}, 2, items);
          }
          load.finish();
        }
      } finally {
        setLocalInfile(before);
      }
      long rows = store.read("count", c -> {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT user_id)"
            + " FROM larder_rec_rows WHERE batch_id = " + batch + " AND rank IN (1, 2)")) {
          rs.next();
          assertThat(rs.getLong(2)).isEqualTo(3_000);
          return rs.getLong(1);
        }
      });
      assertThat(rows).isEqualTo(6_000);
      // and with the server's LOCAL back on, the next load takes the bulk path again
      try (BatchLoad load = store.startLoad(batch + 1_000)) {
        assertThat(((MysqlLoad) load).local()).isEqualTo(before);
      }
    }
  }

  private static boolean localInfile() throws Exception {
    try (Connection c = DriverManager.getConnection(MariaDbDatabase.BASE); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT @@GLOBAL.local_infile")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  private static void setLocalInfile(boolean on) throws Exception {
    try (Connection c = DriverManager.getConnection(MariaDbDatabase.BASE); Statement st = c.createStatement()) {
      st.execute("SET GLOBAL local_infile = " + (on ? 1 : 0));
    }
  }
}
