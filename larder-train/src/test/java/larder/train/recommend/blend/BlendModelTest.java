package larder.train.recommend.blend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import org.junit.jupiter.api.Test;

class BlendModelTest {
  /** A model that answers a fixed score table. */
  private record Table(float[][] s) implements TrainedModel {
    @Override public int userCount() { return s.length; }
    @Override public int itemCount() { return s[0].length; }
    @Override public UserScorer newUserScorer() {
      return (users, count, out) -> {
        for (int j = 0; j < count; j++) System.arraycopy(s[users[j]], 0, out, j * s[0].length, s[0].length);
      };
    }

    Table affine(float a, float b) {
      float[][] t = new float[s.length][];
      for (int u = 0; u < s.length; u++) {
        t[u] = s[u].clone();
        for (int i = 0; i < t[u].length; i++) t[u][i] = a * t[u][i] + b;
      }
      return new Table(t);
    }
  }

  private static Table random(SplittableRandom r, int users, int items) {
    float[][] s = new float[users][items];
    for (float[] row : s) for (int i = 0; i < items; i++) row[i] = (float) r.nextGaussian();
    return new Table(s);
  }

  private static SparseMatrix seen(SplittableRandom r, int users, int items) {
    int[] ptr = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) if (r.nextInt(5) == 0) cols.add(i);
      ptr[u + 1] = cols.size();
    }
    int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
    return new SparseMatrix(users, items, ptr, c, new float[c.length]);
  }

  /** The top {@code n} unseen items of each user, best first. */
  private static int[][] top(TrainedModel m, SparseMatrix seen, int n) {
    int users = m.userCount(), items = m.itemCount();
    float[] out = new float[items];
    int[][] lists = new int[users][];
    UserScorer sc = m.newUserScorer();
    for (int u = 0; u < users; u++) {
      sc.score(new int[] {u}, 1, out);
      for (int q = seen.rowStart(u); q < seen.rowEnd(u); q++) out[seen.cols()[q]] = Float.NaN;
      TopN t = new TopN(n);
      for (int i = 0; i < items; i++) if (out[i] == out[i]) t.offer(i, out[i]);
      int[] it = new int[n];
      int k = t.drainSorted(it, new float[n]);
      lists[u] = java.util.Arrays.copyOf(it, k);
    }
    return lists;
  }

  @Test
  void aPartAloneKeepsItsOwnOrder() {
    SplittableRandom r = new SplittableRandom(1);
    for (int trial = 0; trial < 20; trial++) {
      Table a = random(r, 8, 40), b = random(r, 8, 40);
      SparseMatrix seen = seen(r, 8, 40);
      for (BlendModel.Scale scale : BlendModel.Scale.values()) {
        BlendModel only = new BlendModel(List.of(a, b), new double[] {1, 0}, seen, scale, 20);
        assertThat(top(only, seen, 10)).as("%s", scale).isEqualTo(top(a, seen, 10));
      }
    }
  }

  @Test
  void aPartsScaleAndOffsetDoNotMatter() {
    SplittableRandom r = new SplittableRandom(2);
    for (int trial = 0; trial < 20; trial++) {
      Table a = random(r, 6, 50), b = random(r, 6, 50);
      SparseMatrix seen = seen(r, 6, 50);
      double[] w = {r.nextDouble(0.1, 1), r.nextDouble(0.1, 1)};
      for (BlendModel.Scale scale : BlendModel.Scale.values()) {
        int[][] plain = top(new BlendModel(List.of(a, b), w, seen, scale, 50), seen, 10);
        // b's scores a thousand times larger and shifted: a blend of raw scores would follow b alone
        int[][] moved = top(new BlendModel(List.of(a, b.affine(1000f, -3000f)), w, seen, scale, 50), seen, 10);
        assertThat(moved).as("%s", scale).isEqualTo(plain);
      }
    }
  }

  @Test
  void seenItemsDoNotSetTheScale() {
    SplittableRandom r = new SplittableRandom(3);
    Table a = random(r, 5, 30), b = random(r, 5, 30);
    SparseMatrix seen = seen(r, 5, 30);
    float[][] loud = new float[5][];
    for (int u = 0; u < 5; u++) {
      loud[u] = b.s()[u].clone();
      for (int q = seen.rowStart(u); q < seen.rowEnd(u); q++) loud[u][seen.cols()[q]] = 1e6f;
    }
    for (BlendModel.Scale scale : BlendModel.Scale.values()) {
      double[] w = {0.5, 0.5};
      assertThat(top(new BlendModel(List.of(a, new Table(loud)), w, seen, scale, 30), seen, 10))
          .isEqualTo(top(new BlendModel(List.of(a, b), w, seen, scale, 30), seen, 10));
    }
  }

  @Test
  void anItemBothPartsRankHighBeatsOneOnlyOneLoves() {
    // item 0: first for a, last for b; item 2 the other way round; item 1: second for both
    float[][] sa = {{9, 8, 0, 5, 4, 3}}, sb = {{0, 8, 9, 5, 4, 3}};
    SparseMatrix none = new SparseMatrix(1, 6, new int[] {0, 0}, new int[0], new float[0]);
    BlendModel m = new BlendModel(List.of(new Table(sa), new Table(sb)), new double[] {0.5, 0.5}, none,
        BlendModel.Scale.RANK, 6);
    assertThat(top(m, none, 1)[0]).containsExactly(1);
  }

  @Test
  void badWeightsAndShapesAreRefused() {
    SplittableRandom r = new SplittableRandom(4);
    Table a = random(r, 3, 5), b = random(r, 3, 5);
    SparseMatrix seen = seen(r, 3, 5);
    assertThatThrownBy(() -> new BlendModel(List.of(a), new double[] {1}, seen, BlendModel.Scale.RANK, 5))
        .hasMessageContaining("at least two");
    assertThatThrownBy(() -> new BlendModel(List.of(a, b), new double[] {0, 0}, seen, BlendModel.Scale.RANK, 5))
        .hasMessageContaining("above 0");
    assertThatThrownBy(() -> new BlendModel(List.of(a, b), new double[] {-1, 2}, seen, BlendModel.Scale.RANK, 5))
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new BlendModel(List.of(a, random(r, 3, 6)), new double[] {1, 1}, seen,
        BlendModel.Scale.RANK, 5)).hasMessageContaining("same users and items");
  }
}
