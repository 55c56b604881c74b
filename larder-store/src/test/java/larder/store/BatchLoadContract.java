package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import larder.core.IdMap;
import net.jqwik.api.Arbitraries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk loads on both stores: exact round trip of awkward ids and scores, abort leaves nothing. */
abstract class BatchLoadContract {
  Store store;

  abstract Store openStore();

  abstract void dropStore();

  /** Tables (partitions included) whose name starts with larder_rec_rows. */
  abstract long rowTableCount() throws SQLException;

  @BeforeEach void open() { store = openStore(); }

  @AfterEach void close() {
    store.close();
    dropStore();
  }

  long newBatch() {
    return store.write("insert", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_batch (job, kind, model, created_at, status)"
          + " VALUES ('j', 'recommendations', 'm', ?, 'staging') RETURNING batch_id")) {
        store.dialect().setInstant(ps, 1, Schema.now());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Test void awkwardIdsAndScoresRoundTripExactly() throws SQLException {
    List<String> names = new ArrayList<>(List.of("tab\there", "back\\slash", "new\nline", "cr\rx", "ünïcødé ✓",
        "quote'\"", "\\N", "", " spaced "));
    names.addAll(Arbitraries.strings().withCharRange(' ', '~').withChars("\t\n\\äß✓€中").ofMinLength(1).ofMaxLength(12).list().ofSize(40).sample());
    IdMap ids = new IdMap();
    for (String n : names) ids.intern(n);
    int m = ids.size();
    float[] scores = {Float.MIN_VALUE, -0f, 1e-30f, 3.4028235e38f, -1.5f, 0.1f, 123456.79f};
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      int[] items = new int[m];
      float[] sc = new float[m];
      for (int k = 0; k < m; k++) {
        for (int i = 0; i < m; i++) {
          items[i] = (k + i) % m;
          sc[i] = scores[(k + i) % scores.length];
        }
        load.addList(RowTable.RECOMMENDATIONS, ids.name(k), items, sc, m, ids);
      }
      load.addList(RowTable.FALLBACK, null, new int[] {0, 1}, new float[] {2f, 1f}, 2, ids);
      assertThat(load.rows(RowTable.RECOMMENDATIONS)).isEqualTo((long) m * m);
      load.finish();
    }
    try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT user_id, rank, item_id, score FROM larder_rec_rows WHERE batch_id = ?")) {
      ps.setLong(1, batch);
      long rows = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int k = ids.idOf(rs.getString(1));
          assertThat(k).as("user id %s", rs.getString(1)).isNotNegative();
          int i = rs.getInt(2) - 1;
          assertThat(rs.getString(3)).isEqualTo(ids.name((k + i) % m));
          assertThat(rs.getFloat(4)).isEqualTo(scores[(k + i) % scores.length]);
          rows++;
        }
      }
      assertThat(rows).isEqualTo((long) m * m);
    }
  }

  @Test void anAbortedLoadLeavesNoRowsAndNoTables() throws SQLException {
    long before = rowTableCount();
    long batch = newBatch();
    IdMap ids = IdMap.sequential(10);
    try (BatchLoad load = store.startLoad(batch)) {
      load.addList(RowTable.RECOMMENDATIONS, "u", new int[] {1, 2}, new float[] {1, 0}, 2, ids);
      load.addList(RowTable.SIMILAR, "3", new int[] {1, 2}, new float[] {1, 0}, 2, ids);
      load.abort();
    }
    assertThat(rowTableCount()).isEqualTo(before);
    assertThat(store.<Long>withConnection("count", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM larder_rec_rows")) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    })).isZero();
  }

  @Test void droppingAFinishedBatchRemovesItsRows() throws SQLException {
    long before = rowTableCount();
    IdMap ids = IdMap.sequential(10);
    long keep = newBatch();
    long drop = newBatch();
    for (long b : new long[] {keep, drop}) {
      try (BatchLoad load = store.startLoad(b)) {
        load.addList(RowTable.RECOMMENDATIONS, "u", new int[] {1, 2}, new float[] {1, 0}, 2, ids);
        load.finish();
      }
    }
    store.dropRows(drop);
    store.dropRows(drop); // idempotent
    assertThat(store.<Long>withConnection("count", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM larder_rec_rows WHERE batch_id = " + keep)) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    })).isEqualTo(2);
    assertThat(rowTableCount()).isLessThanOrEqualTo(before + 1);
  }
}
