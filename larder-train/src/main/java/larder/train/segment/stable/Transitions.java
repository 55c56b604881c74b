package larder.train.segment.stable;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import larder.core.segment.SegmentTransition;

/**
 * How customers moved between the previous batch's segments and this batch's: one {@link SegmentTransition}
 * per (from, to) pair with at least one customer. Customers new in this batch come from {@code null}; the
 * previous batch's customers that this batch no longer has (its segment size minus those still present) go to
 * {@code null}. Rows are ordered by from (null first), then to (null last).
 *
 * <p>Counting is one pass over the customers into a dense table over the segment ids that occur, so ids may
 * grow large over many batches without the table growing with them.
 */
public final class Transitions {
  private Transitions() {}

  /**
   * @param previous per current customer, the previous batch's segment id, 0 when the customer is new
   * @param current per current customer, this batch's segment id (>= 1)
   * @param previousSizes the previous batch's segment sizes by id
   * @throws IllegalArgumentException when the inputs contradict each other: a previous id without a size, or
   *     more current customers from a segment than it had
   */
  public static List<SegmentTransition> compute(int[] previous, int[] current, Map<Integer, Long> previousSizes) {
    int n = current.length;
    if (previous.length != n) {
      throw new IllegalArgumentException("previous segments for " + previous.length + " customers, current for " + n);
    }
    BitSet seen = new BitSet();
    seen.set(0); // 0 = new customer / left
    for (int i = 0; i < n; i++) {
      if (previous[i] < 0 || current[i] < 1) {
        throw new IllegalArgumentException("customer " + i + ": previous " + previous[i] + ", current " + current[i]);
      }
      seen.set(previous[i]);
      seen.set(current[i]);
    }
    for (Map.Entry<Integer, Long> e : previousSizes.entrySet()) {
      if (e.getKey() < 1 || e.getValue() < 0) throw new IllegalArgumentException("previous size " + e);
      seen.set(e.getKey());
    }
    int m = seen.cardinality();
    int[] ids = new int[m];
    int[] index = new int[seen.length()];
    for (int id = seen.nextSetBit(0), q = 0; id >= 0; id = seen.nextSetBit(id + 1), q++) {
      ids[q] = id;
      index[id] = q;
    }
    // table[from * m + to], index 0 standing for "new" (from) or "left" (to).
    long[] table = new long[m * m];
    for (int i = 0; i < n; i++) table[index[previous[i]] * m + index[current[i]]]++;

    long[] stayed = new long[m];
    for (int f = 1; f < m; f++) for (int t = 0; t < m; t++) stayed[f] += table[f * m + t];
    for (int f = 1; f < m; f++) {
      Long size = previousSizes.get(ids[f]);
      if (stayed[f] > 0 && size == null) {
        throw new IllegalArgumentException("previous segment " + ids[f] + " of " + stayed[f]
            + " current customers has no previous size");
      }
      long left = (size == null ? 0 : size) - stayed[f];
      if (left < 0) {
        throw new IllegalArgumentException("previous segment " + ids[f] + " had " + size + " customers but "
            + stayed[f] + " current customers come from it");
      }
      table[f * m] = left;
    }

    List<SegmentTransition> out = new ArrayList<>();
    for (int f = 0; f < m; f++) {
      for (int t = 1; t <= m; t++) {
        int to = t % m; // "left" (index 0) last
        long c = table[f * m + to];
        if (c == 0 || (f == 0 && to == 0)) continue;
        out.add(new SegmentTransition(f == 0 ? null : ids[f], to == 0 ? null : ids[to], c));
      }
    }
    return out;
  }

  /** Customers that stayed in a segment with the same id, over all current customers that had a segment before. */
  public static double stayedShare(List<SegmentTransition> transitions) {
    long same = 0;
    long before = 0;
    for (SegmentTransition t : transitions) {
      if (t.fromSegment() == null || t.toSegment() == null) continue;
      before += t.customers();
      if (t.fromSegment().equals(t.toSegment())) same += t.customers();
    }
    return before == 0 ? Double.NaN : (double) same / before;
  }
}
