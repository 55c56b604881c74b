package larder.train.recommend.ease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.TrainedModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** EASE in user space and the λ path against the item-space inverse ({@link Ease#fit} as it was). */
class EasePathTest {
  static final double[] LAMBDAS = {0.5, 5, 50, 500};

  /** Runs {@code body} with the system properties {@code larder.ease.space} and {@code larder.ease.lapack} set. */
  static <T> T with(String space, boolean java, Supplier<T> body) {
    String wasSpace = System.getProperty("larder.ease.space");
    String wasLapack = System.getProperty("larder.ease.lapack");
    if (space != null) System.setProperty("larder.ease.space", space);
    if (java) System.setProperty("larder.ease.lapack", "java");
    try {
      return body.get();
    } finally {
      restore("larder.ease.space", wasSpace);
      restore("larder.ease.lapack", wasLapack);
    }
  }

  private static void restore(String key, String was) {
    if (was == null) System.clearProperty(key);
    else System.setProperty(key, was);
  }

  /** The item-space fit: Gram matrix, n×n inverse (LAPACK, or Java when {@code java}), B rounded to float. */
  static Ease.Model inverseFit(Interactions in, double lambda, int threads, boolean java) {
    return with("items", java, () -> new Ease(new EaseParams(lambda, 10_000, threads)).fit(in, Progress.NONE));
  }

  static Ease.Model userSpaceFit(Interactions in, double lambda, int threads, boolean java) {
    return with("users", java, () -> new Ease(new EaseParams(lambda, 10_000, threads)).fit(in, Progress.NONE));
  }

  /** Every user's scores, row after row. */
  static float[] scores(TrainedModel model) {
    int m = model.userCount();
    int n = model.itemCount();
    float[] out = new float[m * n];
    int block = 7; // blocks that do not divide the users evenly
    int[] users = new int[block];
    float[] part = new float[block * n];
    var scorer = model.newUserScorer();
    for (int u0 = 0; u0 < m; u0 += block) {
      int count = Math.min(block, m - u0);
      for (int c = 0; c < count; c++) users[c] = u0 + c;
      scorer.score(users, count, part);
      System.arraycopy(part, 0, out, u0 * n, count * n);
    }
    return out;
  }

  /** x_u B summed in double from the float B that {@link Ease.Model} stores. */
  static double[] referenceScores(Ease.Model model) {
    SparseMatrix x = model.history();
    int m = x.rows();
    int n = model.itemCount();
    double[] out = new double[m * n];
    for (int u = 0; u < m; u++) {
      for (int p = x.rowStart(u); p < x.rowEnd(u); p++) {
        int j = x.cols()[p];
        for (int i = 0; i < n; i++) out[u * n + i] += model.weight(j, i);
      }
    }
    return out;
  }

  /** max over entries of |a − b| / max|b|, per row of {@code n}: the error relative to the row's scale. */
  static double rowRelativeError(float[] a, double[] b, int n) {
    double worst = 0;
    for (int r = 0; r * n < b.length; r++) {
      double scale = 0;
      for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(b[r * n + i]));
      if (scale == 0) scale = 1;
      for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[r * n + i] - b[r * n + i]) / scale);
    }
    return worst;
  }

  /**
   * The λ path equals separate fits: random binary data with more users than items (the path refits in item space)
   * and fewer (user space), at four λ over three decades. Scores within 1e-6 of each user's largest score, and every
   * user's top 10 of unseen items the same list, except where two items' reference scores tie.
   */
  @Test
  void lambdaPathScoresEqualSeparateFits() {
    for (int[] shape : new int[][] {{200, 50}, {50, 200}}) {
      Interactions in = RandomInteractions.of(shape[0], shape[1], 0.15, 31 + shape[0]);
      EasePath path = EasePath.prepare(in, new EaseParams(1, 10_000, 2));
      assertThat(path.userSpace()).isEqualTo(shape[0] < shape[1]);
      for (double lambda : LAMBDAS) {
        Ease.Model fit = inverseFit(in, lambda, 2, false);
        double[] expected = referenceScores(fit);
        float[] got = scores(path.at(lambda));
        assertThat(rowRelativeError(got, expected, shape[1])).as("%s at λ %s", shape[0] + "×" + shape[1], lambda)
            .isLessThan(1e-6);
        sameTopTen(in.byUser(), got, expected, shape[1], 1e-6);
      }
    }
  }

  /** Top 10 unseen items by {@code got} and by {@code expected}: where they differ, the expected scores tie. */
  static void sameTopTen(SparseMatrix x, float[] got, double[] expected, int n, double tolerance) {
    int ties = 0;
    for (int u = 0; u < x.rows(); u++) {
      int user = u;
      int[] mine = EaseTest.top(n, 10, i -> x.contains(user, i) ? Double.NEGATIVE_INFINITY : got[user * n + i]);
      int[] theirs = EaseTest.top(n, 10, i -> x.contains(user, i) ? Double.NEGATIVE_INFINITY : expected[user * n + i]);
      double scale = 0;
      for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(expected[u * n + i]));
      for (int k = 0; k < mine.length; k++) {
        if (mine[k] == theirs[k]) continue;
        ties++;
        assertThat(expected[u * n + mine[k]]).as("user %d, rank %d", u, k)
            .isCloseTo(expected[u * n + theirs[k]], org.assertj.core.data.Offset.offset(tolerance * scale));
      }
    }
    assertThat(ties).as("ranks that differ, all at ties").isLessThan(x.rows() * 10 / 20 + 1);
  }

  /** The user-space fit gives the item-space inverse's B, entry by entry, after both are rounded to float. */
  @Property(tries = 20)
  void userSpaceFitEqualsTheInverse(@ForAll @IntRange(min = 1, max = 60) int users,
      @ForAll @IntRange(min = 2, max = 150) int items, @ForAll @DoubleRange(min = 0.5, max = 500) double lambda,
      @ForAll boolean java, @ForAll long seed) {
    if (users >= items) users = items - 1;
    Interactions in = RandomInteractions.of(users, items, 0.2, seed);
    Ease.Model inverse = inverseFit(in, lambda, 2, java);
    Ease.Model user = userSpaceFit(in, lambda, 2, java);
    assertSameWeights(user, inverse, 1e-6);
  }

  /** |a − b| <= tolerance·(|b| + max|B|·1e-3) for every entry: relative, with a floor for entries near zero. */
  static void assertSameWeights(Ease.Model a, Ease.Model b, double tolerance) {
    int n = b.itemCount();
    double max = 0;
    for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) max = Math.max(max, Math.abs(b.weight(j, i)));
    for (int j = 0; j < n; j++) {
      assertThat(a.weight(j, j)).isZero();
      for (int i = 0; i < n; i++) {
        double want = b.weight(j, i);
        assertThat((double) a.weight(j, i)).as("B[%d][%d]", j, i)
            .isCloseTo(want, org.assertj.core.data.Offset.offset(tolerance * (Math.abs(want) + 1e-3 * max)));
      }
    }
  }

  /** Ease.fit takes user space by itself when users are fewer, and B stays the inverse's. */
  @Test
  void fitChoosesUserSpaceWhenUsersAreFewer() {
    Interactions in = RandomInteractions.of(40, 1500, 0.03, 3);
    SparseMatrix x = in.byUser().mapValues(v -> 1f);
    assertThat(Ease.cost(x, new EaseParams(10, 10_000, 2)).userSpace()).isTrue();
    Interactions tall = RandomInteractions.of(300, 40, 0.1, 3);
    assertThat(Ease.cost(tall.byUser().mapValues(v -> 1f), new EaseParams(10, 10_000, 2)).userSpace()).isFalse();
    Ease.Model chosen = new Ease(new EaseParams(10, 10_000, 2)).fit(in, Progress.NONE);
    assertSameWeights(chosen, inverseFit(in, 10, 2, false), 1e-6);
  }

  /** Threads split users and items among themselves; every sum runs in the same order, so the bits agree. */
  @Test
  void threadCountDoesNotChangeTheResult() {
    Interactions in = RandomInteractions.of(150, 700, 0.05, 17);
    for (boolean java : new boolean[] {false, true}) {
      Ease.Model one = userSpaceFit(in, 20, 1, java);
      for (int threads : new int[] {2, 3, 8}) {
        Ease.Model many = userSpaceFit(in, 20, threads, java);
        assertThat(many.weights()).as("%d threads, java %s", threads, java).isDeepEqualTo(one.weights());
      }
      float[] path1 = with(null, java, () -> scores(EasePath.prepare(in, new EaseParams(1, 1000, 1)).at(20)));
      float[] path3 = with(null, java, () -> scores(EasePath.prepare(in, new EaseParams(1, 1000, 3)).at(20)));
      assertThat(path3).isEqualTo(path1);
    }
  }

  /**
   * The m×m inverse in Java ({@link SpdInverse}) gives what LAPACK gives, for the fit and for the path; under CI,
   * which installs a native LAPACK, a missing one fails rather than comparing Java with itself.
   */
  @Test
  void javaFallbackEqualsNative() {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(LapackInverse.available(100)).as("native LAPACK loads (CI installs libopenblas0-pthread)").isTrue();
    }
    Interactions in = RandomInteractions.of(100, 400, 0.08, 23);
    for (double lambda : LAMBDAS) {
      assertSameWeights(userSpaceFit(in, lambda, 2, true), userSpaceFit(in, lambda, 2, false), 1e-6);
      float[] java = with(null, true, () -> scores(EasePath.prepare(in, new EaseParams(1, 1000, 2)).at(lambda)));
      Ease.Model fit = inverseFit(in, lambda, 2, false);
      assertThat(rowRelativeError(java, referenceScores(fit), 400)).isLessThan(1e-6);
    }
  }

  /** {@link EasePath#fit} is the fit itself, from the prepared work. */
  @Test
  void pathFitIsTheFit() {
    Interactions in = RandomInteractions.of(30, 90, 0.2, 5);
    EasePath path = EasePath.prepare(in, new EaseParams(1, 1000, 2));
    for (double lambda : LAMBDAS) {
      assertSameWeights(path.fit(lambda, Progress.NONE), inverseFit(in, lambda, 2, false), 1e-6);
    }
  }

  /**
   * Planted structure in user space: 300 users over 600 items in 30 bundles of 20. At every λ the path's top 10
   * are mostly from each user's own bundle, as the fit's are.
   */
  @Test
  void plantedBundlesComeFirstAlongThePath() {
    int items = 600;
    int users = 300;
    java.util.Random rnd = new java.util.Random(5);
    float[][] d = new float[users][items];
    for (int u = 0; u < users; u++) {
      int bundle = u % 30;
      for (int k = 0; k < 20; k++) if (rnd.nextDouble() < 0.5) d[u][bundle * 20 + k] = 1;
      for (int k = 0; k < 3; k++) d[u][rnd.nextInt(items)] = 1;
    }
    Interactions in = RandomInteractions.fromDense(d, items);
    EasePath path = EasePath.prepare(in, new EaseParams(1, 1000, 2));
    assertThat(path.userSpace()).isTrue();
    for (double lambda : new double[] {1, 10, 100}) {
      float[] s = scores(path.at(lambda));
      int fromBundle = 0;
      for (int u = 0; u < users; u++) {
        int user = u;
        for (int i : EaseTest.top(items, 10, i -> d[user][i] != 0 ? Double.NEGATIVE_INFINITY : s[user * items + i])) {
          if (i / 20 == u % 30) fromBundle++;
        }
      }
      assertThat(fromBundle).as("λ %s", lambda).isGreaterThan(users * 10 * 6 / 10);
    }
  }

  /** The user-space cost: its memory, its choice, and the line announcing it with the progress after it. */
  @Test
  void userSpaceCostIsAnnouncedAndReported() {
    SparseMatrix x = new SparseMatrix(2, 1000, new int[] {0, 3, 4}, new int[] {1, 5, 9, 1}, new float[] {1, 1, 1, 1});
    EaseCost cost = EaseCost.userSpace(x, 2, false);
    assertThat(cost.gramPairs()).isEqualTo(3 + 1 + 1);
    assertThat(cost.bytes()).isEqualTo(4L * 1000 * 1000 + 8L * 2 * 1000 + 24L * 2 * 2);
    assertThat(EaseCost.of(x, 2, false).userSpace()).isTrue();
    assertThat(cost.single()).isSameAs(cost);

    // large enough that user space is clearly quicker (a few hundred items take under a millisecond either way)
    Interactions in = RandomInteractions.of(50, 2000, 0.02, 5);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    new Ease(new EaseParams(10, 10_000, 2)).fit(in, new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        assertThat(done).isBetween(0L, total);
        seen.add(phase + " " + done + "/" + total + " " + unit);
      }

      @Override public void note(String phase, String message) {
        seen.add(phase + ": " + message);
      }
    });
    assertThat(seen.get(0)).startsWith("ease: expected for 2,000 items, 50 users, in user space: about")
        .contains("inverse of 50 × 50");
    List<String> order = new ArrayList<>();
    for (String s : new String[] {"ease gram 2000/2000 items", "ease weights 2000/2000 items"}) {
      assertThat(seen).contains(s);
      order.add(s);
    }
    assertThat(seen.indexOf(order.get(0))).isLessThan(seen.indexOf(order.get(1)));
  }
}
