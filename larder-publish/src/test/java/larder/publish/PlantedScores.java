package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import larder.core.IdMap;
import larder.core.Scores;

/**
 * Scores whose every row can be recomputed from its generation: entity e of generation g scores
 * g * 1e6 + a value of e below 1e5 plus a third or two (so a reader can tell the generation of any row,
 * and no short decimal holds it: a lost digit fails), labelled with one of {@link #LABELS} prefixed "g<g> ", or null for every
 * seventh entity. Entity ids are "e<e>", the first few awkward instead.
 */
class PlantedScores {
  /** Labels a COPY or CSV could get wrong: commas, quotes, unicode, tabs, newlines, backslashes, empty. */
  static final List<String> LABELS = List.of("high risk", "comma, \"quoted\"", "it's", "ünïcødé ✓ 中文 😀",
      "tab\tin", "new\nline", "cr\rlf\r\n", "back\\slash", "\\N", "");
  static final List<String> AWKWARD_IDS = List.of("tab\tid", "new\nid", "back\\id", "ünï ✓", "\\N", "", "a,b");

  final IdMap entities;

  PlantedScores(int n) {
    entities = new IdMap(n);
    for (String id : AWKWARD_IDS) entities.intern(id);
    for (int e = entities.size(); e < n; e++) entities.intern("e" + e);
  }

  int n() { return entities.size(); }

  static double score(int e, int gen) { return gen * 1e6 + (e * 7_919L % 100_000) + e / 3.0 % 1; }

  static int generation(double score) { return (int) Math.floor(score / 1e6); }

  static String label(int e, int gen) { return e % 7 == 0 ? null : "g" + gen + " " + LABELS.get(e % LABELS.size()); }

  Scores scores(int gen) {
    double[] score = new double[n()];
    String[] label = new String[n()];
    for (int e = 0; e < n(); e++) {
      score[e] = score(e, gen);
      label[e] = label(e, gen);
    }
    return new Scores(entities, score, label);
  }

  /** Asserts that larder_scores shows exactly generation {@code gen} of {@code job}, bit for bit; returns its batch. */
  long assertServing(Connection c, String job, int gen) throws SQLException {
    long batch = -1;
    Set<String> seen = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT entity_id, score, label, batch_id FROM larder_scores"
        + " WHERE job = ?")) {
      ps.setString(1, job);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int e = entities.idOf(rs.getString(1));
          assertThat(e).as("entity %s", rs.getString(1)).isNotNegative();
          assertThat(Double.doubleToRawLongBits(rs.getDouble(2))).as("score of %s", rs.getString(1))
              .isEqualTo(Double.doubleToRawLongBits(score(e, gen)));
          assertThat(rs.getString(3)).isEqualTo(label(e, gen));
          if (batch < 0) batch = rs.getLong(4);
          assertThat(rs.getLong(4)).isEqualTo(batch);
          assertThat(seen.add(rs.getString(1))).isTrue();
        }
      }
    }
    assertThat(seen).hasSize(n());
    return batch;
  }
}
