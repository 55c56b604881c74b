package larder.train.segment.rfm;

import java.util.Arrays;

/**
 * Classic RFM quintile scores: R, F and M each from 1 to 5, 5 being the best fifth (most recent, most
 * frequent, highest spend), combined as the three-digit number {@code 100 R + 10 F + M} (e.g. 545).
 *
 * <p>The score of a value is {@code 1 + floor(5 × share of customers with a strictly worse value)}, where
 * worse is a lower frequency or monetary value and a <em>higher</em> recency. Equal values therefore always
 * get the same score, whatever order the customers come in; the price is that heavy ties make uneven
 * fifths: when 60% of customers bought once, all of them score F = 1 and the next frequency scores F = 4.
 * The worst value scores 1 and no value can score above 5 (at most n − 1 customers are strictly worse).
 * Time O(n log n): one sort and one binary search per customer and feature.
 */
public final class RfmScores {
  private RfmScores() {}

  /** The combined score per customer of {@code rfm}. */
  public static short[] of(RfmFeatures rfm) {
    int n = rfm.size();
    byte[] r = quintiles(rfm.recencyDays(), true);
    byte[] f = quintiles(rfm.frequency(), false);
    byte[] m = quintiles(rfm.monetary(), false);
    short[] score = new short[n];
    for (int i = 0; i < n; i++) score[i] = (short) (100 * r[i] + 10 * f[i] + m[i]);
    return score;
  }

  /** R of a combined score. */
  public static int r(int score) { return score / 100; }

  /** F of a combined score. */
  public static int f(int score) { return score / 10 % 10; }

  /** M of a combined score. */
  public static int m(int score) { return score % 10; }

  /**
   * Quintile score 1..5 of each value: from the share of values strictly lower ({@code lowerIsBetter}
   * false) or strictly higher ({@code lowerIsBetter} true).
   */
  public static byte[] quintiles(double[] values, boolean lowerIsBetter) {
    int n = values.length;
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      long worse = lowerIsBetter ? n - upperBound(sorted, values[i]) : lowerBound(sorted, values[i]);
      out[i] = (byte) (1 + 5 * worse / n);
    }
    return out;
  }

  /** Number of elements of {@code sorted} strictly less than {@code v}. */
  static int lowerBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of elements of {@code sorted} less than or equal to {@code v}. */
  static int upperBound(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
