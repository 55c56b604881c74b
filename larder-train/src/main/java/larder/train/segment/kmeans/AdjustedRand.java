package larder.train.segment.kmeans;

/**
 * Adjusted Rand index (L. Hubert and P. Arabie, "Comparing partitions", J. Classification 2, 1985): agreement
 * of two labelings of the same points, corrected for chance. 1 for identical partitions (whatever the label
 * names), about 0 for independent ones, negative when worse than chance. Compares clusterings across runs
 * and against planted structure.
 */
public final class AdjustedRand {
  private AdjustedRand() {}

  /** The index of labelings {@code a} and {@code b} (labels are small non-negative ints). */
  public static double index(int[] a, int[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("labelings differ in length: " + a.length + " vs " + b.length);
    int n = a.length;
    if (n < 2) return 1.0; // no pair to disagree on
    int ka = 0;
    int kb = 0;
    for (int i = 0; i < n; i++) {
      if (a[i] < 0 || b[i] < 0) throw new IllegalArgumentException("negative label at point " + i);
      ka = Math.max(ka, a[i] + 1);
      kb = Math.max(kb, b[i] + 1);
    }
    if ((long) ka * kb > 50_000_000L) throw new IllegalArgumentException("too many labels: " + ka + " x " + kb);
    long[] table = new long[ka * kb];
    long[] rows = new long[ka];
    long[] cols = new long[kb];
    for (int i = 0; i < n; i++) {
      table[a[i] * kb + b[i]]++;
      rows[a[i]]++;
      cols[b[i]]++;
    }
    double index = 0;
    for (long v : table) index += pairs(v);
    double sumRows = 0;
    for (long v : rows) sumRows += pairs(v);
    double sumCols = 0;
    for (long v : cols) sumCols += pairs(v);
    double expected = sumRows * sumCols / pairs(n);
    double max = (sumRows + sumCols) / 2;
    // Both trivial (one cluster each, or all singletons each): identical partitions, by convention 1.
    if (max == expected) return 1.0;
    return (index - expected) / (max - expected);
  }

  private static double pairs(long v) {
    return v * (v - 1) / 2.0;
  }
}
