package larder.spark;

import java.util.Iterator;
import java.util.List;
import larder.train.eval.Evaluation;
import larder.train.eval.MetricsAccumulator;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Evaluates one partition's users: the block of their training interactions (ALS: with their factors) beside the
 * block of their held-out ones, both cut by id modulo the partition count, so row r of each is the same user. Each
 * user with held-out items is scored as {@link Evaluation#accumulate} scores locally; the partition's sums go back
 * to the driver, where they merge exactly.
 */
final class PartitionEvaluator
    implements FlatMapFunction2<Iterator<UserBlock>, Iterator<UserBlock>, MetricsAccumulator> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<ItemSide> itemSide;
  private final int k;

  PartitionEvaluator(Broadcast<ItemSide> itemSide, int k) {
    this.itemSide = itemSide;
    this.k = k;
  }

  @Override public Iterator<MetricsAccumulator> call(Iterator<UserBlock> train, Iterator<UserBlock> held) {
    UserBlock seen = train.next(); // one block per partition on each side (UserBlock.of, one to a slice)
    UserBlock test = held.next();
    if (seen.part() != test.part()) {
      throw new IllegalStateException("part " + seen.part() + " met the held-out part " + test.part());
    }
    return List.of(Evaluation.accumulate(itemSide.value().modelFor(seen), seen.history(), test.history(), k, 1))
        .iterator();
  }
}
