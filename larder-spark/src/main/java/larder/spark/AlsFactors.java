package larder.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction2;
import scala.Tuple2;

/**
 * Pairs one partition's user block with the same users' ALS factors (both partitioned by id modulo the partition
 * count): the block comes out carrying its users' factors, so it can be scored, or scored and loaded as a part,
 * like any other block ({@link ItemSide#als}). Zipped before any coalescing, a part's users and factors stay
 * together whichever task runs it; the factors are persisted before scoring, so a retried task reads the same
 * numbers. A user MLlib has no factors for scores zero everywhere, as a user without data does locally.
 */
final class AlsFactors
    implements FlatMapFunction2<Iterator<UserBlock>, Iterator<Tuple2<Integer, float[]>>, UserBlock> {
  private static final long serialVersionUID = 1L;
  private final int rank;
  private final int partitions;

  AlsFactors(int rank, int partitions) {
    this.rank = rank;
    this.partitions = partitions;
  }

  @Override public Iterator<UserBlock> call(Iterator<UserBlock> blocks, Iterator<Tuple2<Integer, float[]>> factors) {
    if (!blocks.hasNext()) return List.<UserBlock>of().iterator();
    UserBlock block = blocks.next(); // one block per partition (UserBlock.of, parallelized one to a slice)
    float[] x = new float[Math.multiplyExact(block.users().length, rank)];
    while (factors.hasNext()) {
      Tuple2<Integer, float[]> f = factors.next();
      System.arraycopy(f._2(), 0, x, (f._1() / partitions) * rank, rank); // users[r] = part + r * partitions
    }
    return List.of(block.withFactors(x)).iterator();
  }
}
