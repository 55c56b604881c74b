package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import larder.core.IdMap;
import larder.core.Scores;
import larder.core.StoreException;
import larder.core.segment.SegmentAssignment;
import larder.testkit.TestStore;
import net.jqwik.api.Arbitraries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk loads on both stores: exact round trip of awkward ids and scores, abort leaves nothing. */
abstract class BatchLoadContract {
  TestStore db;
  Store store;

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  /** Tables (partitions included) whose name starts with larder_rec_rows. */
  abstract long rowTableCount() throws SQLException;

  /** Tables (partitions included) whose name starts with {@code prefix}. */
  abstract long tableCount(String prefix) throws SQLException;

  /** The plan of {@code sql} (parameters bound), one line per row. */
  abstract String explain(String sql, Object... args) throws SQLException;

  /** Asserts that the plan of the members query reads the segment index in order. */
  abstract void assertMembersPlan(String plan);

  /** Asserts that the plan of a customer's segment is primary-key look-ups. */
  abstract void assertCustomerPlan(String plan);

  /** Asserts that the plan of the top entities by score reads the score index in order. */
  abstract void assertTopPlan(String plan);

  /** Asserts that the plan of one entity's score is primary-key look-ups. */
  abstract void assertEntityPlan(String plan);

  @BeforeEach void open() {
    db = newStore();
    store = db.open(Store::open);
  }

