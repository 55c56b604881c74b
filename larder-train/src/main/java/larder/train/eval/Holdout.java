package larder.train.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.SparseMatrix;

/** Splits interactions into a training and a test part for offline evaluation. */
public final class Holdout {
  /** The time of an interaction that has none (the value sources use). */
  public static final long NO_TIME = Interactions.NO_TIME;

  private Holdout() {}

  /** Both parts share the id maps of the input, so dense ids mean the same in each. */
  public record Split(Interactions train, Interactions test) {}

  /**
   * Moves a random {@code fraction} of each user's interactions to the test part: round(fraction ×
   * count), but at least one and never all of them. Users with fewer than two interactions stay
   * entirely in training. Each user's draw depends only on the seed and the user, so the split is
   * reproducible and does not change when other users are added.
   *
   * @param fraction share of each user's interactions to hold out, strictly between 0 and 1
   */
  public static Split perUser(Interactions in, double fraction, long seed) {
    checkFraction(fraction);
    SparseMatrix m = in.byUser();
    int[] ptr = m.ptr();
    boolean[] toTest = new boolean[(int) m.nonZeros()];
    int[] order = new int[0];
    for (int u = 0; u < m.rows(); u++) {
      int len = ptr[u + 1] - ptr[u];
      int take = share(fraction, len);
      if (take == 0) continue;
      if (order.length < len) order = new int[len];
      for (int t = 0; t < len; t++) order[t] = t;
      SplittableRandom rnd = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (u + 1)));
      // Partial Fisher-Yates: the first `take` slots become a uniform sample without replacement.
      for (int t = 0; t < take; t++) {
        int pick = t + rnd.nextInt(len - t);
        int tmp = order[t];
        order[t] = order[pick];
        order[pick] = tmp;
        toTest[ptr[u] + order[t]] = true;
      }
    }
    return split(in, toTest);
  }

  /**
   * Moves each user's latest interactions to the test part: as many as {@link #perUser} would draw at
   * random, taken newest first, so the model is judged on what users did after what it trained on. Only
   * interactions with a time can be held out, and each user keeps at least one in training; a user
   * without times stays entirely in training. Equal times are ordered by item id, the higher first (ids
   * follow first appearance in the source), so the split is reproducible.
   *
   * @param times per stored interaction, aligned with {@code in.byUser().cols()}, its latest epoch second,
   *     or {@link #NO_TIME}
   * @param fraction share of each user's interactions to hold out, strictly between 0 and 1
   */
  public static Split latestPerUser(Interactions in, long[] times, double fraction) {
    checkFraction(fraction);
    SparseMatrix m = in.byUser();
    if (times == null || times.length != m.nonZeros()) {
      throw new IllegalArgumentException((times == null ? "no" : times.length) + " times for " + m.nonZeros()
          + " interactions");
    }
    int[] ptr = m.ptr();
    boolean[] toTest = new boolean[(int) m.nonZeros()];
    long[] rowTimes = new long[0];
    for (int u = 0; u < m.rows(); u++) {
      int start = ptr[u];
      int end = ptr[u + 1];
      int len = end - start;
      int timed = 0;
      for (int p = start; p < end; p++) if (times[p] != NO_TIME) timed++;
      int take = Math.min(share(fraction, len), timed);
      if (take == 0) continue;
      if (rowTimes.length < len) rowTimes = new long[len];
      System.arraycopy(times, start, rowTimes, 0, len);
      Arrays.sort(rowTimes, 0, len);
      // The take-th newest time: everything newer goes, then items at exactly that time by id, higher first
      // (a row's columns are in ascending id order). take <= timed, so the cut is a real time.
      long cut = rowTimes[len - take];
      int left = take;
      for (int p = start; p < end; p++) {
        if (times[p] > cut) {
          toTest[p] = true;
          left--;
        }
      }
      for (int p = end - 1; p >= start && left > 0; p--) {
        if (times[p] == cut) {
          toTest[p] = true;
          left--;
        }
      }
    }
    return split(in, toTest);
  }

  /** How many of {@code len} interactions to hold out: round(fraction × len), at least one, never all. */
  private static int share(double fraction, int len) {
    return len < 2 ? 0 : (int) Math.max(1, Math.min(len - 1, Math.round(fraction * len)));
  }

  private static void checkFraction(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new ConfigException("eval.holdout_fraction", fraction, "must be strictly between 0 and 1");
    }
  }

  /** Builds the two parts from a per-interaction mask, keeping each row's column order and each interaction's time. */
  private static Split split(Interactions in, boolean[] toTest) {
    SparseMatrix m = in.byUser();
    int users = m.rows();
    int[] ptr = m.ptr();
    int[] cols = m.cols();
    float[] vals = m.vals();
    long[] times = in.times();
    int[] trainPtr = new int[users + 1];
    int[] testPtr = new int[users + 1];
    for (int u = 0; u < users; u++) {
      int take = 0;
      for (int p = ptr[u]; p < ptr[u + 1]; p++) if (toTest[p]) take++;
      trainPtr[u + 1] = trainPtr[u] + ptr[u + 1] - ptr[u] - take;
      testPtr[u + 1] = testPtr[u] + take;
    }
    int[] trainCols = new int[trainPtr[users]];
    float[] trainVals = new float[trainPtr[users]];
    int[] testCols = new int[testPtr[users]];
    float[] testVals = new float[testPtr[users]];
    // Times go with their interactions, so a model that weighs by age trains on the split as on the whole.
    long[] trainTimes = times == null ? null : new long[trainPtr[users]];
    long[] testTimes = times == null ? null : new long[testPtr[users]];
    int a = 0;
    int b = 0;
    for (int p = 0; p < toTest.length; p++) {
      if (toTest[p]) {
        if (times != null) testTimes[b] = times[p];
        testCols[b] = cols[p];
        testVals[b++] = vals[p];
      } else {
        if (times != null) trainTimes[a] = times[p];
        trainCols[a] = cols[p];
        trainVals[a++] = vals[p];
      }
    }
    int items = m.columns();
    return new Split(
        in.withMatrix(new SparseMatrix(users, items, trainPtr, trainCols, trainVals), trainTimes),
        in.withMatrix(new SparseMatrix(users, items, testPtr, testCols, testVals), testTimes));
  }
}
