package larder.train.recommend.blend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;

/**
 * A blend scored from its parts' stored top lists, as {@link BlendModel} would rank it: what makes trying every
 * weight vector cheap, since no part scores a user twice.
 */
public final class ListBlend {
  private ListBlend() {}

  /**
   * nDCG@{@code k} (binary relevance, as {@link larder.train.eval.Evaluation} computes it) of the blend over
   * {@code users}.
   *
   * @param lists per part, per user: the part's top items, best first (null: none)
   * @param scores the same shape: their scores
   * @param held user-major held-out items, columns sorted ascending in each row
   */
  public static double ndcg(int[][][] lists, float[][][] scores, double[] weights, BlendModel.Scale scale,
      SparseMatrix held, int[] users, int k) {
    int items = held.columns();
    float[] sum = new float[items];
    boolean[] touched = new boolean[items];
    int[] candidates = new int[0];
    TopN top = new TopN(k);
    int[] best = new int[k];
    float[] bestScores = new float[k];
    double total = 0;
    for (int u : users) {
      int n = 0;
      for (int p = 0; p < lists.length; p++) {
        if (weights[p] == 0) continue;
        int[] li = lists[p][u];
        if (li == null || li.length == 0) continue;
        float[] sc = scores[p][u];
        float hi = sc[0], lo = sc[li.length - 1];
        for (int r = 0; r < li.length; r++) {
          float v = scale == BlendModel.Scale.RANK ? 1f / (BlendModel.RANK_CONSTANT + r + 1)
              : hi > lo ? (sc[r] - lo) / (hi - lo) : 0f;
          int item = li[r];
          if (!touched[item]) {
            touched[item] = true;
            if (n == candidates.length) candidates = Arrays.copyOf(candidates, Math.max(16, n * 2));
            candidates[n++] = item;
          }
          sum[item] += (float) weights[p] * v;
        }
      }
      Arrays.sort(candidates, 0, n); // the same offers in the same order whatever the parts' order
      top.reset(k);
      for (int c = 0; c < n; c++) top.offer(candidates[c], sum[candidates[c]]);
      int got = top.drainSorted(best, bestScores);
      for (int c = 0; c < n; c++) {
        sum[candidates[c]] = 0;
        touched[candidates[c]] = false;
      }
      total += ndcg(best, got, held.cols(), held.rowStart(u), held.rowEnd(u), k);
    }
    return users.length == 0 ? 0 : total / users.length;
  }

  private static double ndcg(int[] list, int count, int[] relevant, int from, int to, int k) {
    double dcg = 0, idcg = 0;
    for (int r = 0; r < Math.min(count, k); r++) {
      if (Arrays.binarySearch(relevant, from, to, list[r]) >= 0) dcg += 1 / log2(r + 2);
    }
    for (int r = 0; r < Math.min(k, to - from); r++) idcg += 1 / log2(r + 2);
    return idcg == 0 ? 0 : dcg / idcg;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** Every vector of {@code parts} non-negative multiples of 1/{@code steps} summing to 1, in a fixed order. */
  public static List<double[]> simplex(int parts, int steps) {
    List<double[]> out = new ArrayList<>();
    fill(new int[parts], 0, steps, steps, out);
    return out;
  }

  private static void fill(int[] w, int at, int left, int steps, List<double[]> out) {
    if (at == w.length - 1) {
      w[at] = left;
      double[] d = new double[w.length];
      for (int i = 0; i < w.length; i++) d[i] = w[i] / (double) steps;
      out.add(d);
      return;
    }
    for (int x = left; x >= 0; x--) {
      w[at] = x;
      fill(w, at + 1, left - x, steps, out);
    }
  }
}
