package larder.spark;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.score.TopNScoring;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Scores one partition's users with Larder's own top-N scorer (one thread: Spark runs one task per core):
 * the broadcast item side, the users' seen items left out, the allowed items only. Ties, masks and NaN
 * handling are therefore those of the local engine.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Tuple2<Integer, UserRow>>, ScoredList> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<ItemSide> itemSide;
  private final Broadcast<BitSet> allowed;
  private final int topN;
  private final boolean excludeSeen;

  PartitionScorer(Broadcast<ItemSide> itemSide, Broadcast<BitSet> allowed, int topN, boolean excludeSeen) {
    this.itemSide = itemSide;
    this.allowed = allowed;
    this.topN = topN;
    this.excludeSeen = excludeSeen;
  }

  @Override public Iterator<ScoredList> call(Iterator<Tuple2<Integer, UserRow>> rows) {
    List<UserRow> users = new ArrayList<>();
    long nnz = 0;
    while (rows.hasNext()) {
      UserRow r = rows.next()._2();
      users.add(r);
      nnz += r.items().length;
    }
    ItemSide side = itemSide.value();
    SparseMatrix history = history(users, nnz, side.itemCount());
    List<ScoredList> out = new ArrayList<>(users.size());
    TopNScoring.scoreUsers(side.modelFor(history), excludeSeen ? history : null, null, topN, allowed.value(), 1,
        (local, items, scores, count) -> out.add(new ScoredList(users.get(local).user(),
            java.util.Arrays.copyOf(items, count), java.util.Arrays.copyOf(scores, count))),
        Progress.NONE);
    return out.iterator();
  }

  /** The partition's users as one user-major matrix, row r for the r-th user. */
  private static SparseMatrix history(List<UserRow> users, long nnz, int items) {
    if (nnz > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(nnz + " interactions in one partition; raise spark.partitions");
    }
    int[] ptr = new int[users.size() + 1];
    int[] cols = new int[(int) nnz];
    float[] vals = new float[(int) nnz];
    int at = 0;
    for (int r = 0; r < users.size(); r++) {
      UserRow u = users.get(r);
      System.arraycopy(u.items(), 0, cols, at, u.items().length);
      System.arraycopy(u.values(), 0, vals, at, u.values().length);
      at += u.items().length;
      ptr[r + 1] = at;
    }
    return new SparseMatrix(users.size(), items, ptr, cols, vals);
  }
}
