package larder.train.kernel;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-10 selection over one user's 20,000 scores ({@link TopN}), one thread. One operation is one
 * offered item, so the score reads in items per nanosecond; compare with the scoring kernel's
 * 128 FLOP per item at rank 64 to see what share of scoring time selection takes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TopNBench {
  static final int ITEMS = 20_000;
  static final int ROWS = 64;

  private float[][] scores;
  private final TopN top = new TopN(10);
  private final int[] outItems = new int[10];
  private final float[] outScores = new float[10];
  private int row;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(5);
    scores = new float[ROWS][ITEMS];
    for (float[] s : scores) for (int i = 0; i < ITEMS; i++) s[i] = (float) r.nextGaussian();
  }

  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int top10() {
    float[] s = scores[row];
    row = (row + 1) % ROWS;
    top.reset(10);
    for (int i = 0; i < ITEMS; i++) top.offer(i, s[i]);
    return top.drainSorted(outItems, outScores) + outItems[0];
  }

  /** The same selection through {@link TopN#offerAll}: one compare per item once the heap is full. */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public int top10OfferAll() {
    float[] s = scores[row];
    row = (row + 1) % ROWS;
    top.reset(10);
    top.offerAll(s, 0, ITEMS, 0);
    return top.drainSorted(outItems, outScores) + outItems[0];
  }
}
