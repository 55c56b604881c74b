package larder.train.segment.kmeans;

/**
 * A fitted clustering. Every point is assigned to its nearest centroid (lowest index on ties).
 *
 * @param centroids k × d, row-major
 * @param assignment the cluster of each point, 0..k-1
 * @param inertia sum of squared Euclidean distances of the points to their centroids
 * @param iterations passes run by the chosen start
 * @param restartChosen index of the chosen start, 0-based
 * @param restartInertias the inertia of every start, in order
 */
public record KMeansResult(double[] centroids, int[] assignment, double inertia, int iterations, int restartChosen,
    double[] restartInertias) {

  /** Points per cluster, for a clustering into {@code k} clusters. */
  public int[] sizes(int k) {
    int[] counts = new int[k];
    for (int a : assignment) counts[a]++;
    return counts;
  }
}
