package larder.train.segment.stable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.segment.SegmentProfile;
import larder.train.segment.transform.FittedTransform;
import larder.train.segment.transform.Transform;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class IdMatcherTest {

  private static final List<String> XY = List.of("x", "y");

  /** The identity transform over features x, y (fitted on any points). */
  private static FittedTransform identity(List<String> names) {
    return Transform.none().fit(new double[names.size()], 1, names).transform();
  }

  private static SegmentProfile prev(int id, double... centroid) {
    Map<String, Double> c = new LinkedHashMap<>();
    for (int t = 0; t < centroid.length; t++) c.put(XY.get(t), centroid[t]);
    return new SegmentProfile(id, "s" + id, 10, 0.1, null, null, null, null, null, null, c);
  }

  /** Shuffled, slightly moved centroids find their previous ids whatever order k-means put them in. */
  @Property(tries = 50)
  void shuffledCentroidsKeepTheirIds(@ForAll @IntRange(min = 1, max = 9) int k,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SegmentProfile> previous = new ArrayList<>();
    double[] now = new double[2 * k];
    int[] perm = new int[k];
    for (int j = 0; j < k; j++) perm[j] = j;
    for (int j = k - 1; j > 0; j--) {
      int o = r.nextInt(j + 1);
      int t = perm[j];
      perm[j] = perm[o];
      perm[o] = t;
    }
    for (int j = 0; j < k; j++) {
      double x = 10 * j;
      double y = 5 * (j % 3);
      previous.add(prev(3 * j + 2, x, y)); // ids need not be contiguous
      now[2 * perm[j]] = x + (r.nextDouble() - 0.5) * 0.5;
      now[2 * perm[j] + 1] = y + (r.nextDouble() - 0.5) * 0.5;
    }
    long[] sizes = new long[k];
    java.util.Arrays.fill(sizes, 5);
    IdMapping m = IdMatcher.match(now, sizes, identity(XY), previous, 0, 1.0);
    for (int j = 0; j < k; j++) {
      assertThat(m.segmentId(perm[j])).isEqualTo(3 * j + 2);
      assertThat(m.decisions().get(perm[j]).previousSegmentId()).isEqualTo(3 * j + 2);
      assertThat(m.decisions().get(perm[j]).reason()).startsWith("continues previous segment");
    }
    assertThat(m.retired()).isEmpty();
  }

  @Test
  void farClustersGetFreshIdsAboveEveryIdUsedLargestFirst() {
    List<SegmentProfile> previous = List.of(prev(1, 0, 0), prev(4, 10, 0));
    double[] now = {0.2, 0, 50, 50, -50, -50};
    IdMapping m = IdMatcher.match(now, new long[] {30, 10, 20}, identity(XY), previous, 7, 1.0);
    assertThat(m.segmentIds()).containsExactly(1, 9, 8); // cluster 2 is larger than cluster 1: it gets 8
    assertThat(m.decisions().get(1).reason()).contains("nearest previous segment, 4").contains("not below");
    assertThat(m.retired()).containsExactly(4);
  }

  @Test
  void aNearPairTakenByACloserClusterIsSaid() {
    // Both new clusters are near previous segment 1; the closer one continues it.
    List<SegmentProfile> previous = List.of(prev(1, 0, 0));
    double[] now = {0.5, 0, 0.1, 0};
    IdMapping m = IdMatcher.match(now, new long[] {10, 10}, identity(XY), previous, 0, 1.0);
    assertThat(m.segmentIds()).containsExactly(2, 1);
    assertThat(m.decisions().get(0).reason()).contains("continues in a cluster closer to it");
  }

  @Test
  void keepsAsManyIdsAsPossibleThenTheLeastDistance() {
    // Greedy nearest would give previous 1 to cluster 0 (0.3 away) and leave cluster 1 (0.9 from 1, 1.8 from 2)
    // without a partner; the assignment gives cluster 0 -> 2 (0.6) and cluster 1 -> 1 (0.9) and keeps both ids.
    List<SegmentProfile> previous = List.of(prev(1, 0, 0), prev(2, 0.9, 0));
    double[] now = {0.3, 0, -0.9, 0};
    IdMapping m = IdMatcher.match(now, new long[] {10, 10}, identity(XY), previous, 0, 1.0);
    assertThat(m.segmentIds()).containsExactly(2, 1);
    assertThat(m.decisions().get(0).reason()).contains("its nearest, segment 1, went to a cluster");
    // A far new cluster does not pull a near pair apart: 0 -> 1 and 1 -> 2 stay, the far one is new.
    IdMapping far = IdMatcher.match(new double[] {0.1, 0, 1.0, 0, 40, 0}, new long[] {5, 5, 5}, identity(XY),
        List.of(prev(1, 0, 0), prev(2, 0.9, 0), prev(3, -30, 0)), 0, 1.0);
    assertThat(far.segmentIds()).containsExactly(1, 2, 4);
    assertThat(far.retired()).containsExactly(3);
  }

  /** Every kept pair is below the threshold, and no unmatched cluster/segment pair is below it. */
  @Property(tries = 100)
  void matchingIsMaximalUnderTheThreshold(@ForAll @IntRange(min = 1, max = 7) int k,
      @ForAll @IntRange(min = 0, max = 7) int p, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SegmentProfile> previous = new ArrayList<>();
    for (int q = 0; q < p; q++) previous.add(prev(q + 1, 3 * r.nextDouble(), 3 * r.nextDouble()));
    double[] now = new double[2 * k];
    for (int i = 0; i < now.length; i++) now[i] = 3 * r.nextDouble();
    long[] sizes = new long[k];
    java.util.Arrays.fill(sizes, 1);
    IdMapping m = IdMatcher.match(now, sizes, identity(XY), previous, 0, 1.0);
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (IdMapping.Decision d : m.decisions()) {
      if (d.previousSegmentId() != null) {
        assertThat(d.distance()).isLessThan(1.0);
        taken.add(d.previousSegmentId());
      } else {
        assertThat(d.segmentId()).isGreaterThan(p);
      }
    }
    for (IdMapping.Decision d : m.decisions()) {
      if (d.previousSegmentId() != null) continue;
      for (SegmentProfile q : previous) {
        if (taken.contains(q.segmentId())) continue;
        double dx = now[2 * d.cluster()] - q.centroid().get("x");
        double dy = now[2 * d.cluster() + 1] - q.centroid().get("y");
        assertThat(Math.hypot(dx, dy)).isGreaterThanOrEqualTo(1.0); // else both could have been kept
      }
    }
    assertThat(m.segmentIds()).doesNotHaveDuplicates();
  }

  @Test
  void centroidsAreComparedInThisRunsTransformedSpace() {
    // Previous centroids are in original units; this run standardised x by a large spread.
    double[] points = {0, 0, 1000, 0, 0, 1, 1000, 1};
    FittedTransform z = Transform.of(new Transform.Standardise()).fit(points, 4, XY).transform();
    double[] now = {0, 0};
    z.applyRow(now); // a centroid at the origin, in this run's space
    IdMapping m = IdMatcher.match(now, new long[] {4}, z, List.of(prev(3, 100, 0)), 0, 1.0);
    // 100 units of x are 0.2 standard deviations: a match (it would be 100 apart in raw units).
    assertThat(m.segmentIds()).containsExactly(3);
    assertThat(m.decisions().get(0).distance()).isLessThan(0.3);
  }

  @Test
  void differentFeaturesMatchNothing() {
    IdMapping m = IdMatcher.match(new double[] {0, 0}, new long[] {1}, identity(List.of("x", "z")),
        List.of(prev(5, 0, 0)), 0, 1.0);
    assertThat(m.featuresMatched()).isFalse();
    assertThat(m.segmentIds()).containsExactly(6);
    assertThat(m.note()).contains("[x, y]").contains("[x, z]");
    assertThat(m.decisions().get(0).reason()).contains("features differ");
    // The same names in another order do match.
    IdMapping same = IdMatcher.match(new double[] {1, 2}, new long[] {1}, identity(List.of("y", "x")),
        List.of(prev(5, 2, 1)), 0, 1.0);
    assertThat(same.segmentIds()).containsExactly(5);
  }

  @Test
  void badThresholdIsAConfigError() {
    assertThatThrownBy(() -> IdMatcher.match(new double[] {0, 0}, new long[] {1}, identity(XY), List.of(), 0, -1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("segment.match_threshold");
  }
}
