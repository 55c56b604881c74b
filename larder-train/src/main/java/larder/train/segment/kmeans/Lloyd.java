package larder.train.segment.kmeans;

import java.util.Arrays;
import java.util.SplittableRandom;
import larder.train.kernel.WorkerPool;

/**
 * Plain Lloyd iterations (S. P. Lloyd, "Least squares quantization in PCM", IEEE Trans. IT 28(2), 1982): every
 * pass measures every point against every centroid. One thread, no bounds: the slow, obvious oracle that
 * {@link KMeans} must agree with. It seeds, re-seeds empty clusters, sums and stops exactly as {@link KMeans}
 * does, so from the same seed both give the same assignments and centroids.
 */
public final class Lloyd {
  private Lloyd() {}

  /** The same restarts and seeding as {@link KMeans#fit}, refined by plain Lloyd iterations on one thread. */
  public static KMeansResult fit(double[] points, int n, int d, KMeansParams p) {
    Points.check(points, n, d, p.k());
    SplittableRandom root = new SplittableRandom(p.seed());
    double[] inertias = new double[p.restarts()];
    KMeansResult best = null;
    try (WorkerPool one = new WorkerPool(1, "lloyd")) {
      for (int r = 0; r < p.restarts(); r++) {
        double[] c = Seeding.kMeansPlusPlus(points, n, d, p.k(), root.split(), one);
        KMeansResult run = refine(points, n, d, p.k(), c, p.maxIterations(), p.tolerance());
        inertias[r] = run.inertia();
        if (best == null || run.inertia() < best.inertia()) {
          best = new KMeansResult(run.centroids(), run.assignment(), run.inertia(), run.iterations(), r, inertias);
        }
      }
    }
    return best;
  }

  /** Lloyd iterations from the given initial centroids ({@code k × d}, not modified). */
  public static KMeansResult refine(double[] x, int n, int d, int k, double[] initial, int maxIterations,
      double tolerance) {
    Points.check(x, n, d, k);
    double tolAbs = tolerance * Points.meanVariance(x, n, d);
    double[] c = initial.clone();
    int[] assign = new int[n];
    double[] sums = new double[k * d];
    long[] counts = new long[k];
    double[] blockSums = new double[k * d];
    int iterations = 0;
    for (int it = 1; it <= maxIterations; it++) {
      Arrays.fill(sums, 0);
      Arrays.fill(counts, 0);
      for (int lo = 0; lo < n; lo += Points.BLOCK) {
        Arrays.fill(blockSums, 0);
        for (int i = lo; i < Math.min(n, lo + Points.BLOCK); i++) {
          int a = Points.nearest(x, i, c, k, d);
          assign[i] = a;
          counts[a]++;
          for (int t = 0; t < d; t++) blockSums[a * d + t] += x[i * d + t];
        }
        for (int q = 0; q < sums.length; q++) sums[q] += blockSums[q];
      }
      Points.reseedEmpty(x, n, d, k, c, assign, sums, counts);
      double moved = Points.update(c, sums, counts, k, d, null);
      iterations = it;
      if (moved <= tolAbs) break;
    }
    double inertia = 0;
    for (int lo = 0; lo < n; lo += Points.BLOCK) {
      double block = 0;
      for (int i = lo; i < Math.min(n, lo + Points.BLOCK); i++) {
        assign[i] = Points.nearest(x, i, c, k, d);
        block += Points.dist2(x, i, c, assign[i], d);
      }
      inertia += block;
    }
    return new KMeansResult(c, assign, inertia, iterations, 0, new double[] {inertia});
  }


}
