package larder.train.segment.kmeans;

import larder.core.ConfigException;

/**
 * Settings of {@link KMeans}, validated once here.
 *
 * @param k number of clusters
 * @param restarts independent k-means++ starts; the one with the lowest inertia wins
 * @param maxIterations assignment-and-update passes per start, at most
 * @param tolerance a start stops once the summed squared centroid movement of one pass is at most
 *     {@code tolerance} times the mean per-feature variance of the data (scikit-learn's rule); 0 runs until
 *     the centroids stop moving exactly, or {@code maxIterations}
 * @param seed seed of the seeding; the result depends only on it and the data
 * @param threads worker threads; the result does not depend on it
 */
public record KMeansParams(int k, int restarts, int maxIterations, double tolerance, long seed, int threads) {

  public KMeansParams {
    if (k < 1) throw new ConfigException("kmeans.k", k, "must be >= 1");
    if (restarts < 1 || restarts > 1000) {
      throw new ConfigException("kmeans.restarts", restarts, "must be between 1 and 1000", "4 is usually enough");
    }
    if (maxIterations < 1) throw new ConfigException("kmeans.max_iterations", maxIterations, "must be >= 1");
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new ConfigException("kmeans.tolerance", tolerance, "must be a finite number >= 0",
          "1e-4 stops when the centroids barely move; 0 runs to exact convergence");
    }
    if (threads < 1) throw new ConfigException("kmeans.threads", threads, "must be >= 1");
  }

  /** {@code k} clusters, 4 restarts, at most 100 iterations, tolerance 1e-4, seed 42, one thread per core. */
  public static KMeansParams defaults(int k) {
    return new KMeansParams(k, 4, 100, 1e-4, 42L, Runtime.getRuntime().availableProcessors());
  }

  public KMeansParams withK(int newK) {
    return new KMeansParams(newK, restarts, maxIterations, tolerance, seed, threads);
  }

  public KMeansParams withRestarts(int r) {
    return new KMeansParams(k, r, maxIterations, tolerance, seed, threads);
  }

  public KMeansParams withMaxIterations(int m) {
    return new KMeansParams(k, restarts, m, tolerance, seed, threads);
  }

  public KMeansParams withTolerance(double t) {
    return new KMeansParams(k, restarts, maxIterations, t, seed, threads);
  }

  public KMeansParams withSeed(long s) {
    return new KMeansParams(k, restarts, maxIterations, tolerance, s, threads);
  }

  public KMeansParams withThreads(int t) {
    return new KMeansParams(k, restarts, maxIterations, tolerance, seed, t);
  }
}
