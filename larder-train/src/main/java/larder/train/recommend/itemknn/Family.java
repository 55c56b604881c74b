package larder.train.recommend.itemknn;

import java.util.Arrays;
import larder.core.SparseMatrix;
import larder.train.eval.ListsScorer;
import larder.train.kernel.TopN;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;

/**
 * Item-kNN at several k of one form and normalisation, scored in one pass over each user's votes
 * ({@link ItemKnn.Neighbours#family}). The k are nested: a list cut at 50 is the first 50 of the list cut at 400. So
 * the votes of the largest k are kept once, each vote row j ordered by the rank its vote has in the list it comes
 * from (j's own list in the history form; the candidate's list in the candidate form), and model m's votes from j are
 * the first entries of that row, up to the end of segment m. Each model adds them to its own scores, one vote per
 * history item in history order, with the value the model alone would use (for rows normalisation, divided by the
 * sum of that model's cut list in double, as {@link ItemKnn.Model} does), so each model's scores are its own to the
 * bit; the row, the history and the selection set-up are shared.
 */
final class Family implements ListsScorer {
  private final SparseMatrix history;
  private final int models;
  private final int items;
  /** Row j: the items j votes for, in segments: segment (j, b) is {@code seg[j * models + b]} up to the next. */
  private final int[] seg;
  private final int[] cols;
  /** Without normalisation, every model's vote of entry q; with it null, and {@code scaled} holds them. */
  private final float[] vals;
  /** Rows normalisation: model m's vote of entry q of row j is {@code scaled[m][q - seg[j * models] + start[m][j]]}. */
  private final float[][] scaled;
  private final int[][] start;

  Family(SparseMatrix history, SparseMatrix lists, int maxK, int[] ks, Form form, Normalize normalize) {
    if (ks.length == 0) throw new IllegalArgumentException("no k");
    for (int b = 0; b < ks.length; b++) {
      if (ks[b] < 1 || b > 0 && ks[b] <= ks[b - 1]) {
        throw new IllegalArgumentException("k must be ascending, distinct and >= 1: " + Arrays.toString(ks));
      }
    }
    if (ks[ks.length - 1] > maxK) {
      throw new IllegalArgumentException("k " + ks[ks.length - 1] + " is above the lists' maxK " + maxK);
    }
    this.history = history;
    this.models = ks.length;
    this.items = lists.rows();
    int[] rank = new int[ks[models - 1]]; // the first model whose list holds rank r
    for (int r = 0, b = 0; r < rank.length; r++) {
      while (b < models && ks[b] <= r) b++;
      rank[r] = b;
    }
    SparseMatrix cut = ItemKnn.Neighbours.prefix(lists, ks[models - 1]);
    int nnz = (int) cut.nonZeros();
    // rows normalisation: each list's sum at each k, summed in double in list order as the model does
    double[] sums = null;
    if (normalize == Normalize.ROWS) {
      sums = new double[models * items];
      for (int i = 0; i < items; i++) {
        double sum = 0;
        int b = 0;
        for (int q = cut.rowStart(i), r = 0; q < cut.rowEnd(i); q++, r++) {
          while (b < models && r == ks[b]) sums[b++ * items + i] = sum;
          sum += cut.vals()[q];
        }
        for (; b < models; b++) sums[b * items + i] = sum;
      }
    }
    seg = new int[items * models + 1];
    cols = new int[nnz];
    float[] raw = new float[nnz];
    int[] owner = sums == null ? null : new int[nnz];
    if (form == Form.HISTORY) {
      for (int j = 0; j < items; j++) {
        int from = cut.rowStart(j);
        int len = cut.rowLength(j);
        for (int b = 0; b < models; b++) seg[j * models + b] = from + (b == 0 ? 0 : Math.min(len, ks[b - 1]));
        if (owner != null) Arrays.fill(owner, from, from + len, j);
      }
      seg[items * models] = nnz;
      System.arraycopy(cut.cols(), 0, cols, 0, nnz);
      System.arraycopy(cut.vals(), 0, raw, 0, nnz);
    } else {
      // the transpose, each row ordered by the rank its votes have in their candidates' lists (a counting sort)
      for (int i = 0; i < items; i++) {
        for (int q = cut.rowStart(i), r = 0; q < cut.rowEnd(i); q++, r++) seg[cut.cols()[q] * models + rank[r] + 1]++;
      }
      for (int x = 0; x < items * models; x++) seg[x + 1] += seg[x];
      int[] fill = Arrays.copyOf(seg, items * models);
      for (int i = 0; i < items; i++) {
        for (int q = cut.rowStart(i), r = 0; q < cut.rowEnd(i); q++, r++) {
          int at = fill[cut.cols()[q] * models + rank[r]]++;
          cols[at] = i;
          raw[at] = cut.vals()[q];
          if (owner != null) owner[at] = i;
        }
      }
    }
    if (sums == null) {
      vals = raw;
      scaled = null;
      start = null;
    } else {
      vals = null;
      scaled = new float[models][];
      start = new int[models][items + 1];
      for (int m = 0; m < models; m++) {
        for (int j = 0; j < items; j++) start[m][j + 1] = start[m][j] + seg[j * models + m + 1] - seg[j * models];
        float[] v = scaled[m] = new float[start[m][items]];
        for (int j = 0; j < items; j++) {
          for (int q = seg[j * models], at = start[m][j]; q < seg[j * models + m + 1]; q++, at++) {
            double sum = sums[m * items + owner[q]];
            v[at] = sum > 0 ? (float) (raw[q] / sum) : raw[q];
          }
        }
      }
    }
  }

  @Override public int models() { return models; }

  @Override public int itemCount() { return items; }

  @Override public int userCount() { return history.rows(); }

  @Override
  public Lists newLists(SparseMatrix seen) {
    final int mm = models;
    final int n = items;
    float[] acc = new float[n * mm]; // model m's scores at m * n
    int[] hCols = history.cols();
    float[] hVals = history.vals();
    int[] sCols = seen.cols();
    return (u, tops) -> {
      Arrays.fill(acc, 0f);
      for (int p = history.rowStart(u), end = history.rowEnd(u); p < end; p++) {
        int j = hCols[p];
        float w = hVals[p];
        int first = seg[j * mm];
        for (int m = 0; m < mm; m++) {
          int off = m * n;
          int last = seg[j * mm + m + 1];
          if (vals != null) {
            for (int q = first; q < last; q++) acc[off + cols[q]] += w * vals[q];
          } else {
            float[] v = scaled[m];
            for (int q = first, at = start[m][j]; q < last; q++, at++) acc[off + cols[q]] += w * v[at];
          }
        }
      }
      // as TopNScoring selects: seen items NaN, which every compare rejects, then one offer pass per model
      for (int m = 0; m < mm; m++) {
        int off = m * n;
        for (int p = seen.rowStart(u), end = seen.rowEnd(u); p < end; p++) acc[off + sCols[p]] = Float.NaN;
        tops[m].offerAll(acc, off, off + n, 0);
      }
    };
  }
}
