package larder.train.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class TopSelectTest {
  // Selection keeps what the heap keeps, in its order and with the same score bits: ties (few distinct values),
  // negative scores, -0 beside +0 and extreme values included, any k.
  @Property(tries = 400)
  void selectsWhatTheHeapKeeps(@ForAll @IntRange(min = 0, max = 300) int size,
      @ForAll @IntRange(min = 0, max = 320) int k, @ForAll @IntRange(min = 1, max = 12) int distinct,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    float[] pool = {0f, -0f, 1f, -1f, 0.5f, 3e38f, -3e38f, Float.MIN_VALUE, -Float.MIN_VALUE, 2.5f, 1e-20f, 7f};
    long[] keys = new long[size];
    TopN top = new TopN(k);
    for (int x = 0; x < size; x++) {
      int item = rnd.nextInt(1 << 30); // distinct enough; a repeat is fine for both
      float score = distinct < pool.length ? pool[rnd.nextInt(distinct)] : rnd.nextFloat() * 2 - 1;
      keys[x] = TopSelect.key(item, score);
      assertThat(TopSelect.item(keys[x])).isEqualTo(item);
      assertThat(TopSelect.score(keys[x])).isEqualTo(score == 0f ? 0f : score);
      top.offer(item, score);
    }
    int[] heapItems = new int[k];
    float[] heapScores = new float[k];
    int expected = top.drainSorted(heapItems, heapScores);
    int[] items = new int[k];
    float[] scores = new float[k];
    assertThat(TopSelect.select(keys, size, k, items, scores)).isEqualTo(expected);
    for (int r = 0; r < expected; r++) {
      assertThat(items[r]).as("rank %d", r).isEqualTo(heapItems[r]);
      assertThat(scores[r] == heapScores[r]).as("rank %d: %s against %s", r, scores[r], heapScores[r]).isTrue();
    }
  }
}
