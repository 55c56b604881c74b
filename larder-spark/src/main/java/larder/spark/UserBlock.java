package larder.spark;

import java.io.Serializable;
import larder.core.IdMap;
import larder.core.SparseMatrix;

/**
 * The users of one partition as the executors get them: those whose dense id is the partition number modulo the
 * partition count (Spark's HashPartitioner on the id), with their interactions as one CSR slice. Built on the
 * driver, so a task that is run again gets exactly the same users.
 *
 * @param part the partition number, which is also the part of the batch these users' lists are loaded as
 * @param users dense user ids, increasing; row r of the slice is users[r]
 * @param names their external ids, for executors that load the lists themselves; null when the driver names them
 * @param ptr row starts into cols and vals, users.length + 1 of them
 * @param cols items of each row, increasing
 * @param vals their values as the model scores them
 * @param items the item count (matrix columns)
 * @param factors ALS: the users' factors, row r's at r * rank (zero for a user MLlib has none for); else null
 */
record UserBlock(int part, int[] users, String[] names, int[] ptr, int[] cols, float[] vals, int items,
    float[] factors) implements Serializable {

  /** The slice as a matrix whose row r is {@code users[r]}. */
  SparseMatrix history() {
    return new SparseMatrix(users.length, items, ptr, cols, vals);
  }

  /** This block with its users' factors (ALS). */
  UserBlock withFactors(float[] x) {
    return new UserBlock(part, users, names, ptr, cols, vals, items, x);
  }

  /** Partition {@code part} of {@code parts}: the rows of {@code byUser} whose id is {@code part} modulo {@code parts}. */
  static UserBlock of(SparseMatrix byUser, int part, int parts) {
    return of(byUser, part, parts, null);
  }

  /** {@link #of(SparseMatrix, int, int)} with the users' external ids from {@code userNames}, unless null. */
  static UserBlock of(SparseMatrix byUser, int part, int parts, IdMap userNames) {
    int n = byUser.rows() <= part ? 0 : (byUser.rows() - part + parts - 1) / parts;
    int[] users = new int[n];
    int[] ptr = new int[n + 1];
    long nnz = 0;
    for (int r = 0; r < n; r++) {
      users[r] = part + r * parts;
      nnz += byUser.rowLength(users[r]);
      if (nnz > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(nnz + "+ interactions in one partition; raise spark.partitions");
      }
      ptr[r + 1] = (int) nnz;
    }
    int[] cols = new int[(int) nnz];
    float[] vals = new float[(int) nnz];
    for (int r = 0; r < n; r++) {
      int from = byUser.rowStart(users[r]);
      int len = byUser.rowLength(users[r]);
      System.arraycopy(byUser.cols(), from, cols, ptr[r], len);
      System.arraycopy(byUser.vals(), from, vals, ptr[r], len);
    }
    String[] names = null;
    if (userNames != null) {
      names = new String[n];
      for (int r = 0; r < n; r++) names[r] = userNames.name(users[r]);
    }
    return new UserBlock(part, users, names, ptr, cols, vals, byUser.columns(), null);
  }
}
