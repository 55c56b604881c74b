package larder.train.segment.stable;

import java.util.Arrays;

/**
 * Minimum-cost assignment (H. W. Kuhn, "The Hungarian method for the assignment problem", Naval Research
 * Logistics Quarterly 2, 1955; J. Munkres, 1957) in the O(n² m) shortest-augmenting-path form with dual
 * potentials (as in Jonker and Volgenant, Computing 38, 1987): rows are added one at a time, each by a
 * Dijkstra-like search over the reduced costs {@code cost[i][j] - u[i] - v[j]}, which stay non-negative.
 * A rectangular matrix assigns every row when there are at least as many columns, otherwise every column
 * (the matrix is transposed internally).
 */
public final class Hungarian {
  private Hungarian() {}

  /**
   * The assignment of least total cost.
   *
   * @param cost rows × columns, finite
   * @return for each row its column, or -1 for the rows left over when there are more rows than columns
   */
  public static int[] solve(double[][] cost) {
    int rows = cost.length;
    if (rows == 0) return new int[0];
    int cols = cost[0].length;
    for (double[] r : cost) {
      if (r.length != cols) throw new IllegalArgumentException("ragged cost matrix");
      for (double v : r) if (!Double.isFinite(v)) throw new IllegalArgumentException("cost " + v + " is not finite");
    }
    if (cols == 0) {
      int[] none = new int[rows];
      Arrays.fill(none, -1);
      return none;
    }
    if (rows <= cols) return solveWide(cost, rows, cols);
    double[][] t = new double[cols][rows];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j][i] = cost[i][j];
    int[] colToRow = solveWide(t, cols, rows);
    int[] out = new int[rows];
    Arrays.fill(out, -1);
    for (int j = 0; j < cols; j++) out[colToRow[j]] = j;
    return out;
  }

  /** Total cost of an assignment as returned by {@link #solve}. */
  public static double cost(double[][] cost, int[] assignment) {
    double s = 0;
    for (int i = 0; i < assignment.length; i++) if (assignment[i] >= 0) s += cost[i][assignment[i]];
    return s;
  }

  /** n ≤ m: every row gets a distinct column. Arrays are 1-based; column 0 is the virtual start. */
  private static int[] solveWide(double[][] a, int n, int m) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1]; // p[j]: row assigned to column j, 0 = none
    int[] way = new int[m + 1];
    double[] minv = new double[m + 1];
    boolean[] used = new boolean[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = -1;
        for (int j = 1; j <= m; j++) {
          if (used[j]) continue;
          double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
          if (cur < minv[j]) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            j1 = j;
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do { // flip the augmenting path
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] out = new int[n];
    for (int j = 1; j <= m; j++) if (p[j] != 0) out[p[j] - 1] = j - 1;
    return out;
  }
}
