package larder.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.core.IdMap;
import larder.core.ModelException;
import larder.store.PartWriter;
import larder.store.RowSink;
import larder.store.RowTable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores the users of each part a task holds and loads their lists straight into the batch (PostgreSQL): one
 * transaction per part with {@link PartWriter}, ledger row and COPY together. A part that an earlier attempt
 * committed (a task retried after its commit, a speculative copy) is skipped without scoring, and reported with
 * the earlier attempt's counts; so every part is loaded exactly once whatever Spark reruns. The store's URL
 * comes with the task; its user and password from the executor's environment ({@code LARDER_DB_USER},
 * {@code LARDER_DB_PASSWORD}).
 */
final class PartLoader implements FlatMapFunction<Iterator<UserBlock>, PartLoader.Loaded> {
  private static final long serialVersionUID = 1L;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /**
   * Called in the task after each part's load, with the task's attempt number: where the tests make a task fail
   * after its commit. A static of the executor's JVM, so it reaches tasks of a local master only.
   */
  static volatile AfterPart afterPart;

  interface AfterPart {
    void loaded(int part, int attemptNumber, PartWriter.Result result);
  }

  /**
   * What became of one part: loaded by this task, or found loaded by an earlier attempt (its counts); nanos is the
   * time this task spent on it (scoring and loading) and cpuNanos the CPU time of its thread meanwhile (what one
   * task slot with a core of its own would take, whatever else shares the machine), so the driver can report
   * per-part rates.
   */
  record Loaded(int part, boolean skipped, long rows, long lists, long nanos, long cpuNanos) implements Serializable {}

  private final String job;
  private final String db;
  private final long batchId;
  private final Broadcast<ItemSide> itemSide;
  private final Broadcast<BitSet> allowed;
  private final Broadcast<ItemNames> itemNames;
  private final int topN;
  private final boolean excludeSeen;

  PartLoader(String job, String db, long batchId, Broadcast<ItemSide> itemSide, Broadcast<BitSet> allowed,
      Broadcast<ItemNames> itemNames, int topN, boolean excludeSeen) {
    this.job = job;
    this.db = db;
    this.batchId = batchId;
    this.itemSide = itemSide;
    this.allowed = allowed;
    this.itemNames = itemNames;
    this.topN = topN;
    this.excludeSeen = excludeSeen;
  }

  @Override public Iterator<Loaded> call(Iterator<UserBlock> blocks) {
    TaskContext task = TaskContext.get();
    // kept in the ledger: which attempt of which task loaded the part
    String attempt = "stage " + task.stageId() + "." + task.stageAttemptNumber() + " task " + task.partitionId()
        + "." + task.attemptNumber() + " (tid " + task.taskAttemptId() + ")";
    List<Loaded> out = new ArrayList<>();
    while (blocks.hasNext()) {
      UserBlock block = blocks.next();
      long start = System.nanoTime();
      long cpuStart = CPU.getCurrentThreadCpuTime();
      PartWriter.Result r = PartWriter.load(db, batchId, RowTable.RECOMMENDATIONS, block.part(), attempt,
          rows -> load(block, rows));
      AfterPart hook = afterPart;
      if (hook != null) hook.loaded(block.part(), task.attemptNumber(), r);
      out.add(new Loaded(block.part(), r.alreadyLoaded(), r.rows(), r.keys(), System.nanoTime() - start,
          CPU.getCurrentThreadCpuTime() - cpuStart));
    }
    return out.iterator();
  }

  private void load(UserBlock block, RowSink rows) {
    IdMap items = itemNames.value().map();
    String[] users = block.names();
    PartitionScorer.score(itemSide.value().modelFor(block), block, allowed.value(), topN, excludeSeen, (row, it, sc, count) -> {
      for (int i = 0; i < count; i++) {
        // what the driver's writer refuses too: a non-finite score fails the run, naming the user
        if (!Float.isFinite(sc[i])) {
          throw new ModelException("job '" + job + "': user '" + users[row] + "' rank " + (i + 1) + " has score "
              + sc[i], "the model produced a non-finite score; check its parameters and input");
        }
      }
      if (count > 0) rows.addList(RowTable.RECOMMENDATIONS, users[row], it, sc, count, items);
    });
  }
}
