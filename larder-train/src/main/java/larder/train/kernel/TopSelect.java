package larder.train.kernel;

import java.util.Arrays;

/**
 * The best k of many (item, score) pairs by selection instead of a heap: each pair becomes one long whose order is
 * {@link TopN}'s (higher score first, equal scores to the lower item), a quickselect moves the k largest to the
 * front, and only those are sorted. The result equals {@link TopN}'s for the same pairs. A heap pays a
 * sift for every pair that enters it, about k·ln(n/k) of n when they come in no particular order, which dominates
 * once k is a sizeable share of n (item-kNN's neighbour lists at k 400 over a few thousand co-occurring items);
 * selection costs about 3n compares whatever k is. (A score of -0 comes back as +0, which it ties with.)
 */
public final class TopSelect {
  private TopSelect() {}

  /** The pair as one long: larger is better, as {@link TopN} ranks pairs. Not for NaN scores. */
  public static long key(int item, float score) {
    int bits = Float.floatToRawIntBits(score == 0f ? 0f : score); // -0 ties with +0, as in TopN
    bits ^= (bits >> 31) & 0x7fffffff; // negative floats in reverse: signed int order is float order
    return (long) bits << 32 | (0xffffffffL & ~item);
  }

  public static int item(long key) {
    return ~(int) key;
  }

  public static float score(long key) {
    int bits = (int) (key >> 32);
    return Float.intBitsToFloat(bits ^ (bits >> 31) & 0x7fffffff);
  }

  /**
   * Writes the best {@code min(k, count)} of {@code keys[0..count)} best first into the out arrays and returns how
   * many; reorders {@code keys}.
   */
  public static int select(long[] keys, int count, int k, int[] outItems, float[] outScores) {
    int n = Math.min(k, count);
    if (n <= 0) return 0;
    if (n < count) largestFirst(keys, 0, count - 1, n);
    Arrays.sort(keys, 0, n);
    for (int r = 0; r < n; r++) {
      long x = keys[n - 1 - r];
      outItems[r] = item(x);
      outScores[r] = score(x);
    }
    return n;
  }

  /** Moves the n largest of keys[lo..hi] (n within it) to keys[lo..lo+n), in no order (Hoare's FIND). */
  private static void largestFirst(long[] a, int lo, int hi, int n) {
    int target = lo + n - 1; // the position of the n-th largest once a is in descending order
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      // median of three as pivot, in descending order: a[lo] >= a[mid] >= a[hi]
      if (a[mid] > a[lo]) swap(a, mid, lo);
      if (a[hi] > a[lo]) swap(a, hi, lo);
      if (a[hi] > a[mid]) swap(a, hi, mid);
      long pivot = a[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] > pivot) i++;
        while (a[j] < pivot) j--;
        if (i <= j) swap(a, i++, j--);
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
