package larder.train.segment.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.core.segment.SegmentProfile;
import larder.train.segment.rfm.RfmFeatures;
import larder.train.segment.rfm.RfmSegment;

/**
 * What each segment looks like: size, share of all customers, mean and median recency, frequency and monetary
 * value (when the features are RFM), the centroid in original units (k-means) and a readable label
 * ({@link Labels} for k-means, the segment's name for RFM rules). Only segments with customers are profiled;
 * profiles come ordered by segment id.
 */
public final class Profiles {
  private Profiles() {}

  /**
   * Profiles of k-means segments.
   *
   * @param cluster per customer, its cluster 0..k-1
   * @param segmentIds per cluster, its published segment id
   * @param names feature names
   * @param values the features in original units, {@code n × d} row-major
   * @param centroids per cluster, its centroid in original units, {@code k × d} row-major
   * @param rfm the customers' RFM values when the features are RFM, else null
   */
  public static List<SegmentProfile> forClusters(int[] cluster, int[] segmentIds, List<String> names, double[] values,
      double[] centroids, RfmFeatures rfm) {
    int k = segmentIds.length;
    int d = names.size();
    int n = cluster.length;
    ColumnStats.Groups g = new ColumnStats.Groups(cluster, k);
    ColumnStats[] rfmStats = rfm == null ? null : rfmStats(g, rfm);
    List<String> labels = new ArrayList<>(k);
    Integer[] byId = byId(segmentIds);
    if (rfm != null) {
      for (int c = 0; c < k; c++) {
        labels.add(Labels.rfm(rfmStats[0].medianRank[c], rfmStats[1].medianRank[c], rfmStats[1].median[c],
            rfmStats[2].medianRank[c], rfm.monetaryMode()));
      }
    } else {
      double[][] ranks = new double[k][d];
      for (int t = 0; t < d; t++) {
        final int f = t;
        ColumnStats s = ColumnStats.of(g, i -> values[i * d + f]);
        for (int c = 0; c < k; c++) ranks[c][t] = s.medianRank[c];
      }
      for (int c = 0; c < k; c++) labels.add(Labels.generic(names, ranks[c]));
    }
    List<String> ordered = new ArrayList<>(k);
    for (int c : byId) ordered.add(labels.get(c));
    List<String> unique = Labels.unique(ordered);

    List<SegmentProfile> out = new ArrayList<>(k);
    for (int q = 0; q < k; q++) {
      int c = byId[q];
      long size = g.size(c);
      if (size == 0) continue;
      Map<String, Double> centroid = new LinkedHashMap<>();
      for (int t = 0; t < d; t++) centroid.put(names.get(t), centroids[c * d + t]);
      out.add(profile(segmentIds[c], unique.get(q), size, n, rfmStats, c, centroid));
    }
    return out;
  }

  /**
   * Profiles of RFM rule segments, labelled with the segment names.
   *
   * @param segment per customer, its {@link RfmSegment} id
   */
  public static List<SegmentProfile> forRules(int[] segment, RfmFeatures rfm) {
    RfmSegment[] all = RfmSegment.values();
    int[] index = new int[segment.length];
    for (int i = 0; i < segment.length; i++) index[i] = RfmSegment.byId(segment[i]).ordinal();
    ColumnStats.Groups g = new ColumnStats.Groups(index, all.length);
    ColumnStats[] stats = rfmStats(g, rfm);
    List<SegmentProfile> out = new ArrayList<>();
    for (RfmSegment s : all) { // declared in id order
      long size = g.size(s.ordinal());
      if (size > 0) out.add(profile(s.id(), s.label(), size, segment.length, stats, s.ordinal(), Map.of()));
    }
    return out;
  }

  private static ColumnStats[] rfmStats(ColumnStats.Groups g, RfmFeatures rfm) {
    double[] r = rfm.recencyDays();
    double[] f = rfm.frequency();
    double[] m = rfm.monetary();
    return new ColumnStats[] {ColumnStats.of(g, i -> r[i]), ColumnStats.of(g, i -> f[i]), ColumnStats.of(g, i -> m[i])};
  }

  private static SegmentProfile profile(int id, String label, long size, int n, ColumnStats[] rfm, int s,
      Map<String, Double> centroid) {
    if (rfm == null) {
      return new SegmentProfile(id, label, size, (double) size / n, null, null, null, null, null, null, centroid);
    }
    return new SegmentProfile(id, label, size, (double) size / n, rfm[0].mean[s], rfm[0].median[s], rfm[1].mean[s],
        rfm[1].median[s], rfm[2].mean[s], rfm[2].median[s], centroid);
  }

  /** Cluster indices ordered by their segment id. */
  private static Integer[] byId(int[] segmentIds) {
    Integer[] order = new Integer[segmentIds.length];
    for (int c = 0; c < order.length; c++) order[c] = c;
    java.util.Arrays.sort(order, (a, b) -> Integer.compare(segmentIds[a], segmentIds[b]));
    return order;
  }
}
