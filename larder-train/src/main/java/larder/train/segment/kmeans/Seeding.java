package larder.train.segment.kmeans;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import larder.train.kernel.WorkerPool;

/**
 * k-means++ seeding (D. Arthur and S. Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA
 * 2007) in its greedy form: each new centre is the best, by resulting potential, of {@code 2 + ln k} points
 * drawn with probability proportional to their squared distance to the nearest centre so far (as in
 * scikit-learn). Sums run over {@link Points#BLOCK} blocks added in order, so the centres depend on the
 * random stream and the data only, not on the number of threads. Each point's distance to its nearest centre is
 * kept up to date anyway; keeping the second-nearest and which centre is nearest as well costs a compare, and gives
 * the first assignment of the centres for free ({@link Nearest}).
 */
final class Seeding {
  private Seeding() {}

  /**
   * Each point's nearest centre, its squared distance and the squared distance to the second-nearest (infinite
   * for k = 1), exactly as a full scan over the centres in index order finds them (the first strict minimum wins):
   * the centres are added in that order and a later one takes a point only when strictly nearer.
   */
  record Nearest(int[] centre, double[] first, double[] second) {
    Nearest(int n) {
      this(new int[n], new double[n], new double[n]);
    }
  }

  /** k initial centroids, k × d row-major, drawn from {@code rng}. */
  static double[] kMeansPlusPlus(double[] x, int n, int d, int k, SplittableRandom rng, WorkerPool pool) {
    return kMeansPlusPlus(x, n, d, k, rng, pool, new Nearest(n));
  }

  /** k initial centroids, k × d row-major, drawn from {@code rng}; fills {@code nearest} for them. */
  static double[] kMeansPlusPlus(double[] x, int n, int d, int k, SplittableRandom rng, WorkerPool pool,
      Nearest nearest) {
    int blocks = Points.blocks(n);
    int trials = 2 + (int) Math.log(k);
    double[] c = new double[k * d];
    double[] closest = nearest.first();
    double[] second = nearest.second();
    int[] centre = nearest.centre();
    double[] blockSum = new double[blocks];
    double[] blockTrial = new double[blocks * trials];
    int[] cand = new int[trials];
    double[] candRows = new double[trials * d];

    int first = rng.nextInt(n);
    System.arraycopy(x, first * d, c, 0, d);
    forBlocks(pool, blocks, n, (b, lo, hi) -> {
      double s = 0;
      for (int i = lo; i < hi; i++) {
        double v = Points.dist2(x, i, c, 0, d);
        closest[i] = v;
        second[i] = Double.POSITIVE_INFINITY;
        centre[i] = 0;
        s += v;
      }
      blockSum[b] = s;
    });
    for (int j = 1; j < k; j++) {
      double potential = 0;
      for (double s : blockSum) potential += s;
      for (int t = 0; t < trials; t++) {
        cand[t] = potential > 0 ? draw(closest, blockSum, n, rng.nextDouble() * potential) : rng.nextInt(n);
        System.arraycopy(x, cand[t] * d, candRows, t * d, d);
      }
      forBlocks(pool, blocks, n, (b, lo, hi) -> {
        for (int t = 0; t < trials; t++) {
          double s = 0;
          for (int i = lo; i < hi; i++) s += Math.min(closest[i], Points.dist2(x, i, candRows, t, d));
          blockTrial[b * trials + t] = s;
        }
      });
      int best = 0;
      double bestPotential = Double.POSITIVE_INFINITY;
      for (int t = 0; t < trials; t++) {
        double s = 0;
        for (int b = 0; b < blocks; b++) s += blockTrial[b * trials + t];
        if (s < bestPotential) {
          bestPotential = s;
          best = t;
        }
      }
      int row = j;
      System.arraycopy(candRows, best * d, c, row * d, d);
      forBlocks(pool, blocks, n, (b, lo, hi) -> {
        double s = 0;
        for (int i = lo; i < hi; i++) {
          double e = Points.dist2(x, i, c, row, d);
          double v = closest[i];
          if (e < v) {
            second[i] = v;
            closest[i] = e;
            centre[i] = row;
            v = e;
          } else if (e < second[i]) {
            second[i] = e;
          }
          s += v;
        }
        blockSum[b] = s;
      });
    }
    return c;
  }

  /** The first point whose running sum of {@code weight} exceeds {@code r}; zero-weight points are never drawn. */
  static int draw(double[] weight, double[] blockSum, int n, double r) {
    double acc = 0;
    int b = 0;
    int lastBlock = -1;
    for (; b < blockSum.length; b++) {
      if (blockSum[b] > 0) lastBlock = b;
      if (acc + blockSum[b] > r) break;
      acc += blockSum[b];
    }
    // Rounding can carry r past the last block or past the last point of a block: take the last positive one.
    boolean past = b == blockSum.length;
    if (past) b = lastBlock;
    int lo = b * Points.BLOCK;
    int hi = Math.min(n, lo + Points.BLOCK);
    int last = -1;
    for (int i = lo; i < hi; i++) {
      if (weight[i] > 0) {
        last = i;
        acc += weight[i];
        if (!past && acc > r) return i;
      }
    }
    return last;
  }

  /** Work on a block of points [lo, hi). */
  @FunctionalInterface
  interface BlockTask {
    void run(int block, int lo, int hi);
  }

  /** Runs {@code task} once per block, blocks spread over the pool's threads. */
  static void forBlocks(WorkerPool pool, int blocks, int n, BlockTask task) {
    AtomicInteger next = new AtomicInteger();
    pool.runAll(() -> {
      for (int b = next.getAndIncrement(); b < blocks && !pool.stopped(); b = next.getAndIncrement()) {
        int lo = b * Points.BLOCK;
        task.run(b, lo, Math.min(n, lo + Points.BLOCK));
      }
    });
  }
}
