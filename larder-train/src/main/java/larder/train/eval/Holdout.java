package larder.train.eval;

import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.SparseMatrix;

/** Splits interactions into a training and a test part for offline evaluation. */
public final class Holdout {
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
    if (!(fraction > 0 && fraction < 1)) {
      throw new ConfigException("eval.holdout_fraction", fraction, "must be strictly between 0 and 1");
    }
    SparseMatrix m = in.byUser();
    int users = m.rows();
    int[] ptr = m.ptr();
    int[] cols = m.cols();
    float[] vals = m.vals();
    int nnz = (int) m.nonZeros();
    boolean[] toTest = new boolean[nnz];
    int[] order = new int[0];
    int[] trainPtr = new int[users + 1];
    int[] testPtr = new int[users + 1];
    for (int u = 0; u < users; u++) {
      int len = ptr[u + 1] - ptr[u];
      int take = 0;
      if (len >= 2) {
        take = (int) Math.max(1, Math.min(len - 1, Math.round(fraction * len)));
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
      trainPtr[u + 1] = trainPtr[u] + len - take;
      testPtr[u + 1] = testPtr[u] + take;
    }
    int[] trainCols = new int[trainPtr[users]];
    float[] trainVals = new float[trainPtr[users]];
    int[] testCols = new int[testPtr[users]];
    float[] testVals = new float[testPtr[users]];
    int a = 0;
    int b = 0;
    for (int p = 0; p < nnz; p++) {
      if (toTest[p]) {
        testCols[b] = cols[p];
        testVals[b++] = vals[p];
      } else {
        trainCols[a] = cols[p];
        trainVals[a++] = vals[p];
      }
    }
    int items = m.columns();
    return new Split(
        in.withMatrix(new SparseMatrix(users, items, trainPtr, trainCols, trainVals)),
        in.withMatrix(new SparseMatrix(users, items, testPtr, testCols, testVals)));
  }
}
