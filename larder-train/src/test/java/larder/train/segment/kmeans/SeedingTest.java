package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import larder.train.kernel.WorkerPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SeedingTest {

  /** Any r in [0, total], even the rounding edge r = total, lands on a point of positive weight. */
  @Property(tries = 60)
  void drawsOnlyPointsWithWeight(@ForAll @IntRange(min = 1, max = 10_000) int n,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[n];
    w[r.nextInt(n)] = r.nextDouble() + 0.1;
    for (int i = 0; i < n; i++) if (r.nextInt(3) == 0) w[i] = r.nextDouble();
    double[] blockSum = new double[Points.blocks(n)];
    for (int i = 0; i < n; i++) blockSum[i / Points.BLOCK] += w[i];
    double total = 0;
    for (double s : blockSum) total += s;
    for (double u : new double[] {0, r.nextDouble(), r.nextDouble(), 1}) {
      int i = Seeding.draw(w, blockSum, n, u * total);
      assertThat(i).isBetween(0, n - 1);
      assertThat(w[i]).isPositive();
    }
  }

  /** With k = n distinct points every point becomes a centre: a chosen point is never drawn twice. */
  @Property(tries = 30)
  void kEqualsNChoosesEveryPointOnce(@ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    double[] x = Blobs.uniform(n, 2, 0, seed);
    try (WorkerPool one = new WorkerPool(1, "test")) {
      double[] c = Seeding.kMeansPlusPlus(x, n, 2, n, new SplittableRandom(seed), one);
      Set<String> rows = new HashSet<>();
      for (int j = 0; j < n; j++) rows.add(c[2 * j] + "," + c[2 * j + 1]);
      assertThat(rows).hasSize(n);
    }
  }

  /** The seeding's nearest centres are a full scan's over the centres it returns: first strict minimum, ties too. */
  @Property(tries = 40)
  void nearestIsAFullScanOfTheCentres(@ForAll @IntRange(min = 1, max = 9_000) int n,
      @ForAll @IntRange(min = 1, max = 12) int k, @ForAll @IntRange(min = 0, max = 3) int grid,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    int kk = Math.min(k, n);
    double[] x = Blobs.uniform(n, 2, grid, seed); // a coarse grid makes equal distances common
    Seeding.Nearest nearest = new Seeding.Nearest(n);
    try (WorkerPool two = new WorkerPool(2, "test")) {
      double[] c = Seeding.kMeansPlusPlus(x, n, 2, kk, new SplittableRandom(seed), two, nearest);
      for (int i = 0; i < n; i++) {
        double b1 = Double.POSITIVE_INFINITY;
        double b2 = Double.POSITIVE_INFINITY;
        int at = 0;
        for (int j = 0; j < kk; j++) {
          double e = Points.dist2(x, i, c, j, 2);
          if (e < b1) {
            b2 = b1;
            b1 = e;
            at = j;
          } else if (e < b2) {
            b2 = e;
          }
        }
        assertThat(nearest.centre()[i]).as("point %d", i).isEqualTo(at);
        assertThat(nearest.first()[i]).isEqualTo(b1);
        assertThat(nearest.second()[i]).isEqualTo(b2);
      }
    }
  }
}
