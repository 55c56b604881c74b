package larder.train.segment.stable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class HungarianTest {

  /** The optimum equals brute force over every injective assignment, square and rectangular, with many ties. */
  @Property(tries = 300)
  void matchesBruteForce(@ForAll @IntRange(min = 1, max = 7) int rows, @ForAll @IntRange(min = 1, max = 7) int cols,
      @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] cost = new double[rows][cols];
    for (double[] row : cost) {
      for (int j = 0; j < cols; j++) {
        row[j] = kind == 0 ? r.nextDouble() : kind == 1 ? r.nextInt(4) : (r.nextDouble() - 0.5) * 1e6;
      }
    }
    int[] a = Hungarian.solve(cost);
    assertThat(a).hasSize(rows);
    Set<Integer> used = new HashSet<>();
    int assigned = 0;
    for (int c : a) {
      if (c < 0) continue;
      assertThat(c).isLessThan(cols);
      assertThat(used.add(c)).isTrue();
      assigned++;
    }
    assertThat(assigned).isEqualTo(Math.min(rows, cols));
    double best = brute(cost, 0, new boolean[cols], Math.min(rows, cols));
    assertThat(Hungarian.cost(cost, a)).isCloseTo(best, within(1e-9 * (1 + Math.abs(best))));
  }

  /** Least cost over assignments of exactly {@code need} more rows from {@code row} on, rows may be skipped only when rows > cols. */
  private static double brute(double[][] cost, int row, boolean[] used, int need) {
    if (need == 0) return 0;
    if (cost.length - row < need) return Double.POSITIVE_INFINITY;
    double best = brute(cost, row + 1, used, need); // leave this row out (only possible when rows > cols)
    for (int j = 0; j < used.length; j++) {
      if (used[j]) continue;
      used[j] = true;
      best = Math.min(best, cost[row][j] + brute(cost, row + 1, used, need - 1));
      used[j] = false;
    }
    return best;
  }

  @Test
  void smallCases() {
    assertThat(Hungarian.solve(new double[0][0])).isEmpty();
    assertThat(Hungarian.solve(new double[][] {{5}})).containsExactly(0);
    assertThat(Hungarian.solve(new double[][] {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}})).containsExactly(1, 0, 2);
    // More rows than columns: the cheapest rows get the columns.
    assertThat(Hungarian.solve(new double[][] {{9}, {1}, {5}})).containsExactly(-1, 0, -1);
    assertThat(Hungarian.solve(new double[][] {{1, 2}, {3, 4}, {0, 0}}))
        .satisfies(a -> assertThat(Hungarian.cost(new double[][] {{1, 2}, {3, 4}, {0, 0}}, a)).isEqualTo(1));
    assertThatThrownBy(() -> Hungarian.solve(new double[][] {{Double.NaN}})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largeIsFast() {
    SplittableRandom r = new SplittableRandom(1);
    double[][] cost = new double[300][300];
    for (double[] row : cost) for (int j = 0; j < 300; j++) row[j] = r.nextDouble();
    long t0 = System.nanoTime();
    int[] a = Hungarian.solve(cost);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
    assertThat(new HashSet<>(java.util.Arrays.stream(a).boxed().toList())).hasSize(300);
    // Random uniform costs: the optimum is far below a random permutation's expected 150.
    assertThat(Hungarian.cost(cost, a)).isLessThan(5);
  }
}
