package larder.train.segment.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import larder.core.IdMap;
import larder.core.segment.SegmentProfile;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.rfm.RfmFeatures;
import org.junit.jupiter.api.Test;

class ProfilesTest {

  private static RfmFeatures rfm(double[] r, double[] f, double[] m) {
    return new RfmFeatures(IdMap.sequential(r.length), new int[r.length], r, f, m, Monetary.TOTAL, Instant.EPOCH, 0, 0);
  }

  @Test
  void meansMediansAndLabelsOfClusters() {
    // Cluster 0: recent, frequent, big spenders; cluster 1: long gone one-timers; cluster 2: the middle.
    double[] r = {1, 2, 3, 400, 500, 600, 50, 60, 70};
    double[] f = {20, 30, 40, 1, 1, 2, 5, 6, 5};
    double[] m = {900, 1000, 1500, 10, 20, 30, 100, 200, 150};
    RfmFeatures x = rfm(r, f, m);
    int[] cluster = {0, 0, 0, 1, 1, 1, 2, 2, 2};
    int[] ids = {7, 3, 5};
    double[] centroids = {2, 30, 1100, 500, 1.3, 20, 60, 5.3, 150};
    List<SegmentProfile> p = Profiles.forClusters(cluster, ids, RfmFeatures.NAMES, x.rowMajor(), centroids, x);
    assertThat(p).extracting(SegmentProfile::segmentId).containsExactly(3, 5, 7);
    SegmentProfile top = p.get(2);
    assertThat(top.label()).isEqualTo("very recent, very frequent, very high spend");
    assertThat(top.size()).isEqualTo(3);
    assertThat(top.share()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(top.recencyMean()).isEqualTo(2.0);
    assertThat(top.frequencyMedian()).isEqualTo(30.0);
    assertThat(top.monetaryMean()).isCloseTo(3400.0 / 3, within(1e-9));
    assertThat(top.monetaryMedian()).isEqualTo(1000.0);
    assertThat(top.centroid()).containsExactly(java.util.Map.entry("recency_days", 2.0),
        java.util.Map.entry("frequency", 30.0), java.util.Map.entry("monetary", 1100.0));
    assertThat(p.get(0).label()).isEqualTo("long lapsed, one-time, very low spend");
    assertThat(p.get(1).label()).isEqualTo("lapsing, occasional, mid spend");
  }

  @Test
  void evenSizedSegmentsAverageTheMiddlePair() {
    RfmFeatures x = rfm(new double[] {1, 2, 3, 10}, new double[] {1, 1, 1, 1}, new double[] {5, 6, 7, 8});
    List<SegmentProfile> p = Profiles.forClusters(new int[] {0, 0, 0, 0}, new int[] {1}, RfmFeatures.NAMES,
        x.rowMajor(), new double[] {4, 1, 6.5}, x);
    assertThat(p.get(0).recencyMedian()).isEqualTo(2.5);
    assertThat(p.get(0).recencyMean()).isEqualTo(4.0);
    assertThat(p.get(0).label()).isEqualTo("lapsing, one-time, mid spend");
  }

  @Test
  void equalLabelsAreNumbered() {
    // Two clusters of identical customers: identical labels, the higher id gets " (2)".
    RfmFeatures x = rfm(new double[] {5, 5, 5, 5}, new double[] {3, 3, 3, 3}, new double[] {9, 9, 9, 9});
    List<SegmentProfile> p = Profiles.forClusters(new int[] {0, 1, 0, 1}, new int[] {4, 2}, RfmFeatures.NAMES,
        x.rowMajor(), new double[] {5, 3, 9, 5, 3, 9}, x);
    assertThat(p).extracting(SegmentProfile::label)
        .containsExactly("lapsing, occasional, mid spend", "lapsing, occasional, mid spend (2)");
  }

  @Test
  void rulesAreLabelledWithTheirNamesAndOnlyNonEmptyOnesAppear() {
    RfmFeatures x = rfm(new double[] {1, 2, 300}, new double[] {9, 8, 1}, new double[] {100, 90, 5});
    List<SegmentProfile> p = Profiles.forRules(new int[] {1, 1, 11}, x);
    assertThat(p).extracting(SegmentProfile::label).containsExactly("Champions", "Lost");
    assertThat(p.get(0).frequencyMean()).isEqualTo(8.5);
    assertThat(p.get(1).share()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(p.get(1).centroid()).isEmpty();
  }

  @Test
  void genericFeatureLabels() {
    assertThat(Labels.generic(List.of("a", "b"), new double[] {0.9, 0.1})).isEqualTo("very high a, very low b");
    assertThat(Labels.generic(List.of("a", "b", "c", "d", "e"), new double[] {0.5, 0.95, 0.3, 0.7, 0.02}))
        .isEqualTo("very high b, low c, very low e");
    assertThat(Labels.generic(List.of("a", "b", "c", "d"), new double[] {0.5, 0.5, 0.45, 0.55})).isEqualTo("typical");
    assertThat(Labels.quintile(0.0)).isZero();
    assertThat(Labels.quintile(0.2)).isEqualTo(1);
    assertThat(Labels.quintile(0.5)).isEqualTo(2);
    assertThat(Labels.quintile(1.0)).isEqualTo(4);
    assertThat(Labels.unique(List.of("x", "x (2)", "x", "x"))).containsExactly("x", "x (2)", "x (3)", "x (4)");
    assertThat(Labels.rfm(0.1, 0.5, 3, 0.9, Monetary.AVERAGE)).isEqualTo("very recent, occasional, very high order value");
    assertThat(Labels.rfm(0.9, 0.1, 1, 0.3, Monetary.TOTAL)).isEqualTo("long lapsed, one-time, low spend");
  }
}
