package larder.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.train.recommend.TrainedModel;
import larder.train.score.TopNScoring;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores one partition's users with Larder's own top-N scorer (one thread: Spark runs one task per core):
 * the broadcast item side, the users' seen items left out, the allowed items only. Ties, masks and NaN
 * handling are therefore those of the local engine. The lists go back to the driver ({@link ScoredList});
 * {@link PartLoader} loads them into the store instead.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<UserBlock>, ScoredList> {
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

  @Override public Iterator<ScoredList> call(Iterator<UserBlock> blocks) {
    List<ScoredList> out = new ArrayList<>();
    while (blocks.hasNext()) {
      UserBlock block = blocks.next();
      int[] users = block.users();
      score(itemSide.value().modelFor(block), block, allowed.value(), topN, excludeSeen, (row, items, scores, count) ->
          out.add(new ScoredList(users[row], Arrays.copyOf(items, count), Arrays.copyOf(scores, count))));
    }
    return out.iterator();
  }

  /**
   * Scores the block's users with {@code model}, whose row r is the block's r-th user, on this thread; {@code lists}
   * gets each list keyed by its row in the block.
   */
  static void score(TrainedModel model, UserBlock block, BitSet allowed, int topN, boolean excludeSeen,
      TopNSink lists) {
    SparseMatrix history = block.history();
    TopNScoring.scoreUsers(model, excludeSeen ? history : null, null, topN, allowed, 1, lists,
        Progress.NONE);
  }
}
