package larder.train.recommend.ease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EaseTest {
  /** Gauss-Jordan with partial pivoting on the full matrix: the slow, obvious inverse. */
  static double[][] gaussJordanInverse(double[][] g) {
    int n = g.length;
    double[][] a = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(g[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      double d = a[c][c];
      for (int j = 0; j < 2 * n; j++) a[c][j] /= d;
      for (int r = 0; r < n; r++) {
        if (r == c) continue;
        double f = a[r][c];
        for (int j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) System.arraycopy(a[i], n, inv[i], 0, n);
    return inv;
  }

  /** Steck's closed form computed directly from dense binary X. */
  static double[][] directB(Interactions in, double lambda) {
    float[][] x = RandomInteractions.dense(in.byUser());
    int n = in.itemCount();
    double[][] g = new double[n][n];
    for (float[] row : x) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) g[i][j] += (row[i] != 0 ? 1 : 0) * (row[j] != 0 ? 1 : 0);
      }
    }
    for (int i = 0; i < n; i++) g[i][i] += lambda;
    double[][] p = gaussJordanInverse(g);
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) b[i][j] = i == j ? 0 : -p[i][j] / p[j][j];
    return b;
  }

  @Property(tries = 25)
  void weightsMatchTheDirectClosedForm(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 90) int items, @ForAll @DoubleRange(min = 0.5, max = 50) double lambda,
      @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll boolean java, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Ease.Model model = fit(new Ease(new EaseParams(lambda, 1000, threads)), in, java);
    double[][] b = directB(in, lambda);
    for (int j = 0; j < items; j++) {
      assertThat(model.weight(j, j)).isZero();
      for (int i = 0; i < items; i++) {
        assertThat((double) model.weight(j, i)).isCloseTo(b[j][i], within(1e-5 + 1e-5 * Math.abs(b[j][i])));
      }
    }
  }

  @Property(tries = 20)
  void userScoresSumTheRowsOfTheirItems(@ForAll @IntRange(min = 1, max = 20) int users,
      @ForAll @IntRange(min = 1, max = 40) int items, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Ease.Model model = new Ease(new EaseParams(10, 1000, 1)).fit(in, Progress.NONE);
    int[] all = new int[users];
    for (int u = 0; u < users; u++) all[u] = u;
    float[] out = new float[users * items];
    model.newUserScorer().score(all, users, out);
    SparseMatrix x = in.byUser();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        double expected = 0;
        for (int p = x.rowStart(u); p < x.rowEnd(u); p++) expected += model.weight(x.cols()[p], i);
        assertThat((double) out[u * items + i]).isCloseTo(expected, within(1e-4));
      }
    }
    float[] row = new float[items];
    model.newItemScorer().score(0, row);
    for (int i = 0; i < items; i++) assertThat(row[i]).isEqualTo(model.weight(0, i));
  }

  /** Two items always bought together and a third bought alone: B must link the pair, not the loner. */
  @Test
  void coBoughtItemsVoteForEachOther() {
    float[][] d = new float[20][3];
    for (int u = 0; u < 10; u++) {
      d[u][0] = 1;
      d[u][1] = 1;
    }
    for (int u = 10; u < 20; u++) d[u][2] = 1;
    Ease.Model m = new Ease(new EaseParams(1, 100, 1)).fit(RandomInteractions.fromDense(d, 3), Progress.NONE);
    assertThat(m.weight(0, 1)).isGreaterThan(0.5f);
    assertThat(m.weight(1, 0)).isGreaterThan(0.5f);
    assertThat(Math.abs(m.weight(2, 0))).isLessThan(1e-6f);
    assertThat(Math.abs(m.weight(0, 2))).isLessThan(1e-6f);
  }

  /** 200,000 items would need hundreds of gigabytes: getting the exception at all shows nothing was allocated. */
  @Test
  void refusesLargeCataloguesBeforeAllocating() {
    int items = 200_000;
    Interactions in = new Interactions(IdMap.sequential(1), IdMap.sequential(items),
        new SparseMatrix(1, items, new int[] {0, 1}, new int[] {7}, new float[] {1}));
    assertThatThrownBy(() -> new Ease(EaseParams.defaults()).fit(in, Progress.NONE))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.getMessage()).contains("200000").contains("20000").contains("GB");
          assertThat(e.hint()).contains("ease.max_items").contains("als").contains("itemknn");
        });
  }

  /** precision: float (LAPACK's spotrf + spotri where a native LAPACK is installed) stays near the double form. */
  @Property(tries = 10)
  void singlePrecisionWeightsStayNearTheClosedForm(@ForAll @IntRange(min = 5, max = 40) int users,
      @ForAll @IntRange(min = 2, max = 90) int items, @ForAll @DoubleRange(min = 5, max = 250) double lambda,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Ease.Model model = new Ease(new EaseParams(lambda, 1000, 2, true)).fit(in, Progress.NONE);
    double[][] b = directB(in, lambda);
    for (int j = 0; j < items; j++) {
      assertThat(model.weight(j, j)).isZero();
      for (int i = 0; i < items; i++) {
        assertThat((double) model.weight(j, i)).isCloseTo(b[j][i], within(1e-4 + 1e-3 * Math.abs(b[j][i])));
      }
    }
    assertThat(new EaseParams(lambda, 1000, 2, true).toMap()).containsEntry("precision", "float");
    assertThat(new EaseParams(lambda, 1000, 2).toMap()).doesNotContainKey("precision");
  }

  /** Fits with the inverse in Java ({@link SpdInverse}) when asked, else in LAPACK where it is installed. */
  static Ease.Model fit(Ease ease, Interactions in, boolean java) {
    String was = System.getProperty("larder.ease.lapack");
    if (java) System.setProperty("larder.ease.lapack", "java");
    try {
      return ease.fit(in, Progress.NONE);
    } finally {
      if (was == null) System.clearProperty("larder.ease.lapack");
      else System.setProperty("larder.ease.lapack", was);
    }
  }

  /**
   * Planted structure past the inverse's column tile (512 items): 600 items in 30 bundles of 20, each user
   * taking part of one bundle plus a little noise. The top 10 of every user are the ones the closed form
   * computed by Gauss-Jordan gives, and they come from the user's own bundle.
   */
  @Test
  void plantedBundlesGiveTheListsOfTheDirectClosedFormInJava() {
    plantedBundlesGiveTheListsOfTheDirectClosedForm(true);
  }

  /**
   * The same through LAPACK where a native one is installed (through Java elsewhere); under CI, which installs one
   * (.ci/run), a missing native LAPACK fails rather than testing the Java path twice.
   */
  @Test
  void plantedBundlesGiveTheListsOfTheDirectClosedFormInLapack() {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(LapackInverse.available(600)).as("native LAPACK loads (CI installs libopenblas0-pthread)").isTrue();
    }
    plantedBundlesGiveTheListsOfTheDirectClosedForm(false);
  }

  void plantedBundlesGiveTheListsOfTheDirectClosedForm(boolean java) {
    int items = 600;
    int users = 900;
    java.util.Random rnd = new java.util.Random(11);
    float[][] d = new float[users][items];
    for (int u = 0; u < users; u++) {
      int bundle = u % 30;
      for (int k = 0; k < 20; k++) if (rnd.nextDouble() < 0.4) d[u][bundle * 20 + k] = 1;
      for (int k = 0; k < 3; k++) d[u][rnd.nextInt(items)] = 1;
    }
    Interactions in = RandomInteractions.fromDense(d, items);
    Ease.Model model = fit(new Ease(new EaseParams(50, 1000, 2)), in, java);
    double[][] b = directB(in, 50);
    float[] out = new float[items];
    int fromBundle = 0;
    for (int user = 0; user < users; user++) {
      int u = user;
      model.newUserScorer().score(new int[] {u}, 1, out);
      double[] direct = new double[items];
      for (int j = 0; j < items; j++) if (d[u][j] != 0) for (int i = 0; i < items; i++) direct[i] += b[j][i];
      int[] mine = top(items, 10, i -> d[u][i] != 0 ? Double.NEGATIVE_INFINITY : out[i]);
      int[] theirs = top(items, 10, i -> d[u][i] != 0 ? Double.NEGATIVE_INFINITY : direct[i]);
      assertThat(mine).as("user %d", u).containsExactly(theirs);
      for (int i : mine) if (i / 20 == u % 30) fromBundle++;
    }
    assertThat(fromBundle).isGreaterThan(users * 10 * 6 / 10);
  }

  /** The k best indices by score, best first (ties by the lower index). */
  static int[] top(int n, int k, java.util.function.IntToDoubleFunction score) {
    return java.util.stream.IntStream.range(0, n).boxed()
        .sorted((x, y) -> x.equals(y) ? 0 : Double.compare(score.applyAsDouble(y), score.applyAsDouble(x)) != 0
            ? Double.compare(score.applyAsDouble(y), score.applyAsDouble(x)) : Integer.compare(x, y))
        .limit(k).mapToInt(Integer::intValue).toArray();
  }

  /**
   * Before its large allocations the fit says what it expects, then reports the Gram rows and inverse columns (item
   * space, with more users than items; {@link EasePathTest} checks user space).
   */
  @Test
  void fitAnnouncesItsCostAndReportsProgress() {
    Interactions in = RandomInteractions.of(400, 300, 0.1, 5);
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    new Ease(new EaseParams(10, 1000, 2)).fit(in, new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        assertThat(done).isBetween(0L, total);
        seen.add(phase + " " + done + "/" + total + " " + unit);
      }

      @Override public void note(String phase, String message) {
        seen.add(phase + ": " + message);
      }
    });
    assertThat(seen.get(0)).startsWith("ease: expected for 300 items: about").contains("GB of memory")
        .contains("Gram").contains("inverse");
    assertThat(seen).contains("ease gram 300/300 items");
    String last = LapackInverse.available(300) ? "ease inv 1/1 Gflop" : "ease inv 300/300 columns";
    assertThat(seen).contains(last);
    assertThat(seen.indexOf("ease gram 300/300 items")).isLessThan(seen.indexOf(last));
  }

  /** A catalogue whose fit would not fit the heap is refused with the settings that would let it run. */
  @Test
  void refusesWhatWouldNotFitTheHeap() {
    assertThatThrownBy(() -> Ease.requireFits(20_000, 2L << 30))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.getMessage()).contains("20000 items").contains("4.8 GB").contains("2.1 GB");
          assertThat(e.hint()).contains("LARDER_JAVA_OPTS=-Xmx6g").contains("ease.max_items").contains("als");
        });
    Ease.requireFits(20_000, 5L << 30);
    assertThatThrownBy(() -> Ease.requireFits(20_000, 4L << 30)).isInstanceOf(ModelException.class);
    Ease.requireFits(20_000, Long.MAX_VALUE);
  }

  /** The estimate counts the Gram's pairs exactly and scales the inverse with the cube of the catalogue. */
  @Test
  void costGrowsWithTheCubeOfTheCatalogue() {
    SparseMatrix x = new SparseMatrix(2, 1000, new int[] {0, 3, 4}, new int[] {1, 5, 9, 2}, new float[] {1, 1, 1, 1});
    EaseCost small = EaseCost.itemSpace(x, 2, false);
    assertThat(small.gramPairs()).isEqualTo(6 + 1);
    assertThat(small.bytes()).isEqualTo(12_000_000L);
    SparseMatrix big = new SparseMatrix(2, 2000, new int[] {0, 3, 4}, new int[] {1, 5, 9, 2}, new float[] {1, 1, 1, 1});
    assertThat(EaseCost.itemSpace(big, 2, false).inverseSeconds()).isCloseTo(8 * small.inverseSeconds(), within(1e-9));
    assertThat(EaseCost.itemSpace(big, 2, true).describe(1L << 30)).contains("native LAPACK");
    assertThat(EaseCost.itemSpace(big, 2, false).describe(1L << 30)).contains("in Java");
    assertThat(EaseCost.duration(0.2)).isEqualTo("under 1 s");
    assertThat(EaseCost.duration(90)).isEqualTo("90 s");
    assertThat(EaseCost.duration(600)).isEqualTo("10 min");
  }

  @Test
  void parametersAreValidatedByName() {
    assertThatThrownBy(() -> EaseParams.defaults().withLambda(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ease.lambda");
    assertThatThrownBy(() -> EaseParams.defaults().withMaxItems(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ease.max_items");
    assertThatThrownBy(() -> EaseParams.defaults().withThreads(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ease.threads");
    assertThat(new Ease().name()).isEqualTo("ease");
    assertThat(EaseParams.singlePrecision("float")).isTrue();
    assertThat(EaseParams.singlePrecision("double")).isFalse();
    assertThatThrownBy(() -> EaseParams.singlePrecision("half"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ease.precision");
  }
}