  @AfterEach void close() {
    if (db != null) db.close();
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

  long count(String sql, Object... args) {
    return store.<Long>withConnection("count", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** Customers with awkward ids; RFM values (when {@code rfm}) that need all 17 digits of a double. */
  static SegmentAssignment assignment(int n, boolean rfm, long seed) {
    IdMap ids = new IdMap();
    List<String> awkward = List.of("tab\there", "back\\slash", "new\nline", "ünïcødé ✓", "\\N", "", " spaced ");
    for (String a : awkward) ids.intern(a);
    for (int i = ids.size(); i < n; i++) ids.intern("c" + Long.toString(seed * 7919 + i * 104729L, 36));
    int[] segment = new int[n];
    float[] distance = new float[n];
    double[] r = new double[n];
    double[] f = new double[n];
    double[] m = new double[n];
    short[] score = new short[n];
    for (int c = 0; c < n; c++) {
      segment[c] = 1 + (int) ((c * 31L + seed) % 5);
      distance[c] = c % 11 == 0 ? 0f : (float) (c / 7.0 + 1e-7);
      r[c] = c / 3.0;
      f[c] = c % 13 == 0 ? 0.1 + 0.2 : c;
      m[c] = c * Math.PI * 1e5 - 1e-9;
      score[c] = c % 9 == 0 ? 0 : (short) (100 * (1 + c % 5) + 10 * (1 + c / 5 % 5) + (1 + c / 25 % 5));
    }
    return new SegmentAssignment(ids, segment, distance, rfm ? new SegmentAssignment.Rfm(r, f, m, score) : null);
  }

  @Test void segmentRowsRoundTripExactlyWithNullsForMissingRfm() {
    SegmentAssignment withRfm = assignment(700, true, 3);
    SegmentAssignment plain = assignment(300, false, 5);
    long rfmBatch = newBatch();
    long plainBatch = newBatch();
    try (BatchLoad load = store.startLoad(rfmBatch)) {
      // in three pieces and out of customer order, as the writer may send them
      int[] order = new int[withRfm.size()];
      for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
      load.addSegments(withRfm, order, 0, 250);
      load.addSegments(withRfm, order, 250, 251);
      load.addSegments(withRfm, order, 251, order.length);
      assertThat(load.rows(RowTable.SEGMENTS)).isEqualTo(withRfm.size());
      load.finish();
    }
    try (BatchLoad load = store.startLoad(plainBatch)) {
      load.addSegments(plain, null, 0, plain.size());
      load.finish();
    }
    assertRows(rfmBatch, withRfm);
    assertRows(plainBatch, plain);
  }

  private void assertRows(long batch, SegmentAssignment a) {
    Map<String, Integer> seen = new HashMap<>();
    store.withConnection("read", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, segment_id, distance, recency_days, frequency,"
          + " monetary, rfm_score FROM larder_segment_rows WHERE batch_id = ?")) {
        ps.setLong(1, batch);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int k = a.customers().idOf(rs.getString(1));
            assertThat(k).as("customer %s", rs.getString(1)).isNotNegative();
            seen.merge(rs.getString(1), 1, Integer::sum);
            assertThat(rs.getInt(2)).isEqualTo(a.segment()[k]);
            assertThat(rs.getFloat(3)).isEqualTo(a.distance()[k]);
            if (a.rfm() == null) {
              for (int col = 4; col <= 7; col++) assertThat(rs.getObject(col)).as("column %d", col).isNull();
            } else {
              assertThat(rs.getDouble(4)).isEqualTo(a.rfm().recencyDays()[k]);
              assertThat(rs.getDouble(5)).isEqualTo(a.rfm().frequency()[k]);
              assertThat(rs.getDouble(6)).isEqualTo(a.rfm().monetary()[k]);
              short score = a.rfm().score()[k];
              assertThat(rs.getString(7)).isEqualTo(score == 0 ? null : Short.toString(score));
            }
          }
        }
      }
      return null;
    });
    assertThat(seen).hasSize(a.size()).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
  }

  @Test void segmentFallbackListsAreKeyedBySegmentId() {
    IdMap items = IdMap.sequential(20);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addList(RowTable.SEGMENT_FALLBACK, "3", new int[] {4, 5, 6}, new float[] {3f, 2f, 1f}, 3, items);
      load.addList(RowTable.SEGMENT_FALLBACK, "12", new int[] {7}, new float[] {9f}, 1, items);
      load.finish();
    }
    assertThat(count("SELECT count(*) FROM larder_segment_fallback_rows WHERE batch_id = ? AND segment_id = 3", batch))
        .isEqualTo(3);
    // an integer column: 12 sorts after 3
    assertThat(count("SELECT max(segment_id) FROM larder_segment_fallback_rows WHERE batch_id = ?", batch)).isEqualTo(12);
    assertThat(count("SELECT rank FROM larder_segment_fallback_rows WHERE batch_id = ? AND item_id = '6'", batch))
        .isEqualTo(3);
  }

  @Test void aRankedLoadRefusesTheSegmentAndScoreTables() {
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      for (RowTable t : List.of(RowTable.SEGMENTS, RowTable.SCORES)) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.addList(t, "c", new int[] {0},
            new float[] {1}, 1, IdMap.sequential(1))).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test void anAbortedSegmentLoadLeavesNoRowsAndNoTables() throws SQLException {
    long before = tableCount("larder_segment_rows");
    long batch = newBatch();
    SegmentAssignment a = assignment(500, true, 1);
    try (BatchLoad load = store.startLoad(batch)) {
      load.addSegments(a, null, 0, a.size());
      load.addList(RowTable.SEGMENT_FALLBACK, "1", new int[] {1}, new float[] {1}, 1, IdMap.sequential(3));
      load.abort();
    }
    assertThat(tableCount("larder_segment_rows")).isEqualTo(before);
    assertThat(tableCount("larder_segment_fallback_rows")).isEqualTo(1); // the parent (or the one SQLite table)
    assertThat(count("SELECT count(*) FROM larder_segment_rows")).isZero();
    assertThat(count("SELECT count(*) FROM larder_segment_fallback_rows")).isZero();
  }

  @Test void aDuplicateCustomerFailsTheLoadAndLeavesNoRowsAndNoTables() throws SQLException {
    long tables = tableCount("larder_segment_rows");
    long batch = newBatch();
    SegmentAssignment a = assignment(500, true, 1);
    int[] order = new int[a.size() + 1];
    for (int i = 0; i < a.size(); i++) order[i] = i;
    order[a.size()] = 7; // customer 7 twice
    assertThatThrownBy(() -> {
      try (BatchLoad load = store.startLoad(batch)) {
        load.addSegments(a, order, 0, order.length);
        load.finish();
      }
    }).isInstanceOf(StoreException.class);
    // SQLite refuses the row as it goes in; PostgreSQL when the key's index is built beside the segment index
    assertThat(tableCount("larder_segment_rows")).isEqualTo(tables);
    assertThat(count("SELECT count(*) FROM larder_segment_rows")).isZero();
    long after = newBatch();
    try (BatchLoad load = store.startLoad(after)) {
      load.addSegments(a, null, 0, a.size());
      load.finish();
    }
    assertThat(count("SELECT count(*) FROM larder_segment_rows WHERE batch_id = " + after)).isEqualTo(a.size());
  }

  @Test void droppingABatchRemovesItsRowsFromEveryTable() {
    IdMap ids = IdMap.sequential(10);
    SegmentAssignment a = assignment(50, true, 2);
    long[] batches = {newBatch(), newBatch()};
    for (long b : batches) {
      try (BatchLoad load = store.startLoad(b)) {
        for (RowTable t : RowTable.values()) {
          if (t.ranked()) load.addList(t, t.keyed() ? "1" : null, new int[] {1, 2}, new float[] {1, 0}, 2, ids);
        }
        load.addSegments(a, null, 0, a.size());
        load.addScores(scores(30, 2), 0, 30);
        load.finish();
      }
      store.write("small rows", c -> {
        Store.execute(c, "INSERT INTO larder_segment_profile_rows (batch_id, segment_id, label, size, share)"
            + " VALUES (" + b + ", 1, 'one', 50, 1.0)",
            "INSERT INTO larder_segment_transition_rows (batch_id, from_segment, to_segment, customers)"
            + " VALUES (" + b + ", NULL, 1, 50)");
        return null;
      });
    }
    List<String> tables = new ArrayList<>();
    for (RowTable t : RowTable.values()) tables.add(t.table());
    tables.addAll(Schema.SMALL_ROW_TABLES);
    for (String t : tables) assertThat(count("SELECT count(*) FROM " + t + " WHERE batch_id = ?", batches[0])).isPositive();
    store.dropRows(batches[0]);
    for (String t : tables) {
      assertThat(count("SELECT count(*) FROM " + t + " WHERE batch_id = ?", batches[0])).as(t).isZero();
      assertThat(count("SELECT count(*) FROM " + t + " WHERE batch_id = ?", batches[1])).as(t).isPositive();
    }
  }

  @Test void aSegmentsMembersPageIsAnOrderedIndexRead() throws SQLException {
    SegmentAssignment a = assignment(3000, false, 4);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addSegments(a, null, 0, a.size());
      load.finish();
    }
    store.write("make it current", c -> {
      Store.execute(c, "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('j', " + batch + ", "
          + (store.kind() == Dialect.Kind.SQLITE ? "'2024-01-01T00:00:00.000000Z'" : "now()") + ")");
      return null;
    });
    if (store.kind() == Dialect.Kind.POSTGRES) {
      store.withConnection("analyze", c -> {
        Store.execute(c, "ANALYZE larder_current");
        return null;
      });
    }
    String members = "SELECT customer_id, distance FROM larder_segments WHERE job = ? AND batch_id = ?"
        + " AND segment_id = ? AND customer_id > ? ORDER BY customer_id LIMIT 100";
    assertMembersPlan(explain(members, "j", batch, 2, "c"));
    assertCustomerPlan(explain("SELECT segment_id, segment_label, distance FROM larder_segments WHERE job = ?"
        + " AND customer_id = ?", "j", "c1"));
    List<String> page = new ArrayList<>();
    store.withConnection("page", c -> {
      try (PreparedStatement ps = c.prepareStatement(members)) {
        ps.setString(1, "j");
        ps.setLong(2, batch);
        ps.setInt(3, 2);
        ps.setString(4, "c");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) page.add(rs.getString(1));
        }
      }
      return null;
    });
    List<String> expected = new ArrayList<>();
    for (int c = 0; c < a.size(); c++) {
      String id = a.customers().name(c);
      if (a.segment()[c] == 2 && id.compareTo("c") > 0) expected.add(id);
    }
    String[] sorted = expected.toArray(String[]::new);
    Arrays.sort(sorted); // ASCII ids: byte order = String order
    assertThat(page).containsExactly(Arrays.copyOf(sorted, 100));
  }

  /** Awkward entity ids and labels a COPY or a multi-row INSERT could get wrong. */
  static final List<String> AWKWARD = List.of("tab\there", "back\\slash", "new\nline", "cr\rx", "crlf\r\n",
      "ünïcødé ✓ 中文 😀", "quote'\"", "comma, \"quoted\", field", "\\N", "\\.", "", " spaced ", "high risk");

  /**
   * {@code n} entities (the awkward ids first) with scores whose every bit matters: extremes, subnormals,
   * values that need all 17 digits, and random bit patterns; labels awkward, empty or null.
   */
  static Scores scores(int n, long seed) {
    IdMap ids = new IdMap(n);
    for (String a : AWKWARD) if (ids.size() < n) ids.intern(a);
    for (int i = ids.size(); i < n; i++) ids.intern("e" + Long.toString(seed * 7919 + i * 104729L, 36));
    double[] special = {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
        0.1 + 0.2, 1.0 / 3, Math.PI * 1e-300, 1e23, 0.0, 1.0, -7.5, 2.2250738585072009E-308, 9007199254740993.0};
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[] score = new double[n];
    String[] label = new String[n];
    for (int e = 0; e < n; e++) {
      if (e < special.length) {
        score[e] = special[e];
      } else {
        double v;
        do {
          v = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(v));
        score[e] = e % 3 == 0 ? v : random.nextDouble();
      }
      label[e] = switch (e % 5) {
        case 0 -> null;
        case 1 -> AWKWARD.get(e / 5 % AWKWARD.size());
        default -> "risk " + (e % 4);
      };
    }
    return new Scores(ids, score, label);
  }

  /** Rows of {@code batch} in larder_score_rows, asserted equal to {@code s} bit for bit. */
  void assertScoreRows(long batch, Scores s) {
    Map<String, Integer> seen = new HashMap<>();
    store.withConnection("read", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT entity_id, score, label FROM larder_score_rows WHERE batch_id = ?")) {
        ps.setLong(1, batch);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            int e = s.entities().idOf(id);
            assertThat(e).as("entity %s", id).isNotNegative();
            seen.merge(id, 1, Integer::sum);
            assertThat(Double.doubleToRawLongBits(rs.getDouble(2))).as("score of %s", id)
                .isEqualTo(Double.doubleToRawLongBits(s.score()[e]));
            assertThat(rs.getString(3)).as("label of %s", id).isEqualTo(s.label()[e]);
          }
        }
      }
      return null;
    });
    assertThat(seen).hasSize(s.size()).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
  }

  @Test void scoreRowsRoundTripBitForBitWithAwkwardIdsAndLabels() {
    Scores s = scores(20_000, 11);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      // out of entity order and in uneven pieces, as a writer may send them
      int[] order = new int[s.size()];
      for (int i = 0; i < order.length; i++) order[i] = (int) ((i * 7_919L) % order.length);
      load.addScores(s, order, 0, 1);
      load.addScores(s, order, 1, 8_192);
      load.addScores(s, order, 8_192, order.length);
      assertThat(load.rows(RowTable.SCORES)).isEqualTo(s.size());
      load.finish();
    }
    assertScoreRows(batch, s);
    // a label-less batch (the label array itself null) and an empty range
    Scores plain = new Scores(IdMap.sequential(300), java.util.stream.IntStream.range(0, 300)
        .mapToDouble(i -> i / 7.0).toArray(), null);
    long plainBatch = newBatch();
    try (BatchLoad load = store.startLoad(plainBatch)) {
      load.addScores(plain, 0, 0);
      load.addScores(plain, 0, plain.size());
      load.finish();
    }
    assertThat(count("SELECT count(*) FROM larder_score_rows WHERE batch_id = ? AND label IS NULL", plainBatch))
        .isEqualTo(300);
    assertThat(count("SELECT count(*) FROM larder_score_rows WHERE batch_id = ? AND score = 3", plainBatch)).isEqualTo(1);
  }

  @Test void negativeZeroIsStoredAsZeroOnBothStores() {
    Scores s = new Scores(IdMap.sequential(2), new double[] {-0.0, 0.0}, new String[] {"a", "b"});
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addScores(s, 0, 2);
      load.finish();
    }
    store.withConnection("read", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT score FROM larder_score_rows WHERE batch_id = ?")) {
        ps.setLong(1, batch);
        try (ResultSet rs = ps.executeQuery()) {
          int rows = 0;
          while (rs.next()) {
            assertThat(Double.doubleToRawLongBits(rs.getDouble(1))).isZero();
            rows++;
          }
          assertThat(rows).isEqualTo(2);
        }
      }
      return null;
    });
  }

  @Test void nonFiniteScoresAndNulCharactersAreRefusedNamingTheEntity() throws SQLException {
    long before = tableCount("larder_score_rows");
    IdMap ids = new IdMap();
    for (String id : List.of("ok", "nan", "inf", "nul\0id", "nul-label")) ids.intern(id);
    Scores s = new Scores(ids, new double[] {1, Double.NaN, Double.NEGATIVE_INFINITY, 2, 3},
        new String[] {"fine", null, null, null, "bad\0label"});
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addScores(s, 0, 1);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.addScores(s, 1, 2))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nan'").hasMessageContaining("NaN");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.addScores(s, 2, 3))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'inf'").hasMessageContaining("Infinity");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.addScores(s, 3, 4))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nul\\0id'").hasMessageContaining("NUL");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.addScores(s, 4, 5))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nul-label'").hasMessageContaining("label");
      load.abort();
    }
    assertThat(tableCount("larder_score_rows")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM larder_score_rows")).isZero();
  }

  @Test void anAbortedScoreLoadLeavesNoRowsAndNoTables() throws SQLException {
    long before = tableCount("larder_score_rows");
    Scores s = scores(3_000, 5);
    try (BatchLoad load = store.startLoad(newBatch())) {
      load.addScores(s, 0, s.size());
      load.abort();
    }
    try (BatchLoad load = store.startLoad(newBatch())) {
      load.addScores(s, 0, s.size()); // closed without finishing: aborted too
    }
    assertThat(tableCount("larder_score_rows")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM larder_score_rows")).isZero();
  }

  @Test void theTopEntitiesByScoreAreAnOrderedIndexReadAndOneEntityAKeyLookUp() throws SQLException {
    Scores s = scores(5_000, 8);
    long batch = newBatch();
    try (BatchLoad load = store.startLoad(batch)) {
      load.addScores(s, 0, s.size());
      load.finish();
    }
    store.write("make it current", c -> {
      Store.execute(c, "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('j', " + batch + ", "
          + (store.kind() == Dialect.Kind.SQLITE ? "'2024-01-01T00:00:00.000000Z'" : "now()") + ")");
      return null;
    });
    if (store.kind() == Dialect.Kind.POSTGRES) {
      store.withConnection("analyze", c -> {
        Store.execute(c, "ANALYZE larder_current");
        return null;
      });
    }
    String top = "SELECT entity_id, score, label FROM larder_scores WHERE job = ? AND batch_id = ?"
        + " ORDER BY score DESC, entity_id LIMIT 100";
    assertTopPlan(explain(top, "j", batch));
    String topOfLabel = "SELECT entity_id, score, label FROM larder_scores WHERE job = ? AND batch_id = ? AND label = ?"
        + " ORDER BY score DESC, entity_id LIMIT 100";
    assertTopPlan(explain(topOfLabel, "j", batch, "risk 2"));
    assertEntityPlan(explain("SELECT score, label FROM larder_scores WHERE job = ? AND entity_id = ?", "j", "e1"));
    List<Double> read = new ArrayList<>();
    store.withConnection("top", c -> {
      try (PreparedStatement ps = c.prepareStatement(topOfLabel)) {
        ps.setString(1, "j");
        ps.setLong(2, batch);
        ps.setString(3, "risk 2");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            assertThat(rs.getString(3)).isEqualTo("risk 2");
            read.add(rs.getDouble(2));
          }
        }
      }
      return null;
    });
    List<Double> expected = new ArrayList<>();
    for (int e = 0; e < s.size(); e++) if ("risk 2".equals(s.label()[e])) expected.add(s.score()[e]);
    expected.sort(java.util.Comparator.reverseOrder());
    assertThat(read).containsExactlyElementsOf(expected.subList(0, 100));
  }
}
