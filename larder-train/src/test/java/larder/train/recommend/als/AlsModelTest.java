package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.UserScorer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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
  void blockedKernelEqualsNaiveScorer(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 2600) int items, @ForAll @IntRange(min = 1, max = 20) int f,
      @ForAll long seed) {
    // Item counts span several tiles and ragged tails; counts not a multiple of the 4-user kernel.
    AlsModel m = random(users, items, f, seed);
    Random r = new Random(seed ^ 1);
    int count = 1 + r.nextInt(users);
    int[] us = r.ints(count, 0, users).toArray();
    float[] fast = new float[count * items];
    float[] slow = new float[count * items];
    java.util.Arrays.fill(fast, Float.NaN); // every cell must be written
    UserScorer blocked = m.newUserScorer();
    blocked.score(us, count, fast);
    m.naiveScorer().score(us, count, slow);
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
