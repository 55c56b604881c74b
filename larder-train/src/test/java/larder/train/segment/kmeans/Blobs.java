package larder.train.segment.kmeans;

import java.util.SplittableRandom;

/** Planted Gaussian clusters: {@code k} centres at least {@code gap} apart, unit-variance noise times sigma. */
record Blobs(double[] points, int n, int d, int k, int[] truth, double[] centres) {

  static Blobs of(int n, int d, int k, double gap, double sigma, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] centres = new double[k * d];
    for (int j = 0; j < k; j++) {
      // Rejection: redraw until far from every earlier centre, in a box that grows with k.
      boolean ok;
      do {
        for (int t = 0; t < d; t++) centres[j * d + t] = (r.nextDouble() - 0.5) * gap * k;
        ok = true;
        for (int o = 0; o < j && ok; o++) ok = Math.sqrt(Points.dist2(centres, j, centres, o, d)) >= gap;
      } while (!ok);
    }
    double[] x = new double[n * d];
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      int c = i % k;
      truth[i] = c;
      for (int t = 0; t < d; t++) x[i * d + t] = centres[c * d + t] + sigma * r.nextGaussian();
    }
    return new Blobs(x, n, d, k, truth, centres);
  }

  /** Uniform points in [0, 1)^d, or on a coarse integer grid (many exact duplicates and ties) when grid > 0. */
  static double[] uniform(int n, int d, int grid, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = grid > 0 ? r.nextInt(grid) : r.nextDouble();
    return x;
  }
}
