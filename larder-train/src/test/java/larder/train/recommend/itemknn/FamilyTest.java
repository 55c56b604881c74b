package larder.train.recommend.itemknn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.ListsScorer;
import larder.train.eval.Metrics;
import larder.train.eval.RandomInteractions;
import larder.train.kernel.TopN;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;
import larder.train.recommend.itemknn.ItemKnnParams.Similarity;
import larder.train.recommend.itemknn.ItemKnnParams.Weighting;
import larder.train.score.TopNScoring;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FamilyTest {
  // Scoring every k of a form in one pass gives each k's lists (items and score bits) and metrics as scoring that
  // k's model alone does: any data, k values, form, normalisation, weighting, list length and thread count.
  @Property(tries = 150)
  void onePassEqualsScoringEachKSeparately(@ForAll @IntRange(min = 1, max = 40) int users,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll @IntRange(min = 1, max = 9) int densityTenths,
      @ForAll @IntRange(min = 1, max = 35) int maxK, @ForAll @IntRange(min = 0, max = 4) int shrink,
      @ForAll boolean jaccard, @ForAll boolean candidate, @ForAll boolean rows,
      @ForAll @IntRange(min = 0, max = 2) int weighting, @ForAll @IntRange(min = 1, max = 31) int listLength,
      @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
    Interactions all = RandomInteractions.of(users, items, densityTenths / 10.0, seed);
    Holdout.Split split = Holdout.perUser(all, 0.3, seed ^ 5);
    Interactions train = split.train();
    ItemKnnParams p = ItemKnnParams.defaults().withShrink(shrink).withThreads(1)
        .withSimilarity(jaccard ? Similarity.JACCARD : Similarity.COSINE)
        .withWeighting(Weighting.values()[weighting]);
    Form form = candidate ? Form.CANDIDATE : Form.HISTORY;
    Normalize normalize = rows ? Normalize.ROWS : Normalize.NONE;
    ItemKnn.Neighbours lists = ItemKnn.neighbours(train, p, maxK, Progress.NONE);
    int[] ks = someKs(maxK, new Random(seed));
    ListsScorer family = lists.family(ks, form, normalize);
    assertThat(family.models()).isEqualTo(ks.length);

    int keep = Math.min(listLength, items);
    ListsScorer.Lists one = family.newLists(train.byUser());
    TopN[] tops = new TopN[ks.length];
    for (int m = 0; m < ks.length; m++) tops[m] = new TopN(keep);
    for (int m = 0; m < ks.length; m++) {
      String[] separate = listsOf(lists.model(ks[m], form, normalize), train.byUser(), keep);
      for (int u = 0; u < users; u++) {
        for (TopN t : tops) t.reset(keep);
        one.top(u, tops);
        int[] got = new int[keep];
        float[] scores = new float[keep];
        int n = tops[m].drainSorted(got, scores);
        assertThat(text(got, scores, n)).as("user %d, k %d of %s", u, ks[m], Arrays.toString(ks))
            .isEqualTo(separate[u]);
      }
    }
    Metrics[] each = Evaluation.evaluateEach(family, train.byUser(), split.test().byUser(), listLength, threads);
    for (int m = 0; m < ks.length; m++) {
      Metrics alone = Evaluation.evaluate(lists.model(ks[m], form, normalize), train, split.test(), listLength, 1);
      assertThat(each[m]).as("k %d", ks[m]).isEqualTo(alone);
    }
  }

  @Test
  void kValuesMustBeAscendingAndDistinct() {
    Interactions in = RandomInteractions.of(5, 6, 0.5, 3);
    ItemKnn.Neighbours lists = ItemKnn.neighbours(in, ItemKnnParams.defaults(), 4, Progress.NONE);
    for (int[] bad : new int[][] {{}, {2, 2}, {3, 1}, {0, 2}, {2, 5}}) {
      assertThatThrownBy(() -> lists.family(bad, Form.CANDIDATE, Normalize.NONE))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** 1 to 4 distinct k in 1..maxK, ascending. */
  private static int[] someKs(int maxK, Random rnd) {
    TreeSet<Integer> ks = new TreeSet<>();
    int n = 1 + rnd.nextInt(4);
    while (ks.size() < Math.min(n, maxK)) ks.add(1 + rnd.nextInt(maxK));
    return ks.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Every user's list from the model alone, as "item:scorebits ..." (empty when nothing is listed). */
  private static String[] listsOf(ItemKnn.Model model, SparseMatrix seen, int n) {
    String[] out = new String[model.userCount()];
    Arrays.fill(out, "");
    TopNScoring.scoreUsers(model, seen, null, n, null, 1, (u, items, scores, count) -> out[u] = text(items, scores,
        count), Progress.NONE);
    return out;
  }

  private static String text(int[] items, float[] scores, int n) {
    StringBuilder s = new StringBuilder();
    for (int r = 0; r < n; r++) s.append(items[r]).append(':').append(Float.floatToRawIntBits(scores[r])).append(' ');
    return s.toString();
  }
}
