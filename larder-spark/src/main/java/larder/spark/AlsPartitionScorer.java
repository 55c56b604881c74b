package larder.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.train.recommend.als.AlsModel;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Scores one partition's users with ALS factors: the partition's user block and the same users' factors (both
 * partitioned by id modulo the partition count) become an {@link AlsModel} over the block's rows and the
 * broadcast item factors, which Larder's own scorer runs as locally. A user MLlib has no factors for scores
 * zero everywhere, as a user without data does locally.
 */
final class AlsPartitionScorer
    implements FlatMapFunction2<Iterator<UserBlock>, Iterator<Tuple2<Integer, float[]>>, ScoredList> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<float[]> itemFactors;
  private final Broadcast<BitSet> allowed;
  private final int rank;
  private final int partitions;
  private final int topN;
  private final boolean excludeSeen;

  AlsPartitionScorer(Broadcast<float[]> itemFactors, Broadcast<BitSet> allowed, int rank, int partitions, int topN,
      boolean excludeSeen) {
    this.itemFactors = itemFactors;
    this.allowed = allowed;
    this.rank = rank;
    this.partitions = partitions;
    this.topN = topN;
    this.excludeSeen = excludeSeen;
  }

  @Override public Iterator<ScoredList> call(Iterator<UserBlock> blocks, Iterator<Tuple2<Integer, float[]>> factors) {
    List<ScoredList> out = new ArrayList<>();
    if (!blocks.hasNext()) return out.iterator();
    UserBlock block = blocks.next(); // one block per partition (UserBlock.of, parallelized one to a slice)
    int rows = block.users().length;
    float[] x = new float[Math.multiplyExact(rows, rank)];
    while (factors.hasNext()) {
      Tuple2<Integer, float[]> f = factors.next();
      System.arraycopy(f._2(), 0, x, (f._1() / partitions) * rank, rank); // users[r] = part + r * partitions
    }
    float[] y = itemFactors.value();
    AlsModel model = AlsModel.of(rows, y.length / rank, rank, x, y);
    int[] users = block.users();
    PartitionScorer.score(model, block, allowed.value(), topN, excludeSeen, (row, items, scores, count) ->
        out.add(new ScoredList(users[row], Arrays.copyOf(items, count), Arrays.copyOf(scores, count))));
    return out.iterator();
  }
}
