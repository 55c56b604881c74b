package larder.train.recommend.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import larder.core.ModelException;
import larder.core.SparseMatrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class UserHistoryTest {

  /** A random strictly ascending history: small and huge gaps, values of every kind or all 1. */
  static UserHistory.Decoded randomHistory(Random r, int size, int maxItem) {
    int[] items = r.ints(0, maxItem).distinct().limit(Math.min(size, maxItem)).sorted().toArray();
    if (r.nextInt(8) == 0 && items.length > 0) items[items.length - 1] = Integer.MAX_VALUE; // the largest id
    items = Arrays.stream(items).distinct().toArray();
    float[] values = new float[items.length];
    boolean ones = r.nextInt(3) == 0;
    for (int j = 0; j < values.length; j++) {
      int kind = r.nextInt(8);
      values[j] = ones ? 1f : kind == 0 ? -0f : kind == 1 ? -(1 + r.nextInt(5)) : kind == 2
          ? Float.intBitsToFloat(0x7fc0_1234) : kind == 3 ? Float.MIN_VALUE : (float) (r.nextDouble() * 1e6);
    }
    return new UserHistory.Decoded(items, values);
  }

  static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int j = 0; j < v.length; j++) b[j] = Float.floatToRawIntBits(v[j]);
    return b;
  }

  @Property(tries = 500)
  void roundTripIsExactBitForBit(@ForAll @IntRange(min = 0, max = 300) int size, @ForAll long seed) {
    Random r = new Random(seed);
    UserHistory.Decoded h = randomHistory(r, size, r.nextBoolean() ? 1000 : Integer.MAX_VALUE);
    byte[] bytes = UserHistory.encode(h.items(), h.values(), h.size());
    UserHistory.Decoded back = UserHistory.decode(bytes, "h");
    assertThat(back.items()).containsExactly(h.items());
    assertThat(bits(back.values())).containsExactly(bits(h.values()));
    // A matrix row encodes to the same bytes.
    SparseMatrix m = new SparseMatrix(3, Integer.MAX_VALUE, new int[] {0, 0, h.size(), h.size()}, h.items(),
        h.values());
    assertThat(UserHistory.encode(m, 1)).containsExactly(bytes);
    assertThat(UserHistory.decode(UserHistory.encode(m, 0), "h").size()).isZero();
  }

  @Test void binaryHistoriesOfNearbyItemsTakeAboutAByteAnItem() {
    int[] items = new int[1000];
    for (int j = 0; j < items.length; j++) items[j] = 5000 + 3 * j;
    float[] ones = new float[items.length];
    Arrays.fill(ones, 1f);
    assertThat(UserHistory.encode(items, ones, items.length)).hasSizeLessThan(1010);
    float[] counts = ones.clone();
    counts[7] = 2f;
    assertThat(UserHistory.encode(items, counts, items.length)).hasSizeLessThan(5010);
  }

  @Property(tries = 500)
  void mergeSumsEachItemsValuesInDoubleInTheOrderGiven(@ForAll @IntRange(min = 0, max = 60) int oldSize,
      @ForAll @IntRange(min = 0, max = 60) int newRows, @ForAll boolean newUser, @ForAll boolean binary,
      @ForAll long seed) {
    Random r = new Random(seed);
    int maxItem = 1 + r.nextInt(80);
    UserHistory.Decoded old = newUser ? null : randomHistory(r, oldSize, maxItem);
    if (old != null) { // sums of NaN payloads are not what this is about
      for (int j = 0; j < old.size(); j++) if (Float.isNaN(old.values()[j])) old.values()[j] = 3f;
    }
    int[] items = new int[newRows + 2];
    float[] values = new float[newRows + 2];
    for (int j = 0; j < newRows; j++) {
      items[j] = r.nextInt(maxItem); // repeats and items already in the history
      values[j] = r.nextInt(4) == 0 ? -(float) r.nextDouble() : (float) (r.nextDouble() * 100);
    }
    items[newRows] = -7; // past count: ignored
    byte[] oldBytes = old == null ? null : UserHistory.encode(old.items(), old.values(), old.size());
    UserHistory.Decoded merged = UserHistory.decode(UserHistory.merge(oldBytes, items, values, newRows, binary), "m");

    // The extract's aggregation, written out: per item, a double sum from 0 over its rows in order, the old value
    // first (from 0, as the extract's: -0 + nothing is +0 there too).
    Map<Integer, double[]> sums = new TreeMap<>();
    if (old != null) for (int j = 0; j < old.size(); j++) sums.put(old.items()[j], new double[] {0.0 + old.values()[j]});
    for (int j = 0; j < newRows; j++) sums.computeIfAbsent(items[j], k -> new double[1])[0] += values[j];
    int[] wantItems = sums.keySet().stream().mapToInt(Integer::intValue).toArray();
    float[] wantValues = new float[wantItems.length];
    int at = 0;
    for (double[] s : sums.values()) wantValues[at++] = binary ? 1f : (float) s[0];
    assertThat(merged.items()).containsExactly(wantItems);
    assertThat(bits(merged.values())).containsExactly(bits(wantValues));
  }

  @Test void mergeSumsInDoubleAndRoundsOnce() {
    // 2^24 + 1 + 1 in float is 2^24 (each +1 rounds away); the extract sums in double and gets 2^24 + 2.
    byte[] old = UserHistory.encode(new int[] {4}, new float[] {16_777_216f}, 1);
    UserHistory.Decoded m = UserHistory.decode(UserHistory.merge(old, new int[] {4, 4}, new float[] {1, 1}, 2, false), "m");
    assertThat(m.values()).containsExactly(16_777_218f);
  }

  @Property(tries = 200)
  void matrixHoldsTheHistoriesAsRowsInListOrder(@ForAll @IntRange(min = 0, max = 40) int users, @ForAll long seed) {
    Random r = new Random(seed);
    int items = 1 + r.nextInt(200);
    List<byte[]> list = new ArrayList<>();
    List<UserHistory.Decoded> want = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      UserHistory.Decoded h = r.nextInt(6) == 0 ? null : randomHistory(r, r.nextInt(30), items);
      if (h != null && h.size() > 0 && h.items()[h.size() - 1] >= items) h = new UserHistory.Decoded(new int[0],
          new float[0]);
      list.add(h == null ? null : UserHistory.encode(h.items(), h.values(), h.size()));
      want.add(h == null ? new UserHistory.Decoded(new int[0], new float[0]) : h);
    }
    SparseMatrix m = UserHistory.matrix(list, items);
    assertThat(m.rows()).isEqualTo(users);
    assertThat(m.columns()).isEqualTo(items);
    for (int u = 0; u < users; u++) {
      assertThat(Arrays.copyOfRange(m.cols(), m.rowStart(u), m.rowEnd(u))).containsExactly(want.get(u).items());
      assertThat(bits(Arrays.copyOfRange(m.vals(), m.rowStart(u), m.rowEnd(u))))
          .containsExactly(bits(want.get(u).values()));
      assertThat(UserHistory.encode(m, u)).containsExactly(list.get(u) == null ? UserHistory.encode(new int[0],
          new float[0], 0) : list.get(u));
    }
  }

  @Test void matrixRefusesAnItemOutsideTheDictionary() {
    byte[] h = UserHistory.encode(new int[] {1, 9}, new float[] {1, 1}, 2);
    assertThatThrownBy(() -> UserHistory.matrix(List.of(h, h), 9)).isInstanceOf(ModelException.class)
        .hasMessage("history 0 of 2 holds item 9, outside the kept 9 items (0..8)");
  }

  @Test void encodeRefusesItemsThatAreNotStrictlyAscending() {
    assertThatThrownBy(() -> UserHistory.encode(new int[] {3, 3}, new float[] {1, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 is 3 after 3");
    assertThatThrownBy(() -> UserHistory.encode(new int[] {-1}, new float[] {1}, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserHistory.merge(null, new int[] {-2}, new float[] {1}, 1, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Every cut and every flipped byte of real histories: a clear ModelException or a valid history, nothing else. */
  @Property(tries = 100)
  void damagedBytesAreRefusedClearly(@ForAll @IntRange(min = 1, max = 40) int size, @ForAll long seed) {
    Random r = new Random(seed);
    UserHistory.Decoded h = randomHistory(r, size, 5000);
    byte[] good = UserHistory.encode(h.items(), h.values(), h.size());
    for (int cut = 0; cut < good.length; cut++) {
      byte[] shorter = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> UserHistory.decode(shorter, "the kept history of user 'ada'"))
          .isInstanceOf(ModelException.class).hasMessageStartingWith("the kept history of user 'ada' ");
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> UserHistory.decode(longer, "h")).isInstanceOf(ModelException.class)
        .hasMessage("h is damaged: it has 1 bytes after its values");
    for (int t = 0; t < 50; t++) {
      byte[] flipped = good.clone();
      flipped[r.nextInt(flipped.length)] ^= (byte) (1 << r.nextInt(8));
      try {
        UserHistory.Decoded d = UserHistory.decode(flipped, "h");
        for (int j = 1; j < d.size(); j++) assertThat(d.items()[j]).isGreaterThan(d.items()[j - 1]);
        assertThat(d.values()).hasSize(d.size());
      } catch (ModelException expected) {
        assertThat(expected.getMessage()).startsWith("h ");
      }
    }
  }

  @Test void anotherVersionIsNamed() {
    byte[] b = UserHistory.encode(new int[] {1}, new float[] {2}, 1);
    b[0] = 2;
    assertThatThrownBy(() -> UserHistory.decode(b, "the kept history of user 'ada' in batch 3"))
        .isInstanceOf(ModelException.class)
        .hasMessage("the kept history of user 'ada' in batch 3 has history format version 2; this Larder reads version 1");
    byte[] flags = UserHistory.encode(new int[] {1}, new float[] {2}, 1);
    flags[1] = 4;
    assertThatThrownBy(() -> UserHistory.decode(flags, "h")).isInstanceOf(ModelException.class)
        .hasMessage("h is damaged: it has unknown flags 4");
    assertThatThrownBy(() -> UserHistory.decode(new byte[] {1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0x7f}, "h")).isInstanceOf(ModelException.class).hasMessageContaining("beyond");
    assertThatThrownBy(() -> UserHistory.decode(new byte[] {1, 1, 3, 5, 0, 1}, "h"))
        .isInstanceOf(ModelException.class).hasMessage("h is damaged: it repeats item 5 at entry 1");
  }
}
