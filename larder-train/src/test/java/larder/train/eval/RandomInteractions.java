package larder.train.eval;

import java.util.Random;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;

/** Small random interaction matrices for tests: each cell present with a given density. */
public final class RandomInteractions {
  private RandomInteractions() {}

  /** Weights are whole numbers 1..5 so that sums of them are exact in float. */
  public static Interactions of(int users, int items, double density, long seed) {
    Random rnd = new Random(seed);
    int[] ptr = new int[users + 1];
    int[] cols = new int[users * items];
    float[] vals = new float[users * items];
    int at = 0;
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (rnd.nextDouble() < density) {
          cols[at] = i;
          vals[at++] = 1 + rnd.nextInt(5);
        }
      }
      ptr[u + 1] = at;
    }
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items),
        new SparseMatrix(users, items, ptr, cols, vals));
  }

  /** The matrix as dense rows, for slow reference computations. */
  public static float[][] dense(SparseMatrix m) {
    float[][] d = new float[m.rows()][m.columns()];
    for (int r = 0; r < m.rows(); r++) {
      for (int p = m.rowStart(r); p < m.rowEnd(r); p++) d[r][m.cols()[p]] = m.vals()[p];
    }
    return d;
  }

  /** Builds interactions from dense rows (zero = absent). */
  public static Interactions fromDense(float[][] d, int items) {
    int users = d.length;
    int[] ptr = new int[users + 1];
    int nnz = 0;
    for (float[] row : d) for (float v : row) if (v != 0) nnz++;
    int[] cols = new int[nnz];
    float[] vals = new float[nnz];
    int at = 0;
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (d[u][i] != 0) {
          cols[at] = i;
          vals[at++] = d[u][i];
        }
      }
      ptr[u + 1] = at;
    }
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items),
        new SparseMatrix(users, items, ptr, cols, vals));
  }
}
