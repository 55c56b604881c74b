package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.core.Scores;
import larder.extract.table.DelimitedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imported predictions: per-entity scores and per-user lists, validated row by row and as a whole. */
class ImportSourcesTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static ScoreSpec scores(Path f, String label, long maxBad) {
    return new ScoreSpec(DelimitedFile.csv(f), Column.parse("customer_id"), Column.parse("churn"),
        label == null ? null : Column.parse(label), maxBad);
  }

  static ListSpec lists(Path f, String score, String rank, long maxBad) {
    return new ListSpec(DelimitedFile.csv(f), Column.parse("user"), Column.parse("item"),
        score == null ? null : Column.parse(score), rank == null ? null : Column.parse(rank), maxBad);
  }

  // ---------------------------------------------------------------- scores

  @Test
  void scoresWithOptionalLabelsReadExactly() throws IOException {
    Path f = write("churn.csv", "customer_id,churn,band\nc1,0.91,high\nc2,0.05,\nc3,1e-3, low risk \n");
    ScoresResult r = new ScoreSource(scores(f, "band", 0)).read(Progress.NONE);
    Scores s = r.scores();
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.entities().name(2)).isEqualTo("c3");
    assertThat(s.score()).containsExactly(0.91, 0.05, 0.001);
    assertThat(s.label()).containsExactly("high", null, "low risk"); // empty means none; stripped
    assertThat(r.rowsRead()).isEqualTo(3);
    assertThat(r.badRows()).isZero();

    ScoresResult unlabelled = new ScoreSource(scores(f, null, 0)).read(Progress.NONE);
    assertThat(unlabelled.scores().labelled()).isFalse();
  }

  @Test
  void aRepeatedEntityOrABadScoreNamesItsLine() throws IOException {
    Path dup = write("dup.csv", "customer_id,churn\nc1,0.5\nc2,0.4\nc1,0.3\n");
    assertThatThrownBy(() -> new ScoreSource(scores(dup, null, 0)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("dup.csv:4")
        .hasMessageContaining("'c1' already appeared on line 2");
    Path bad = write("bad.csv", "customer_id,churn\nc1,0.5\nc2,high\nc3,NaN\nc4,0.1\n");
    assertThatThrownBy(() -> new ScoreSource(scores(bad, null, 1)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("bad.csv:3").hasMessageContaining("'high' is not a number")
        .hasMessageContaining("2 bad rows");
    ScoresResult tolerated = new ScoreSource(scores(bad, null, 2)).read(Progress.NONE);
    assertThat(tolerated.scores().size()).isEqualTo(2);
    assertThat(tolerated.badRowSamples()).hasSize(2).allMatch(x -> x.startsWith("bad.csv:"));
    Path cols = write("cols.csv", "id,p\nc1,0.5\n");
    assertThatThrownBy(() -> new ScoreSource(scores(cols, null, 0)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("cols.csv").hasMessageContaining("customer_id");
  }

  // ---------------------------------------------------------------- lists

  @Test
  void listsFollowRanksWithGapsOrScoresAndKeepTheirScores() throws IOException {
    Path ranked = write("ranked.csv", "user,item,score,rank\nu1,b,0.2,7\nu2,x,0.9,1\nu1,a,0.9,2\nu1,c,0.1,10\n");
    ImportedLists r = new ListSource(lists(ranked, "score", "rank", 0)).read(Progress.NONE);
    assertThat(list(r, "u1")).containsExactly("a:0.9", "b:0.2", "c:0.1");
    assertThat(list(r, "u2")).containsExactly("x:0.9");
    assertThat(r.rows()).isEqualTo(4);

    Path scored = write("scored.csv", "user,item,score\nu1,b,0.5\nu1,a,0.5\nu1,c,0.9\n");
    assertThat(list(new ListSource(lists(scored, "score", null, 0)).read(Progress.NONE), "u1"))
        .containsExactly("c:0.9", "a:0.5", "b:0.5"); // ties by item id

    Path rankOnly = write("rank-only.csv", "user,item,rank\nu1,z,3\nu1,y,1\nu1,w,2\n");
    assertThat(list(new ListSource(lists(rankOnly, null, "rank", 0)).read(Progress.NONE), "u1"))
        .containsExactly("y:1.0", "w:0.5", "z:0.33333334");
  }

  @Test
  void aRepeatedItemOrRankOrABadRankIsABadRowNamingBothLines() throws IOException {
    Path dupItem = write("dup-item.csv", "user,item,score\nu1,a,0.9\nu1,b,0.8\nu1,a,0.1\n");
    assertThatThrownBy(() -> new ListSource(lists(dupItem, "score", null, 0)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("dup-item.csv:4")
        .hasMessageContaining("'a' is already in user 'u1''s list on line 2");
    ImportedLists kept = new ListSource(lists(dupItem, "score", null, 1)).read(Progress.NONE);
    assertThat(list(kept, "u1")).containsExactly("a:0.9", "b:0.8");
    assertThat(kept.badRows()).isEqualTo(1);

    Path dupRank = write("dup-rank.csv", "user,item,rank\nu1,a,1\nu1,b,1\n");
    assertThatThrownBy(() -> new ListSource(lists(dupRank, null, "rank", 0)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("dup-rank.csv:3")
        .hasMessageContaining("rank 1 of user 'u1' is already on line 2");

    Path badRank = write("bad-rank.csv", "user,item,rank\nu1,a,first\nu1,b,0\n");
    assertThatThrownBy(() -> new ListSource(lists(badRank, null, "rank", 1)).read(Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("bad-rank.csv:2").hasMessageContaining("'first' is not a rank");
    assertThatThrownBy(() -> lists(badRank, null, null, 0)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("score column, a rank column or both");
  }

  @Test
  void randomListsComeBackGroupedSortedAndCutToTopN() throws IOException {
    Random rnd = new Random(7);
    Map<String, Map<String, Float>> truth = new HashMap<>();
    StringBuilder csv = new StringBuilder("user,item,score\n");
    for (int k = 0; k < 5_000; k++) {
      String u = "u" + rnd.nextInt(300);
      String i = "i" + rnd.nextInt(500);
      if (truth.computeIfAbsent(u, x -> new HashMap<>()).containsKey(i)) continue;
      float s = rnd.nextInt(1000) / 100f;
      truth.get(u).put(i, s);
      csv.append(u).append(',').append(i).append(',').append(s).append('\n');
    }
    ImportedLists r = new ListSource(lists(write("random.csv", csv.toString()), "score", null, 0)).read(Progress.NONE);
    assertThat(r.users().size()).isEqualTo(truth.size());
    int topN = 5;
    List<String> seen = new ArrayList<>();
    r.forEachList(topN, (user, items, scores, count) -> {
      String u = r.users().name(user);
      Map<String, Float> want = truth.get(u);
      assertThat(count).isEqualTo(Math.min(topN, want.size()));
      Set<String> distinct = new HashSet<>();
      for (int j = 0; j < count; j++) {
        String item = r.items().name(items[j]);
        assertThat(distinct.add(item)).isTrue();
        assertThat(scores[j]).isEqualTo(want.get(item));
        if (j > 0) assertThat(scores[j]).isLessThanOrEqualTo(scores[j - 1]);
      }
      // nothing left out scores above the last one kept
      if (count > 0) {
        float last = scores[count - 1];
        long above = want.values().stream().filter(v -> v > last).count();
        assertThat(above).isLessThan(count);
      }
      seen.add(u);
    });
    assertThat(seen).hasSize(truth.size()).doesNotHaveDuplicates();
  }

  private static List<String> list(ImportedLists r, String user) {
    List<String> out = new ArrayList<>();
    int u = r.users().idOf(user);
    for (int k = r.offsets()[u]; k < r.offsets()[u + 1]; k++) out.add(r.items().name(r.itemIds()[k]) + ":" + r.scores()[k]);
    return out;
  }
}
