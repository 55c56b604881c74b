package larder.train.segment.stable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import larder.core.ConfigException;
import larder.core.segment.SegmentProfile;
import larder.train.segment.transform.FittedTransform;

/**
 * Gives k-means clusters stable segment ids: a cluster that continues a segment of the previous batch keeps
 * its id, so "segment 3" means the same kind of customer from one night to the next although k-means numbers
 * its clusters arbitrarily.
 *
 * <p>The previous batch's centroids (stored in original units with their feature names) are mapped into this
 * run's clustering space with this run's fitted transform, and the Euclidean distance from every new centroid
 * to every previous one is measured there. A pair can be matched only when its distance is below the
 * threshold. The {@link Hungarian} algorithm then pairs new and previous segments one-to-one: every pair at or
 * beyond the threshold costs the same large amount (more than any set of pairs below it can save), so the
 * assignment keeps as many pairs below the threshold as possible and, among those, has the least total
 * distance; far pairs never sway which near pairs are chosen. k may differ between runs. Clusters without a partner get fresh ids above every id
 * used before (largest cluster first), so an id never comes back with another meaning. When the previous
 * batch was described by other features, or had no centroids (rule-based segments), nothing is compared and
 * every cluster gets a fresh id.
 *
 * <p>The default threshold, {@value #DEFAULT_THRESHOLD}, is one standard deviation of a feature over all
 * customers when the features are standardised. A segment that persists drifts by a fraction of that between
 * runs (0.02 to 0.35 on the planted test data, two independent samples of the same customers). Distinct
 * segments are usually further apart, though not always (0.95 for the closest planted pair, which differ in
 * recency only); since pairs are matched one-to-one, a persisting segment still goes to its own successor, and
 * the threshold only decides whether a cluster without a close partner continues a segment, e.g. when a
 * segment splits or disappears. Lower it for stricter continuity (fewer inherited ids), raise it to keep ids
 * through larger shifts. Without standardisation the distance is in the features' own (transformed) units and
 * the threshold should be chosen in those units.
 */
public final class IdMatcher {
  /** Default match threshold: one standard deviation in standardised units. */
  public static final double DEFAULT_THRESHOLD = 1.0;

  private IdMatcher() {}

  /**
   * Decides every cluster's id.
   *
   * @param centroids this run's centroids in the clustering space, {@code k × d} row-major
   * @param sizes customers per cluster
   * @param transform this run's fitted transform; its names are the features
   * @param previous the previous batch's profiles with centroids in original units, or null for none
   * @param highestIdUsed the highest segment id ever published for this job (0 for none); fresh ids start
   *     above it and above every previous profile's id
   * @param threshold a pair is matched only when its distance is below this
   */
  public static IdMapping match(double[] centroids, long[] sizes, FittedTransform transform,
      List<SegmentProfile> previous, int highestIdUsed, double threshold) {
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      throw new ConfigException("segment.match_threshold", threshold, "must be a finite number >= 0",
          "1.0 (one standard deviation of standardised features) suits most data; 0 never matches");
    }
    int k = sizes.length;
    int d = transform.dimensions();
    if (centroids.length != k * d) throw new IllegalArgumentException(centroids.length + " values for k=" + k + " d=" + d);
    List<SegmentProfile> prev = previous == null ? List.of() : previous;
    int next = Math.max(0, highestIdUsed);
    for (SegmentProfile p : prev) next = Math.max(next, p.segmentId());
    next++;

    List<String> names = transform.names();
    String note;
    boolean featuresMatched = true;
    double[][] dist = null; // k × previous
    if (prev.isEmpty()) {
      note = "no previous segments: every cluster gets a new id, the largest first";
    } else {
      List<String> prevNames = List.copyOf(prev.get(0).centroid().keySet());
      boolean same = new HashSet<>(prevNames).equals(new HashSet<>(names)) && prevNames.size() == names.size();
      for (SegmentProfile p : prev) same &= new HashSet<>(p.centroid().keySet()).equals(new HashSet<>(prevNames));
      if (prevNames.isEmpty()) {
        featuresMatched = false;
        note = "the previous segments have no centroids (rule-based segments): nothing to match, every cluster "
            + "gets a new id";
      } else if (!same) {
        featuresMatched = false;
        note = "the previous segments were described by features " + prevNames + ", this run by " + names
            + ": nothing to match, every cluster gets a new id";
      } else {
        dist = distances(centroids, k, transform, prev);
        note = String.format(Locale.ROOT, "%d clusters matched against %d previous segments by least total "
            + "distance in this run's space (%s), threshold %.3g", k, prev.size(), transform, threshold);
      }
    }

