package larder.train.recommend.itemknn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Similarity;
import larder.train.recommend.itemknn.ItemKnnParams.Weighting;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ItemKnnTest {
  /** Slow, obvious similarities from dense columns. */
  static double[][] denseSimilarity(float[][] x, Similarity sim, float shrink) {
    int items = x[0].length;
    double[][] s = new double[items][items];
    for (int i = 0; i < items; i++) {
      for (int j = 0; j < items; j++) {
        double dot = 0, ni = 0, nj = 0, both = 0, ci = 0, cj = 0;
        for (float[] row : x) {
          dot += (double) row[i] * row[j];
          ni += (double) row[i] * row[i];
          nj += (double) row[j] * row[j];
          if (row[i] != 0) ci++;
          if (row[j] != 0) cj++;
          if (row[i] != 0 && row[j] != 0) both++;
        }
        s[i][j] = sim == Similarity.COSINE
            ? (dot == 0 ? 0 : dot / (Math.sqrt(ni) * Math.sqrt(nj) + shrink))
            : (both == 0 ? 0 : both / (ci + cj - both + shrink));
      }
    }
    return s;
  }

  @Property(tries = 40)
  void neighboursAreTheTopKOfTheDenseSimilarity(@ForAll @IntRange(min = 1, max = 40) int users,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll @IntRange(min = 1, max = 12) int k,
      @ForAll @IntRange(min = 0, max = 5) int shrink, @ForAll boolean jaccard,
      @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.25, seed);
    Similarity sim = jaccard ? Similarity.JACCARD : Similarity.COSINE;
    ItemKnnParams p = ItemKnnParams.defaults().withNeighbors(k).withShrink(shrink).withSimilarity(sim)
        .withWeighting(Weighting.WEIGHTS).withThreads(threads);
    SparseMatrix nb = new ItemKnn(p).fit(in, Progress.NONE).neighbours();
    double[][] s = denseSimilarity(RandomInteractions.dense(in.byUser()), sim, shrink);
    for (int i = 0; i < items; i++) {
      List<Double> expected = new ArrayList<>();
      for (int j = 0; j < items; j++) if (j != i && s[i][j] > 0) expected.add(s[i][j]);
      expected.sort((a, b) -> Double.compare(b, a));
      int want = Math.min(k, expected.size());
      assertThat(nb.rowLength(i)).as("neighbours of %d", i).isEqualTo(want);
      for (int r = 0; r < want; r++) {
        int p0 = nb.rowStart(i) + r;
        int j = nb.cols()[p0];
        assertThat(j).isNotEqualTo(i);
        // Each stored similarity is the true one, and the r-th best matches the oracle's r-th best
        // (robust to ties, which may pick different items of equal similarity).
        assertThat((double) nb.vals()[p0]).isCloseTo(s[i][j], within(1e-5));
        assertThat((double) nb.vals()[p0]).isCloseTo(expected.get(r), within(1e-5));
      }
    }
  }

  @Property(tries = 30)
  void userScoresSumNeighbourSimilaritiesOverTheHistory(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 2, max = 25) int items, @ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll boolean binary, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Weighting w = binary ? Weighting.BINARY : Weighting.WEIGHTS;
    ItemKnn.Model model = new ItemKnn(ItemKnnParams.defaults().withNeighbors(k).withShrink(2f)
        .withSimilarity(Similarity.COSINE).withWeighting(w).withNeighborhood(Form.HISTORY).withThreads(1)).fit(in, Progress.NONE);
    float[][] x = RandomInteractions.dense(in.byUser());
    float[][] nb = RandomInteractions.dense(model.neighbours());
    int[] all = new int[users];
    for (int u = 0; u < users; u++) all[u] = u;
    float[] out = new float[users * items];
    model.newUserScorer().score(all, users, out);
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        double expected = 0;
        for (int j = 0; j < items; j++) {
          double h = x[u][j] == 0 ? 0 : binary ? 1 : x[u][j];
          expected += h * nb[j][i];
        }
        assertThat((double) out[u * items + i]).isCloseTo(expected, within(1e-4));
      }
    }
  }

  @Property(tries = 15)
  void threadsDoNotChangeTheModel(@ForAll @IntRange(min = 2, max = 4) int threads, @ForAll long seed) {
    Interactions in = RandomInteractions.of(60, 150, 0.1, seed);
    ItemKnnParams p = ItemKnnParams.defaults().withNeighbors(10).withThreads(1);
    SparseMatrix one = new ItemKnn(p).fit(in, Progress.NONE).neighbours();
    SparseMatrix many = new ItemKnn(p.withThreads(threads)).fit(in, Progress.NONE).neighbours();
    assertThat(many.ptr()).isEqualTo(one.ptr());
    assertThat(many.cols()).isEqualTo(one.cols());
    assertThat(many.vals()).isEqualTo(one.vals());
  }

  @Test
  void itemScorerListsOnlyNeighbours() {
    Interactions in = RandomInteractions.of(30, 20, 0.3, 5L);
    ItemKnn.Model model = new ItemKnn(ItemKnnParams.defaults().withNeighbors(3)).fit(in, Progress.NONE);
    float[] out = new float[20];
    model.newItemScorer().score(4, out);
    long listed = 0;
    for (float v : out) if (!Float.isNaN(v)) listed++;
    assertThat(listed).isEqualTo(model.neighbours().rowLength(4)).isLessThanOrEqualTo(3);
    assertThat(out[4]).isNaN();
  }

  @Test
  void parametersAreValidatedByName() {
    assertThatThrownBy(() -> ItemKnnParams.defaults().withNeighbors(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.neighbors").hasMessageContaining("0");
    assertThatThrownBy(() -> ItemKnnParams.defaults().withShrink(-1f))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.shrink");
    assertThatThrownBy(() -> ItemKnnParams.defaults().withThreads(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.threads");
    assertThatThrownBy(() -> ItemKnnParams.similarity("pearson"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.similarity").hasMessageContaining("pearson");
    assertThat(ItemKnnParams.weighting("LOG")).isEqualTo(Weighting.LOG);
    assertThat(new ItemKnn().params()).containsKeys("neighbors", "shrink", "similarity", "weighting");
    assertThat(Arrays.asList(Similarity.values())).contains(Similarity.COSINE);
  }
}
