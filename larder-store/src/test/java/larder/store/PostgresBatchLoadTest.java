package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import larder.core.IdMap;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

class PostgresBatchLoadTest extends BatchLoadContract {
  @Override TestStore newStore() { return TestStore.postgres(); }

  @Override long rowTableCount() throws SQLException {
    return store.withConnection("count", c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM pg_tables"
          + " WHERE schemaname = current_schema() AND tablename LIKE 'larder\\_rec\\_rows%'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override long tableCount(String prefix) {
    return store.withConnection("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
          + " AND starts_with(tablename, ?)")) {
        ps.setString(1, prefix);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override String explain(String sql, Object... args) {
    return store.withConnection("explain", c -> {
      StringBuilder plan = new StringBuilder();
      try (var ps = c.prepareStatement("EXPLAIN " + sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    });
  }

  @Override void assertMembersPlan(String plan) {
    assertThat(plan).containsPattern("Index (Only )?Scan using larder_segment_rows_\\d+_segment on larder_segment_rows_\\d+")
        .doesNotContain("Sort").doesNotContain("Seq Scan on larder_segment_rows");
  }

  @Override void assertCustomerPlan(String plan) {
    assertThat(plan).containsPattern("Index Scan using larder_segment_rows_\\d+_pkey on larder_segment_rows_\\d+")
        .doesNotContain("Seq Scan on larder_segment_rows");
  }

  @Override void assertTopPlan(String plan) {
    assertThat(plan).containsPattern("Index Scan using larder_score_rows_\\d+_score on larder_score_rows_\\d+")
        .doesNotContain("Sort").doesNotContain("Seq Scan on larder_score_rows");
  }

  @Override void assertEntityPlan(String plan) {
    assertThat(plan).containsPattern("Index Scan using larder_score_rows_\\d+_pkey on larder_score_rows_\\d+")
        .doesNotContain("Seq Scan on larder_score_rows");
  }

  /** The segment index built with a batch's rows is adopted by the parent's index on attach, not built twice. */
  @Test void aSegmentPartitionHasItsTwoIndexesAttachedToTheParents() {
    var a = assignment(200, true, 9);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addSegments(a, null, 0, a.size());
      load.finish();
    }
    List<String> attached = new ArrayList<>();
    store.withConnection("indexes", c -> {
      try (var ps = c.prepareStatement("SELECT child.relname || ' -> ' || parent.relname FROM pg_index ix"
          + " JOIN pg_class child ON child.oid = ix.indexrelid"
          + " LEFT JOIN pg_inherits i ON i.inhrelid = ix.indexrelid LEFT JOIN pg_class parent ON parent.oid = i.inhparent"
          + " WHERE ix.indrelid = to_regclass(?) ORDER BY 1")) {
        ps.setString(1, "larder_segment_rows_" + batch);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) attached.add(rs.getString(1));
        }
      }
      return null;
    });
    assertThat(attached).containsExactly(
        "larder_segment_rows_" + batch + "_pkey -> larder_segment_rows_pkey",
        "larder_segment_rows_" + batch + "_segment -> larder_segment_rows_segment");
  }

  /** A score partition's indexes are adopted by the parent's on attach, and COPY kept every label byte. */
  @Test void aScorePartitionHasItsTwoIndexesAttachedToTheParents() {
    var s = scores(500, 3);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addScores(s, 0, s.size());
      load.finish();
    }
    List<String> attached = new ArrayList<>();
    store.withConnection("indexes", c -> {
      try (var ps = c.prepareStatement("SELECT child.relname || ' -> ' || parent.relname FROM pg_index ix"
          + " JOIN pg_class child ON child.oid = ix.indexrelid"
          + " LEFT JOIN pg_inherits i ON i.inhrelid = ix.indexrelid LEFT JOIN pg_class parent ON parent.oid = i.inhparent"
          + " WHERE ix.indrelid = to_regclass(?) ORDER BY 1")) {
        ps.setString(1, "larder_score_rows_" + batch);
        try (var rs = ps.executeQuery()) {
          while (rs.next()) attached.add(rs.getString(1));
        }
      }
      return null;
    });
    assertThat(attached).containsExactly(
        "larder_score_rows_" + batch + "_pkey -> larder_score_rows_pkey",
        "larder_score_rows_" + batch + "_score -> larder_score_rows_score");
    assertScoreRows(batch, s);
  }

  /** COPY binary sends ids unescaped; the server's UTF-8 check refuses a NUL as text COPY did. */
  @Test void aNulCharacterInAnIdFailsTheLoadAndLeavesNoRows() {
    long before = tableCount("larder_rec_rows");
    long batch = newBatch();
    IdMap items = IdMap.sequential(3);
    assertThatThrownBy(() -> {
      try (BatchLoad load = store.startLoad(batch)) {
        load.addList(RowTable.RECOMMENDATIONS, "user\0one", new int[] {0, 1}, new float[] {2f, 1f}, 2, items);
        load.finish();
      }
    }).isInstanceOf(larder.core.StoreException.class).hasMessageContaining("0x00");
    assertThat(tableCount("larder_rec_rows")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM larder_rec_rows")).isZero();
  }
}