    int[] partner = new int[k]; // index into prev, or -1
    Arrays.fill(partner, -1);
    if (dist != null) {
      // One more pair below the threshold must beat any saving in distance: at most min(k, p) pairs, each < threshold.
      double far = threshold * (Math.min(k, prev.size()) + 2) + 1;
      double[][] cost = new double[k][prev.size()];
      for (int c = 0; c < k; c++) {
        for (int q = 0; q < prev.size(); q++) cost[c][q] = dist[c][q] < threshold ? dist[c][q] : far;
      }
      int[] a = Hungarian.solve(cost);
      for (int c = 0; c < k; c++) if (a[c] >= 0 && dist[c][a[c]] < threshold) partner[c] = a[c];
    }

    int[] ids = new int[k];
    Integer[] order = new Integer[k];
    for (int c = 0; c < k; c++) order[c] = c;
    Arrays.sort(order, (x, y) -> sizes[x] != sizes[y] ? Long.compare(sizes[y], sizes[x]) : Integer.compare(x, y));
    for (int c : order) ids[c] = partner[c] >= 0 ? prev.get(partner[c]).segmentId() : next++;

    boolean[] taken = new boolean[prev.size()];
    for (int c = 0; c < k; c++) if (partner[c] >= 0) taken[partner[c]] = true;
    List<IdMapping.Decision> decisions = new ArrayList<>(k);
    for (int c = 0; c < k; c++) {
      String reason;
      double at;
      Integer from = null;
      if (partner[c] >= 0) {
        from = prev.get(partner[c]).segmentId();
        at = dist[c][partner[c]];
        int nearest = nearest(dist[c]);
        reason = String.format(Locale.ROOT, "continues previous segment %d, %.3f away (below %.3g)%s", from, at,
            threshold, nearest == partner[c] ? "" : "; its nearest, segment " + prev.get(nearest).segmentId()
                + ", went to a cluster closer to it");
      } else if (dist == null) {
        at = Double.NaN;
        reason = "new id: " + (prev.isEmpty() ? "no previous segments" : "features differ from the previous batch");
      } else {
        int nearest = nearest(dist[c]);
        at = nearest < 0 ? Double.NaN : dist[c][nearest];
        if (nearest < 0 || !(at < threshold)) {
          reason = nearest < 0 ? "new id: no previous centroid could be placed in this run's space"
              : String.format(Locale.ROOT, "new id: the nearest previous segment, %d, is %.3f away (not below %.3g)",
                  prev.get(nearest).segmentId(), at, threshold);
        } else {
          reason = String.format(Locale.ROOT, "new id: previous segment %d is %.3f away but continues in a cluster "
              + "closer to it", prev.get(nearest).segmentId(), at);
        }
      }
      decisions.add(new IdMapping.Decision(c, ids[c], sizes[c], from, at, reason));
    }
    TreeSet<Integer> retired = new TreeSet<>();
    for (int q = 0; q < prev.size(); q++) if (!taken[q]) retired.add(prev.get(q).segmentId());
    return new IdMapping(featuresMatched, note, decisions, new ArrayList<>(retired));
  }

  /**
   * Distances from each new centroid to each previous centroid mapped into this run's space; +inf for a
   * previous centroid the transform cannot place (e.g. a negative value under log1p).
   */
  private static double[][] distances(double[] centroids, int k, FittedTransform transform, List<SegmentProfile> prev) {
    int d = transform.dimensions();
    List<String> names = transform.names();
    double[][] dist = new double[k][prev.size()];
    double[] row = new double[d];
    for (int q = 0; q < prev.size(); q++) {
      Map<String, Double> c = prev.get(q).centroid();
      boolean ok = true;
      for (int t = 0; t < d; t++) {
        Double v = c.get(names.get(t));
        row[t] = v == null ? Double.NaN : v;
      }
      transform.applyRow(row);
      for (double v : row) ok &= Double.isFinite(v);
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int t = 0; t < d; t++) {
          double diff = centroids[j * d + t] - row[t];
          s += diff * diff;
        }
        dist[j][q] = ok ? Math.sqrt(s) : Double.POSITIVE_INFINITY;
      }
    }
    return dist;
  }

  private static int nearest(double[] row) {
    int best = -1;
    for (int q = 0; q < row.length; q++) if (Double.isFinite(row[q]) && (best < 0 || row[q] < row[best])) best = q;
    return best;
  }
}
