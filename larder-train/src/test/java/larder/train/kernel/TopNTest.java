package larder.train.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TopNTest {

  @Property(tries = 300)
  void equalsSortThenTake(@ForAll @Size(max = 60) int[] rawScores, @ForAll @IntRange(min = 0, max = 70) int n,
      @ForAll @IntRange(min = 1, max = 8) int distinct) {
    // Few distinct values force many ties; ids are shuffled so ties are not offered in id order.
    int size = rawScores.length;
    float[] scores = new float[size];
    for (int i = 0; i < size; i++) scores[i] = Math.floorMod(rawScores[i], distinct) - distinct / 2f;
    int[] ids = IntStream.range(0, size).map(i -> (i * 7919 + 13) % 1009 + 1009 * (i % 3)).toArray();

    TopN top = new TopN(3);
    top.offer(999_999, 1e30f); // leftover from an earlier use must vanish on reset
    top.reset(n);
    for (int i = 0; i < size; i++) top.offer(ids[i], scores[i]);
    int[] items = new int[n];
    float[] got = new float[n];
    int count = top.drainSorted(items, got);

    Integer[] order = IntStream.range(0, size).boxed().sorted(Comparator
        .<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> ids[i])).toArray(Integer[]::new);
    int expected = Math.min(n, size);
    assertThat(count).isEqualTo(expected);
    for (int r = 0; r < expected; r++) {
      assertThat(items[r]).isEqualTo(ids[order[r]]);
      assertThat(got[r]).isEqualTo(scores[order[r]]);
    }
    assertThat(top.size()).isZero();
  }

  @Property(tries = 400)
  void offerAllInTilesEqualsSortThenTake(@ForAll @Size(max = 300) int[] rawScores,
      @ForAll @IntRange(min = 0, max = 320) int n, @ForAll @IntRange(min = 1, max = 8) int distinct,
      @ForAll @IntRange(min = 1, max = 70) int tile, @ForAll @IntRange(min = 0, max = 50) int pad,
      @ForAll @IntRange(min = 0, max = 40) int offeredFirst) {
    // Few distinct values force ties with the worst kept score; NaN and infinities appear too.
    int size = rawScores.length;
    float[] scores = new float[size];
    for (int i = 0; i < size; i++) {
      int v = Math.floorMod(rawScores[i], distinct + 3);
      scores[i] = v == distinct ? Float.NaN : v == distinct + 1 ? Float.NEGATIVE_INFINITY
          : v == distinct + 2 ? Float.POSITIVE_INFINITY : v - distinct / 2f;
    }
    // The array carries the scores at an offset, surrounded by values that must never be read.
    float[] padded = new float[size + 2 * pad];
    Arrays.fill(padded, 1e30f);
    System.arraycopy(scores, 0, padded, pad, size);

    TopN top = new TopN(2);
    top.offer(999_999, 1e30f); // leftover from an earlier use must vanish on reset
    top.reset(n);
    // The last items go first through offer(), so offerAll also meets ties whose ids are higher than its own.
    int head = Math.max(0, size - offeredFirst);
    for (int i = head; i < size; i++) top.offer(i, scores[i]);
    for (int from = 0; from < head; from += tile) {
      int to = Math.min(head, from + tile);
      top.offerAll(padded, pad + from, pad + to, from);
    }
    int[] items = new int[n];
    float[] got = new float[n];
    int count = top.drainSorted(items, got);

    int[] order = IntStream.range(0, size).filter(i -> !Float.isNaN(scores[i])).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
        .limit(n).mapToInt(Integer::intValue).toArray();
    assertThat(Arrays.copyOf(items, count)).containsExactly(order);
    for (int r = 0; r < count; r++) assertThat(got[r]).isEqualTo(scores[order[r]]);
  }

  @Property(tries = 300)
  void offerEachOfListedItemsEqualsSortThenTakeOfThoseItems(@ForAll @Size(max = 200) int[] rawScores,
      @ForAll @IntRange(min = 0, max = 60) int n, @ForAll @IntRange(min = 1, max = 6) int distinct,
      @ForAll @IntRange(min = 1, max = 50) int tile, @ForAll @IntRange(min = 0, max = 30) int offset,
      @ForAll long seed) {
    int size = rawScores.length;
    float[] scores = new float[offset + size];
    Arrays.fill(scores, 1e30f); // before the offset: never read
    for (int i = 0; i < size; i++) {
      int v = Math.floorMod(rawScores[i], distinct + 1);
      scores[offset + i] = v == distinct ? Float.NaN : v - distinct / 2f;
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int[] listed = IntStream.range(0, size).filter(i -> r.nextInt(3) > 0).toArray();

    TopN top = new TopN(n);
    // listed items come in several calls, as tiles do
    for (int from = 0; from < listed.length; from += tile) top.offerEach(scores, offset, listed, from,
        Math.min(listed.length, from + tile));
    int[] items = new int[n];
    float[] got = new float[n];
    int count = top.drainSorted(items, got);

    int[] order = Arrays.stream(listed).filter(i -> !Float.isNaN(scores[offset + i])).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -scores[offset + i]).thenComparingInt(i -> i))
        .limit(n).mapToInt(Integer::intValue).toArray();
    assertThat(Arrays.copyOf(items, count)).containsExactly(order);
    for (int k = 0; k < count; k++) assertThat(got[k]).isEqualTo(scores[offset + order[k]]);
  }

  @Test
  void offerAllWithNothingToKeepOrNothingOffered() {
    TopN none = new TopN(0);
    none.offerAll(new float[] {3f, 1f}, 0, 2, 0);
    assertThat(none.size()).isZero();
    TopN some = new TopN(3);
    some.offerAll(new float[] {Float.NaN, Float.NaN, 2f}, 0, 2, 0);
    assertThat(some.size()).isZero();
    some.offerAll(new float[] {Float.NaN, Float.NaN, 2f}, 1, 3, 7);
    int[] items = new int[3];
    assertThat(some.drainSorted(items, new float[3])).isEqualTo(1);
    assertThat(items[0]).isEqualTo(8);
  }

  @Test
  void nZeroKeepsNothing() {
    TopN top = new TopN(0);
    assertThat(top.offer(1, 5f)).isFalse();
    assertThat(top.drainSorted(new int[0], new float[0])).isZero();
  }

  @Test
  void nOneKeepsTheBestAndTheLowerIdOnTies() {
    TopN top = new TopN(1);
    top.offer(5, 2f);
    top.offer(3, 2f);
    top.offer(9, 2f);
    top.offer(1, 1f);
    int[] items = new int[1];
    float[] scores = new float[1];
    assertThat(top.drainSorted(items, scores)).isEqualTo(1);
    assertThat(items[0]).isEqualTo(3);
    assertThat(scores[0]).isEqualTo(2f);
  }

  @Test
  void nanIsNeverKept() {
    TopN top = new TopN(2);
    assertThat(top.offer(0, Float.NaN)).isFalse();
    top.offer(1, -1f);
    top.offer(2, -2f);
    assertThat(top.offer(3, Float.NaN)).isFalse();
    int[] items = new int[2];
    float[] scores = new float[2];
    assertThat(top.drainSorted(items, scores)).isEqualTo(2);
    assertThat(items).containsExactly(1, 2);
    assertThat(Arrays.asList(scores[0], scores[1])).doesNotContain(Float.NaN);
  }
}
