package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.TileScorer;
import larder.train.kernel.VectorSupport;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.assertj.core.data.Offset;

class AlsModelTest {

  static AlsModel random(int users, int items, int f, long seed) {
    Random r = new Random(seed);
    float[] x = new float[users * f];
    float[] y = new float[items * f];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10) == 0 ? 0f : (float) r.nextGaussian();
    return AlsModel.of(users, items, f, x, y);
  }

  @Property(tries = 80)
  void blockedKernelsEqualNaiveScorer(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 2600) int items, @ForAll @IntRange(min = 1, max = 20) int f,
      @ForAll long seed) {
    // Item counts span several tiles and ragged tails; counts not a multiple of the 4-user kernel.
    AlsModel m = random(users, items, f, seed);
    Random r = new Random(seed ^ 1);
    int count = 1 + r.nextInt(users);
    int[] us = r.ints(count, 0, users).toArray();
    float[] slow = new float[count * items];
    m.naiveScorer().score(us, count, slow);
    // Both kernels: the Vector API one the build's JVMs run, and the plain-Java fallback.
    for (UserScorer blocked : List.of(m.newUserScorer(), m.scalarScorer())) {
      checkAgainstNaive(m, blocked, us, count, items, f, slow);
    }
  }

  private static void checkAgainstNaive(AlsModel m, UserScorer blocked, int[] us, int count, int items, int f,
      float[] slow) {
    float[] fast = new float[count * items];
    java.util.Arrays.fill(fast, Float.NaN); // every cell must be written
    blocked.score(us, count, fast);
    for (int j = 0; j < count; j++) {
      float[] xu = m.userVector(us[j]);
      for (int i = 0; i < items; i++) {
        float[] yi = m.itemVector(i);
        double bound = 0;
        for (int k = 0; k < f; k++) bound += Math.abs(xu[k] * yi[k]);
        assertThat(fast[j * items + i]).isCloseTo(slow[j * items + i], Offset.offset((float) (1e-5 * (1 + bound))));
      }
    }
    // Reused scratch must not leak between calls: score one user again.
    float[] again = new float[items];
    blocked.score(new int[] {us[0]}, 1, again);
    for (int i = 0; i < items; i++) assertThat(again[i]).isEqualTo(fast[i]);
  }

  @Property(tries = 30)
  void tilesCoverEveryItemOnceInOrderWithTheBlockScores(@ForAll @IntRange(min = 1, max = 11) int users,
      @ForAll @IntRange(min = 0, max = 1400) int items, @ForAll @IntRange(min = 1, max = 9) int f,
      @ForAll long seed) {
    AlsModel m = random(users, items, f, seed);
    int[] us = new Random(seed).ints(users, 0, users).toArray();
    float[] block = new float[users * items];
    m.newUserScorer().score(us, users, block);
    int[] next = new int[users];
    ((TileScorer) m.newUserScorer()).scoreTiles(us, users, (slot, scores, from, to) -> {
      assertThat(from).isEqualTo(next[slot]);
      assertThat(to).isGreaterThan(from).isLessThanOrEqualTo(items);
      for (int i = from; i < to; i++) assertThat(scores[i]).isEqualTo(block[slot * items + i]);
      next[slot] = to;
    });
    assertThat(next).containsOnly(items);
  }

  /** Small integer factors: every dot product is exact in float whatever the order, and ties abound. */
  static AlsModel integral(int users, int items, int f, Random r) {
    float[] x = new float[users * f];
    float[] y = new float[items * f];
    for (int i = 0; i < x.length; i++) x[i] = r.nextInt(5) - 2;
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(3) - 1;
    return AlsModel.of(users, items, f, x, y);
  }

  @Property(tries = 40)
  void fusedTopNEqualsSortThenTakeOverTheNaiveScores(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 1300) int items, @ForAll @IntRange(min = 1, max = 12) int f,
      @ForAll @IntRange(min = 0, max = 40) int n, @ForAll long seed) {
    Random r = new Random(seed);
    AlsModel m = integral(users, items, f, r);
    // Seen items: none for some users, most of the catalogue for others, so n can exceed what is left.
    int[] ptr = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      int share = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(20);
      for (int i = 0; i < items; i++) if (r.nextInt(share + 1) > 0 && r.nextInt(20) < share) cols.add(i);
      ptr[u + 1] = cols.size();
    }
    float[] ones = new float[cols.size()];
    Arrays.fill(ones, 1f);
    SparseMatrix seen = new SparseMatrix(users, items, ptr, cols.stream().mapToInt(Integer::intValue).toArray(), ones);
    BitSet allowed = null;
    if (r.nextBoolean()) {
      // A deny list (mostly allowed) or a small catalogue (mostly not): the two ways selection applies it.
      int percent = r.nextBoolean() ? 75 : 10;
      allowed = new BitSet();
      for (int i = 0; i < items; i++) if (r.nextInt(100) < percent) allowed.set(i);
    }
    int[] all = IntStream.range(0, users).toArray();
    float[] naive = new float[users * items];
    m.naiveScorer().score(all, users, naive);

    // The Vector API kernel (which skips chunks below each user's floor) and the plain-Java one alike.
    for (TrainedModel model : List.of(m, scalar(m))) {
      checkTopN(model, seen, n, allowed, naive, users, items);
    }
  }

  /** The model with its plain-Java kernel, whatever the JVM allows. */
  private static TrainedModel scalar(AlsModel m) {
    return new TrainedModel() {
      @Override public int userCount() { return m.userCount(); }
      @Override public int itemCount() { return m.itemCount(); }
      @Override public int preferredBlock() { return m.preferredBlock(); }
      @Override public UserScorer newUserScorer() { return m.scalarScorer(); }
    };
  }

  private static void checkTopN(TrainedModel m, SparseMatrix seen, int n, BitSet allowed, float[] naive, int users,
      int items) {
    Map<Integer, int[]> got = new ConcurrentHashMap<>();
    TopNScoring.scoreUsers(m, seen, null, n, allowed, 2, (user, its, scores, count) -> {
      for (int k = 0; k < count; k++) assertThat(scores[k]).isEqualTo(naive[user * items + its[k]]);
      assertThat(got.put(user, Arrays.copyOf(its, count))).isNull();
    }, Progress.NONE);
    for (int u = 0; u < users; u++) {
      int user = u;
      BitSet ok = allowed;
      int[] want = IntStream.range(0, items).filter(i -> !seen.contains(user, i) && (ok == null || ok.get(i))).boxed()
          .sorted(Comparator.<Integer>comparingDouble(i -> -naive[user * items + i]).thenComparingInt(i -> i))
          .limit(n).mapToInt(Integer::intValue).toArray();
      assertThat(got.getOrDefault(u, new int[0])).as("user %d", u).containsExactly(want);
    }
  }

  @Test
  void theBuildsJvmsScoreWithTheVectorKernel() {
    // The launcher and the test JVMs resolve jdk.incubator.vector; on this CPU (AVX2+, FMA) it must be used.
    assertThat(VectorSupport.available()).isTrue();
    assertThat(random(3, 50, 4, 1).newUserScorer()).isInstanceOf(VectorScorer.class);
  }

  @Test
  void theKernelPropertyForcesTheFallbackAndRejectsUnknownValues() {
    String before = System.getProperty(VectorSupport.PROPERTY);
    try {
      System.setProperty(VectorSupport.PROPERTY, "scalar");
      assertThat(random(3, 50, 4, 1).newUserScorer()).isNotInstanceOf(VectorScorer.class);
      System.setProperty(VectorSupport.PROPERTY, "Vector ");
      assertThat(random(3, 50, 4, 1).newUserScorer()).isInstanceOf(VectorScorer.class);
      System.setProperty(VectorSupport.PROPERTY, "fast");
      assertThatThrownBy(VectorSupport::enabled).isInstanceOf(larder.core.ConfigException.class)
          .hasMessageContaining("larder.kernel").hasMessageContaining("fast")
          .hasMessageContaining("auto, vector or scalar");
    } finally {
      if (before == null) System.clearProperty(VectorSupport.PROPERTY);
      else System.setProperty(VectorSupport.PROPERTY, before);
    }
  }

  @Property(tries = 40)
  void itemScorerIsCosineOfItemFactors(@ForAll @IntRange(min = 1, max = 60) int items,
      @ForAll @IntRange(min = 1, max = 12) int f, @ForAll long seed) {
    AlsModel m = random(2, items, f, seed);
    ItemScorer s = m.newItemScorer();
    float[] out = new float[items];
    int item = (int) Math.floorMod(seed, (long) items);
    s.score(item, out);
    float[] a = m.itemVector(item);
    for (int i = 0; i < items; i++) {
      float[] b = m.itemVector(i);
      double dot = 0, na = 0, nb = 0;
      for (int k = 0; k < f; k++) {
        dot += a[k] * b[k];
        na += a[k] * a[k];
        nb += b[k] * b[k];
      }
      double cos = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      assertThat((double) out[i]).isCloseTo(cos, Offset.offset(1e-5));
    }
    if (java.util.stream.IntStream.range(0, f).anyMatch(k -> a[k] != 0)) {
      assertThat((double) out[item]).isCloseTo(1.0, Offset.offset(1e-5));
    }
  }
}
