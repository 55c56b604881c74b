package larder.bench;

import larder.core.IdMap;

/**
 * The ranked lists the load benchmarks publish and hand to the databases' own bulk loads: users {@code user-u},
 * items {@code item-i}, and for each user {@code n} distinct items with falling scores, the same for every run.
 *
 * @param lists user u's items, {@code lists[u][r]} at rank r + 1
 * @param scores their scores
 */
record BenchLists(IdMap userIds, IdMap items, int[][] lists, float[][] scores) {
  static BenchLists of(int users, int n, int itemCount) {
    int[][] lists = new int[users][n];
    float[][] scores = new float[users][n];
    for (int u = 0; u < users; u++) fill(u, lists[u], scores[u], itemCount);
    return new BenchLists(ids("user-", users), ids("item-", itemCount), lists, scores);
  }

  /** {@code prefix + i} for i in 0..count-1. */
  static IdMap ids(String prefix, int count) {
    IdMap ids = new IdMap(count);
    for (int i = 0; i < count; i++) ids.intern(prefix + i);
    return ids;
  }

  /** User {@code u}'s list: {@code list.length} distinct items, scores falling. */
  static void fill(int u, int[] list, float[] scores, int itemCount) {
    for (int r = 0; r < list.length; r++) {
      list[r] = (int) ((31L * u + 17L * r * r + r) % itemCount);
      scores[r] = 1f / (r + 1) + (u % 97) / 1e4f;
    }
  }
}
