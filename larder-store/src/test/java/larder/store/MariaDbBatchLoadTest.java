package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import larder.core.IdMap;
import larder.core.StoreException;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

class MariaDbBatchLoadTest extends BatchLoadContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  @Override long rowTableCount() throws SQLException {
    return tableCount("larder_rec_rows");
  }

  @Override long tableCount(String prefix) {
    return store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
          + " AND table_type = 'BASE TABLE' AND LEFT(table_name, CHAR_LENGTH(?)) = ?")) {
        ps.setString(1, prefix);
        ps.setString(2, prefix);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** One line per table read: "table=s type=ref key=PRIMARY extra=Using where". */
  @Override String explain(String sql, Object... args) {
    return store.withConnection("explain", c -> {
      StringBuilder plan = new StringBuilder();
      try (var ps = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append("table=").append(rs.getString("table")).append(" type=").append(rs.getString("type"))
                .append(" key=").append(rs.getString("key")).append(" extra=").append(rs.getString("Extra")).append('\n');
          }
        }
      }
      return plan.toString();
    });
  }

  @Override void assertMembersPlan(String plan) {
    assertThat(plan).contains("table=s type=ref key=larder_segment_rows_segment").doesNotContain("filesort")
        .doesNotContain("type=ALL");
  }

  @Override void assertCustomerPlan(String plan) {
    // a customer that is not there is found absent while the optimiser reads the primary key ("const tables")
    assertThat(plan).containsPattern("table=s type=(eq_ref|const) key=PRIMARY"
        + "|Impossible WHERE noticed after reading const tables").doesNotContain("type=ALL");
  }

  @Override void assertTopPlan(String plan) {
    assertThat(plan).contains("table=s type=ref key=larder_score_rows_score").doesNotContain("filesort")
        .doesNotContain("type=ALL");
  }

  @Override void assertEntityPlan(String plan) {
    assertThat(plan).containsPattern("table=s type=(eq_ref|const) key=PRIMARY"
        + "|Impossible WHERE noticed after reading const tables").doesNotContain("type=ALL");
  }

  /**
   * Under LOAD DATA LOCAL the server skips a duplicate key with a warning and goes on: the load counts that as a
   * failure, so the batch keeps none of its rows.
   */
  @Test void aDuplicateKeyUnderLocalFailsTheLoadAndLeavesNoRows() {
    long batch = newBatch();
    IdMap items = ids("a", "b");
    BatchLoad load = store.startLoad(batch);
    load.addList(RowTable.RECOMMENDATIONS, "u1", new int[] {0, 1}, new float[] {2, 1}, 2, items);
    load.addList(RowTable.RECOMMENDATIONS, "u1", new int[] {1}, new float[] {1}, 1, items); // u1 rank 1 again
    assertThatThrownBy(load::finish).isInstanceOf(StoreException.class)
        .hasMessageContaining("2 of 3 rows loaded").hasMessageContaining("1062");
    assertThat(countRows(batch)).isZero();
  }

  /** An id too long for its column is truncated with a warning under LOCAL: the load fails instead. */
  @Test void anIdLongerThanTheColumnFailsTheLoad() {
    long batch = newBatch();
    IdMap items = ids("a");
    BatchLoad load = store.startLoad(batch);
    load.addList(RowTable.RECOMMENDATIONS, "u".repeat(600), new int[] {0}, new float[] {1}, 1, items);
    assertThatThrownBy(load::finish).isInstanceOf(StoreException.class).hasMessageContaining("1265");
    assertThat(countRows(batch)).isZero();
  }

  /** Ids compare byte by byte without padding: 'u1', 'u1 ' and 'U1' are three users, as on the other stores. */
  @Test void idsDifferingInTrailingSpaceOrCaseStayDistinct() {
    long batch = newBatch();
    IdMap items = ids("a");
    try (BatchLoad load = store.startLoad(batch)) {
      for (String u : new String[] {"u1", "u1 ", "U1", "u\t1\\"}) {
        load.addList(RowTable.RECOMMENDATIONS, u, new int[] {0}, new float[] {1}, 1, items);
      }
      load.finish();
    }
    assertThat(countRows(batch)).isEqualTo(4);
    long exact = store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ? AND user_id = ?")) {
        ps.setLong(1, batch);
        ps.setString(2, "u\t1\\");
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
    assertThat(exact).isEqualTo(1);
  }

  private static IdMap ids(String... names) {
    IdMap ids = new IdMap();
    for (String n : names) ids.intern(n);
    return ids;
  }

  private long countRows(long batch) {
    return store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?")) {
        ps.setLong(1, batch);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }
}
