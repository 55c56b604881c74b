package larder.train.recommend.itemknn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;
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
      @ForAll boolean binary, @ForAll boolean candidate, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Weighting w = binary ? Weighting.BINARY : Weighting.WEIGHTS;
    Form form = candidate ? Form.CANDIDATE : Form.HISTORY;
    ItemKnn.Model model = new ItemKnn(ItemKnnParams.defaults().withNeighbors(k).withShrink(2f)
        .withSimilarity(Similarity.COSINE).withWeighting(w).withNeighborhood(form).withThreads(1))
        .fit(in, Progress.NONE);
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
          // history: j votes for i when i is in j's list; candidate: i counts j when j is in i's list
          expected += h * (candidate ? nb[i][j] : nb[j][i]);
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

  /** Every user's score of every item, as raw float bits. */
  static int[] allScores(TrainedModel m) {
    int n = m.itemCount();
    int[] users = new int[m.userCount()];
    for (int u = 0; u < users.length; u++) users[u] = u;
    float[] out = new float[users.length * n];
    m.newUserScorer().score(users, users.length, out);
    int[] bits = new int[out.length];
    for (int j = 0; j < out.length; j++) bits[j] = Float.floatToRawIntBits(out[j]);
    return bits;
  }

  // With every other item a neighbour, i in N(j) and j in N(i) hold for the same pairs, and both similarities are
  // symmetric to the bit: the two forms give the same scores, bit for bit.
  @Property(tries = 40)
  void bothFormsAreEqualWhenEveryItemIsANeighbour(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 25) int items, @ForAll @IntRange(min = 0, max = 5) int extra,
      @ForAll @IntRange(min = 0, max = 20) int shrink, @ForAll boolean jaccard, @ForAll @IntRange(min = 0, max = 2)
      int weighting, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    ItemKnnParams p = ItemKnnParams.defaults().withNeighbors(Math.max(1, items - 1 + extra)).withShrink(shrink)
        .withSimilarity(jaccard ? Similarity.JACCARD : Similarity.COSINE).withWeighting(Weighting.values()[weighting])
        .withThreads(1);
    int[] history = allScores(new ItemKnn(p.withNeighborhood(Form.HISTORY)).fit(in, Progress.NONE));
    int[] candidate = allScores(new ItemKnn(p.withNeighborhood(Form.CANDIDATE)).fit(in, Progress.NONE));
    assertThat(candidate).isEqualTo(history);
  }

  // And with fewer neighbours they differ on some data: the form is not a no-op.
  @Test
  void theFormsDifferWhenListsAreCut() {
    Interactions in = RandomInteractions.of(40, 30, 0.2, 3L);
    ItemKnnParams p = ItemKnnParams.defaults().withNeighbors(3).withThreads(1);
    assertThat(allScores(new ItemKnn(p.withNeighborhood(Form.CANDIDATE)).fit(in, Progress.NONE)))
        .isNotEqualTo(allScores(new ItemKnn(p.withNeighborhood(Form.HISTORY)).fit(in, Progress.NONE)));
  }

  /**
   * Four items, binary, shrink 0. Item columns: 0 = {u0, u1}, 1 = {u0, u1, u2}, 2 = {u1, u2, u3}, 3 = {u3, u4}, so
   * cos(0,1) = 2/√6, cos(0,2) = 1/√6, cos(1,2) = 2/3, cos(2,3) = 1/√6 and items 0, 1 share no user with 3.
   * At k = 1: N(0) = {1}, N(1) = {0}, N(2) = {1}, N(3) = {2}. At k = 2: N(0) = {1, 2}, N(1) = {0, 2},
   * N(2) = {1, 0} (0 and 3 tie at 1/√6; the lower id wins), N(3) = {2}.
   */
  @Test
  void candidateFormScoresAFourItemExampleByHand() {
    Interactions in = interactions(new int[][] {{0, 1}, {0, 1, 2}, {1, 2}, {2, 3}, {3}}, 4);
    double c01 = 2 / Math.sqrt(6), c02 = 1 / Math.sqrt(6), c12 = 2.0 / 3, c23 = 1 / Math.sqrt(6);
    ItemKnnParams p = ItemKnnParams.defaults().withShrink(0f).withNeighborhood(Form.CANDIDATE).withThreads(1);
    // k = 1, u0 = {0, 1}: 0 <- its neighbour 1; 1 <- 0; 2 <- 1; 3's neighbour 2 is not in the history.
    assertScores(new ItemKnn(p.withNeighbors(1)).fit(in, Progress.NONE), 0, c01, c01, c12, 0);
    // k = 1, u3 = {2, 3}: only 3, whose neighbour is 2, scores; 1 gets nothing although it is 2's neighbour.
    assertScores(new ItemKnn(p.withNeighbors(1)).fit(in, Progress.NONE), 3, 0, 0, 0, c23);
    // the history form at k = 1 for u3: 2 votes for its neighbour 1, 3 for its neighbour 2.
    assertScores(new ItemKnn(p.withNeighbors(1).withNeighborhood(Form.HISTORY)).fit(in, Progress.NONE), 3,
        0, c12, c23, 0);
    // k = 2, u3 = {2, 3}: 0 <- 2 (in N(0)); 1 <- 2; 2 <- neither 1 nor 0 is in the history; 3 <- 2.
    assertScores(new ItemKnn(p.withNeighbors(2)).fit(in, Progress.NONE), 3, c02, c12, 0, c23);
    // k = 2, u4 = {3}: 3 is in no item's list (N(2) = {1, 0} lost the tie), so nothing scores.
    assertScores(new ItemKnn(p.withNeighbors(2)).fit(in, Progress.NONE), 4, 0, 0, 0, 0);
    // rows normalisation, k = 2, u0 = {0, 1}: 0 <- 1 of N(0) = {1, 2}: c01 / (c01 + c02); 2 <- 1 of N(2) = {1, 0},
    // and 0 too: (c12 + c02) / (c12 + c02) = 1.
    assertScores(new ItemKnn(p.withNeighbors(2).withNormalize(Normalize.ROWS)).fit(in, Progress.NONE), 0,
        c01 / (c01 + c02), c01 / (c01 + c12), 1, 0);
  }

  private static void assertScores(TrainedModel m, int user, double... expected) {
    float[] out = new float[m.itemCount()];
    m.newUserScorer().score(new int[] {user}, 1, out);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) out[i]).as("user %d, item %d", user, i).isCloseTo(expected[i], within(1e-6));
    }
  }

  /** Binary interactions from each user's item list. */
  static Interactions interactions(int[][] histories, int items) {
    int[] ptr = new int[histories.length + 1];
    for (int u = 0; u < histories.length; u++) ptr[u + 1] = ptr[u] + histories[u].length;
    int[] cols = new int[ptr[histories.length]];
    float[] vals = new float[cols.length];
    for (int u = 0; u < histories.length; u++) System.arraycopy(histories[u], 0, cols, ptr[u], histories[u].length);
    Arrays.fill(vals, 1f);
    return new Interactions(IdMap.sequential(histories.length), IdMap.sequential(items),
        new SparseMatrix(histories.length, items, ptr, cols, vals));
  }

  // One pass at the largest k, cut to every smaller k and both forms, is the direct fit at that k and form.
  @Property(tries = 25)
  void listsCutFromOnePassEqualADirectFitAtEveryKAndForm(@ForAll @IntRange(min = 1, max = 40) int users,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll @IntRange(min = 1, max = 35) int maxK,
      @ForAll @IntRange(min = 0, max = 3) int shrink, @ForAll boolean jaccard, @ForAll boolean rows,
      @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll long seed) {
    // Whole-number weights with few levels make ties in similarity common, which the cut must break as a fit does.
    Interactions in = RandomInteractions.of(users, items, 0.25, seed);
    ItemKnnParams p = ItemKnnParams.defaults().withShrink(shrink).withThreads(threads)
        .withSimilarity(jaccard ? Similarity.JACCARD : Similarity.COSINE)
        .withNormalize(rows ? Normalize.ROWS : Normalize.NONE);
    ItemKnn.Neighbours lists = ItemKnn.neighbours(in, p, maxK, Progress.NONE);
    assertThat(lists.maxK()).isEqualTo(maxK);
    for (int k = 1; k <= maxK; k++) {
      for (Form form : Form.values()) {
        ItemKnn.Model cut = lists.model(k, form, p.normalize());
        ItemKnn.Model fit = new ItemKnn(p.withNeighbors(k).withNeighborhood(form)).fit(in, Progress.NONE);
        assertThat(cut.neighbours().ptr()).as("k %d", k).isEqualTo(fit.neighbours().ptr());
        assertThat(Arrays.copyOf(cut.neighbours().cols(), (int) cut.neighbours().nonZeros()))
            .isEqualTo(Arrays.copyOf(fit.neighbours().cols(), (int) fit.neighbours().nonZeros()));
        assertThat(cut.form()).isEqualTo(form);
        assertThat(allScores(cut)).as("k %d, %s", k, form).isEqualTo(allScores(fit));
      }
    }
    assertThatThrownBy(() -> lists.model(maxK + 1, Form.CANDIDATE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.." + maxK);
  }

  // A search's trials grouped by pass cost one pass per (similarity, shrink); any order stays exact, only dearer.
  @Property(tries = 10)
  void trialsCostOnePassPerSimilarityAndShrinkAndEqualDirectFits(@ForAll @IntRange(min = 2, max = 30) int users,
      @ForAll @IntRange(min = 2, max = 25) int items, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.25, seed);
    ItemKnnTrials grouped = new ItemKnnTrials(in, 8, 1);
    ItemKnnTrials shuffled = new ItemKnnTrials(in, 8, 1);
    List<ItemKnnParams> grid = new ArrayList<>();
    for (Similarity sim : Similarity.values()) {
      for (float shrink : new float[] {0f, 3f}) {
        for (int k : new int[] {1, 3, 8}) {
          for (Form form : Form.values()) {
            grid.add(ItemKnnParams.defaults().withSimilarity(sim).withShrink(shrink).withNeighbors(k)
                .withNeighborhood(form).withThreads(1));
          }
        }
      }
    }
    for (ItemKnnParams p : grid) {
      assertThat(allScores(grouped.model(p, Progress.NONE)))
          .isEqualTo(allScores(new ItemKnn(p).fit(in, Progress.NONE)));
    }
    assertThat(grouped.passes()).isEqualTo(4);
    java.util.Collections.shuffle(grid, new java.util.Random(seed));
    for (ItemKnnParams p : grid) {
      assertThat(allScores(shuffled.model(p, Progress.NONE)))
          .isEqualTo(allScores(new ItemKnn(p).fit(in, Progress.NONE)));
    }
    assertThat(shuffled.passes()).isBetween(4, grid.size());
    assertThatThrownBy(() -> grouped.model(grid.get(0).withNeighbors(9), Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxK 8");
  }

  /**
   * Planted co-consumption clusters: items i with i mod 4 = c form cluster c, each user takes 12 items of their
   * cluster and one item anywhere, and half of the users also take one of four popular items (0..3, whose users
   * span every cluster). The candidate form recommends (almost only) the user's own cluster.
   */
  @Test
  void theCandidateFormRecommendsWithinTheUsersCluster() {
    int clusters = 4, items = 240, users = 400;
    java.util.SplittableRandom r = new java.util.SplittableRandom(17L);
    int[][] histories = new int[users][];
    for (int u = 0; u < users; u++) {
      int c = u % clusters;
      java.util.TreeSet<Integer> h = new java.util.TreeSet<>();
      while (h.size() < 12) h.add(clusters * (1 + r.nextInt(items / clusters - 1)) + c);
      h.add(r.nextInt(items));
      if (r.nextBoolean()) h.add(r.nextInt(clusters)); // a popular item (0..3), of any cluster
      histories[u] = h.stream().mapToInt(Integer::intValue).toArray();
    }
    Interactions in = interactions(histories, items);
    ItemKnn.Model m = new ItemKnn(ItemKnnParams.defaults().withNeighbors(20).withNeighborhood(Form.CANDIDATE)
        .withThreads(2)).fit(in, Progress.NONE);
    int n = 10;
    long own = 0, listed = 0;
    float[] out = new float[items];
    larder.train.kernel.TopN top = new larder.train.kernel.TopN(n);
    int[] best = new int[n];
    float[] bestScores = new float[n];
    for (int u = 0; u < users; u++) {
      m.newUserScorer().score(new int[] {u}, 1, out);
      top.reset(n);
      for (int i = 0; i < items; i++) if (Arrays.binarySearch(histories[u], i) < 0) top.offer(i, out[i]);
      int got = top.drainSorted(best, bestScores);
      for (int j = 0; j < got; j++) if (best[j] % clusters == u % clusters) own++;
      listed += got;
    }
    assertThat(listed).isEqualTo((long) users * n);
    assertThat((double) own / listed).isGreaterThan(0.95);
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

  // Similar items are an item's own nearest items in either form: the form changes how users are scored only.
  @Test
  void similarItemsDoNotDependOnTheForm() {
    Interactions in = RandomInteractions.of(50, 40, 0.2, 8L);
    ItemKnnParams p = ItemKnnParams.defaults().withNeighbors(4).withNormalize(Normalize.ROWS).withThreads(1);
    TrainedModel history = new ItemKnn(p.withNeighborhood(Form.HISTORY)).fit(in, Progress.NONE);
    TrainedModel candidate = new ItemKnn(p.withNeighborhood(Form.CANDIDATE)).fit(in, Progress.NONE);
    float[] a = new float[40], b = new float[40];
    for (int i = 0; i < 40; i++) {
      history.newItemScorer().score(i, a);
      candidate.newItemScorer().score(i, b);
      assertThat(b).as("item %d", i).containsExactly(a);
    }
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
    assertThat(ItemKnnParams.neighborhood(" Candidate ")).isEqualTo(Form.CANDIDATE);
    assertThatThrownBy(() -> ItemKnnParams.normalize("l2"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.normalize").hasMessageContaining("l2");
    assertThatThrownBy(() -> ItemKnn.neighbours(RandomInteractions.of(3, 3, 0.5, 1L), ItemKnnParams.defaults(), 0,
        Progress.NONE)).isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.neighbors");
    assertThat(new ItemKnn().params()).containsKeys("neighbors", "shrink", "similarity", "weighting", "neighborhood",
        "normalize");
    assertThat(Arrays.asList(Similarity.values())).contains(Similarity.COSINE);
  }
}
