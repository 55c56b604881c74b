package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.core.IdMap;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.store.CentroidJson;

/**
 * Segments whose every row can be recomputed from its generation: customer c of generation g is in
 * segment 1 + (c + g) mod k at distance g*1000 + (c mod 7)/8 (exact in a float, so a reader can tell the
 * generation of any row), with recency g*1000 + c, frequency c mod 5 + 1, monetary 1.5c + g, and a
 * score built from c. Profiles are labelled "g<g>-s<s>".
 */
class PlantedSegments {
  final IdMap customers;
  final int k;
  final boolean rfm;

  PlantedSegments(int customers, int k, boolean rfm) {
    this.customers = new IdMap(customers);
    for (int c = 0; c < customers; c++) this.customers.intern("c" + c);
    this.k = k;
    this.rfm = rfm;
  }

  int n() { return customers.size(); }

  int segment(int c, int gen) { return 1 + (c + gen) % k; }

  static float distance(int c, int gen) { return gen * 1000 + (c % 7) / 8f; }

  static int generation(float distance) { return (int) Math.floor(distance / 1000); }

  static short score(int c) { return c % 10 == 0 ? 0 : (short) (100 * (1 + c % 5) + 10 * (1 + c / 5 % 5) + 1 + c / 25 % 5); }

  SegmentAssignment assignment(int gen) {
    int n = n();
    int[] segment = new int[n];
    float[] distance = new float[n];
    double[] r = new double[n];
    double[] f = new double[n];
    double[] m = new double[n];
    short[] s = new short[n];
    for (int c = 0; c < n; c++) {
      segment[c] = segment(c, gen);
      distance[c] = distance(c, gen);
      r[c] = gen * 1000 + c;
      f[c] = c % 5 + 1;
      m[c] = 1.5 * c + gen;
      s[c] = score(c);
    }
    return new SegmentAssignment(customers, segment, distance, rfm ? new SegmentAssignment.Rfm(r, f, m, s) : null);
  }

  long size(int segment, int gen) {
    long size = 0;
    for (int c = 0; c < n(); c++) if (segment(c, gen) == segment) size++;
    return size;
  }

  static String label(int segment, int gen) { return "g" + gen + "-s" + segment; }

  Map<String, Double> centroid(int segment, int gen) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("recency_days", gen * 10.0 + segment);
    m.put("monetary \"eur\"", segment / 3.0);
    return m;
  }

  List<SegmentProfile> profiles(int gen) {
    List<SegmentProfile> out = new ArrayList<>();
    for (int s = 1; s <= k; s++) {
      long size = size(s, gen);
      Double r = rfm ? gen * 1000.0 + s : null;
      out.add(new SegmentProfile(s, label(s, gen), size, size / (double) n(), r, r, rfm ? 3.0 : null, rfm ? 2.5 : null,
          rfm ? 10.0 * s : null, rfm ? 9.0 * s : null, centroid(s, gen)));
    }
    return out;
  }

  /** Moves from generation gen-1, plus one planted count of new customers and one of customers who left. */
  List<SegmentTransition> transitions(int gen) {
    Map<List<Integer>, Long> moves = new HashMap<>();
    for (int c = 0; c < n(); c++) moves.merge(List.of(segment(c, gen - 1), segment(c, gen)), 1L, Long::sum);
    List<SegmentTransition> out = new ArrayList<>();
    moves.forEach((ft, count) -> out.add(new SegmentTransition(ft.get(0), ft.get(1), count)));
    out.add(new SegmentTransition(null, 1, gen));
    out.add(new SegmentTransition(k, null, 100L + gen));
    return out;
  }

  /** Asserts that the views show exactly generation {@code gen} of {@code job}: rows, labels, profiles, transitions. */
  void assertServing(Connection c, String job, int gen) throws SQLException {
    long rows = 0;
    long batch = -1;
    try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, segment_id, segment_label, distance,"
        + " recency_days, frequency, monetary, rfm_score, batch_id FROM larder_segments WHERE job = ?")) {
      ps.setString(1, job);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int cu = Integer.parseInt(rs.getString(1).substring(1));
          assertThat(rs.getInt(2)).isEqualTo(segment(cu, gen));
          assertThat(rs.getString(3)).isEqualTo(label(segment(cu, gen), gen));
          assertThat(rs.getFloat(4)).isEqualTo(distance(cu, gen));
          if (rfm) {
            assertThat(rs.getDouble(5)).isEqualTo(gen * 1000.0 + cu);
            assertThat(rs.getDouble(6)).isEqualTo(cu % 5 + 1.0);
            assertThat(rs.getDouble(7)).isEqualTo(1.5 * cu + gen);
            assertThat(rs.getString(8)).isEqualTo(score(cu) == 0 ? null : Short.toString(score(cu)));
          } else {
            for (int col = 5; col <= 8; col++) assertThat(rs.getObject(col)).isNull();
          }
          if (batch < 0) batch = rs.getLong(9);
          assertThat(rs.getLong(9)).isEqualTo(batch);
          rows++;
        }
      }
    }
    assertThat(rows).isEqualTo(n());
    List<String> labels = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT segment_id, segment_label, size, share, recency_mean, centroid,"
        + " batch_id FROM larder_segment_profiles WHERE job = ? ORDER BY segment_id")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int s = rs.getInt(1);
          labels.add(rs.getString(2));
          assertThat(rs.getLong(3)).isEqualTo(size(s, gen));
          assertThat(rs.getDouble(4)).isEqualTo(size(s, gen) / (double) n());
          assertThat(rs.getObject(5) == null).isEqualTo(!rfm);
          assertThat(CentroidJson.read(rs.getString(6))).containsExactlyEntriesOf(centroid(s, gen));
          assertThat(rs.getLong(7)).isEqualTo(batch);
        }
      }
    }
    List<String> expected = new ArrayList<>();
    for (int s = 1; s <= k; s++) expected.add(label(s, gen));
    assertThat(labels).isEqualTo(expected);
    try (PreparedStatement ps = c.prepareStatement("SELECT customers, batch_id FROM larder_segment_transitions"
        + " WHERE job = ? AND from_segment IS NULL AND to_segment = 1")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("transitions of generation %d", gen).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(gen);
        assertThat(rs.getLong(2)).isEqualTo(batch);
      }
    }
  }
}
