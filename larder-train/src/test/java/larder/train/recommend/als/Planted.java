package larder.train.recommend.als;

import java.util.Arrays;
import java.util.SplittableRandom;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;

/** Users in {@code groups} groups who only touch items of their own group (user u and item i: group = id mod groups). */
final class Planted {
  private Planted() {}

  static int groupOf(int id, int groups) {
    return id % groups;
  }

  static Interactions groups(int users, int items, int groups, int perUser, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ptr = new int[users + 1];
    int[] cols = new int[users * perUser];
    float[] vals = new float[users * perUser];
    int nnz = 0;
    int perGroup = items / groups;
    for (int u = 0; u < users; u++) {
      int g = groupOf(u, groups);
      int[] picked = r.ints(0, perGroup).distinct().limit(Math.min(perUser, perGroup)).map(k -> k * groups + g)
          .sorted().toArray();
      for (int i : picked) {
        cols[nnz] = i;
        vals[nnz++] = 1 + r.nextInt(20); // counts, so confidence weighting matters
      }
      ptr[u + 1] = nnz;
    }
    SparseMatrix m = new SparseMatrix(users, items, ptr, Arrays.copyOf(cols, nnz), Arrays.copyOf(vals, nnz));
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items), m);
  }
}
