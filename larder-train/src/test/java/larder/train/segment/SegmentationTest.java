package larder.train.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import larder.core.ConfigException;
import larder.core.FeatureTable;
import larder.core.IdMap;
import larder.core.Progress;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.generate.CustomerParams;
import larder.train.segment.kmeans.AdjustedRand;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.rfm.RfmSegment;
import larder.train.segment.stable.IdMapping;
import larder.train.segment.stable.Transitions;
import larder.train.segment.transform.Transform;
import net.jqwik.api.ForAll;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SegmentationTest {

  private static final Transform LOG_Z = Transform.log1pStandardise();

  private static SegmentationResult kmeans(Planted d, int k, long seed, Previous previous) {
    return Segmentation.kmeans(SegmentFeatures.of(d.rfm()), LOG_Z, KSpec.fixed(k),
        KMeansParams.defaults(k).withSeed(seed).withThreads(2), previous, Progress.NONE);
  }

  @Property(tries = 8, edgeCases = EdgeCasesMode.NONE)
  void kmeansOnLogStandardisedRfmRecoversThePlantedTypes(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    Planted d = Planted.of(CustomerParams.of(3_000, seed));
    SegmentationResult r = kmeans(d, 5, seed, null);
    assertThat(AdjustedRand.index(d.type(), r.assignment().segment())).isGreaterThanOrEqualTo(0.8);
    // Raw RFM (no transform): spend in currency units dominates the distances and the types are not recovered.
    SegmentationResult raw = Segmentation.kmeans(SegmentFeatures.of(d.rfm()), Transform.none(), KSpec.fixed(5),
        KMeansParams.defaults(5).withSeed(seed), null, Progress.NONE);
    assertThat(AdjustedRand.index(d.type(), raw.assignment().segment())).isLessThan(0.8);
  }

  @Test
  void kmeansLabelsDescribeThePlantedTypes() {
    Planted d = Planted.of(CustomerParams.of(3_000, 7));
    SegmentationResult r = kmeans(d, 5, 7, null);
    int[] major = d.majoritySegment(r.assignment().segment());
    assertThat(label(r, major[d.typeIndex("champions")])).matches("(very )?recent, (very )?frequent, (very )?high spend");
    assertThat(label(r, major[d.typeIndex("lost")])).matches("(long )?lapsed, one-time, (very )?low spend");
    assertThat(label(r, major[d.typeIndex("new")])).matches("(very )?recent, one-time, .*");
    assertThat(label(r, major[d.typeIndex("at risk")])).matches("(lapsing|lapsed|long lapsed), .*").doesNotContain("one-time");
    assertThat(r.profiles()).extracting(SegmentProfile::label).doesNotHaveDuplicates();
    // First run: ids 1..k, the largest segment first.
    assertThat(r.profiles()).extracting(SegmentProfile::segmentId).containsExactly(1, 2, 3, 4, 5);
    long[] sizes = r.profiles().stream().mapToLong(SegmentProfile::size).toArray();
    for (int q = 1; q < sizes.length; q++) assertThat(sizes[q]).isLessThanOrEqualTo(sizes[q - 1]);
    assertThat(r.profiles().stream().mapToDouble(SegmentProfile::share).sum()).isCloseTo(1.0, within(1e-12));
    assertThat(r.transitions()).isEmpty();
    assertThat(r.idMapping().decisions()).allSatisfy(dec -> assertThat(dec.previousSegmentId()).isNull());
  }

  @Test
  void distancesAreToTheOwnCentroidInTheClusteringSpace() {
    Planted d = Planted.of(CustomerParams.of(800, 3));
    SegmentationResult r = kmeans(d, 4, 3, null);
    double[] x = r.transform().apply(d.rfm().rowMajor(), d.rfm().size());
    for (int i = 0; i < d.rfm().size(); i += 37) {
      SegmentProfile p = profile(r, r.assignment().segment()[i]);
      double[] c = p.centroid().values().stream().mapToDouble(Double::doubleValue).toArray();
      r.transform().applyRow(c); // centroids are reported in original units: map back
      double s = 0;
      for (int t = 0; t < 3; t++) s += (x[i * 3 + t] - c[t]) * (x[i * 3 + t] - c[t]);
      assertThat((double) r.assignment().distance()[i]).isCloseTo(Math.sqrt(s), within(1e-4));
      // ... and it is the nearest centroid.
      for (SegmentProfile o : r.profiles()) {
        double[] oc = o.centroid().values().stream().mapToDouble(Double::doubleValue).toArray();
        r.transform().applyRow(oc);
        double so = 0;
        for (int t = 0; t < 3; t++) so += (x[i * 3 + t] - oc[t]) * (x[i * 3 + t] - oc[t]);
        assertThat(so).isGreaterThanOrEqualTo(s - 1e-9);
      }
    }
    assertThat(r.assignment().rfm().score()[0]).isBetween((short) 111, (short) 555);
  }

  @Test
  void rfmRulesPutPlantedChampionsAndLostWhereExpected() {
    Planted d = Planted.of(CustomerParams.of(4_000, 11));
    SegmentationResult r = Segmentation.rfmRules(d.rfm(), null);
    int[] seg = r.assignment().segment();
    assertThat(d.shareIn(seg, d.typeIndex("champions"), RfmSegment.CHAMPIONS.id())).isGreaterThan(0.9);
    assertThat(d.shareIn(seg, d.typeIndex("lost"), RfmSegment.LOST.id(), RfmSegment.HIBERNATING.id()))
        .isGreaterThan(0.75);
    assertThat(d.shareIn(seg, d.typeIndex("lost"), RfmSegment.CHAMPIONS.id(), RfmSegment.LOYAL.id())).isZero();
    assertThat(d.shareIn(seg, d.typeIndex("champions"), RfmSegment.LOST.id(), RfmSegment.HIBERNATING.id(),
        RfmSegment.AT_RISK.id())).isZero();
    for (SegmentProfile p : r.profiles()) {
      assertThat(p.label()).isEqualTo(RfmSegment.byId(p.segmentId()).label());
      assertThat(p.centroid()).isEmpty();
      assertThat(p.recencyMedian()).isNotNull();
    }
    assertThat(r.assignment().distance()).containsOnly(0f);
    for (int i = 0; i < seg.length; i++) {
      assertThat(seg[i]).isEqualTo(RfmSegment.ofScore(r.assignment().rfm().score()[i]).id());
    }
  }

  @Test
  void rerunOnFreshDataKeepsIdsAndMostCustomersStay() {
    CustomerParams p = CustomerParams.of(3_000, 21);
    Planted first = Planted.of(p);
    Planted second = Planted.of(p.withSeed(22)); // same customers and types, new behaviour
    SegmentationResult r1 = kmeans(first, 5, 1, null);
    // As a store streams them: (customer id, segment) pairs of the previous batch, one customer gone, one new.
    Previous.Builder pairs = Previous.builder(second.rfm().customers());
    for (int i = 1; i < first.rfm().size(); i++) {
      pairs.accept(first.rfm().customers().name(i), r1.assignment().segment()[i]);
    }
    pairs.accept("someone who left", r1.assignment().segment()[0]);
    SegmentationResult r2 = kmeans(second, 5, 99, pairs.build(r1.profiles(), 0));

    assertThat(second.majoritySegment(r2.assignment().segment()))
        .containsExactly(first.majoritySegment(r1.assignment().segment()));
    assertThat(r2.idMapping().featuresMatched()).isTrue();
    assertThat(r2.idMapping().decisions()).allSatisfy(dec -> {
      assertThat(dec.previousSegmentId()).isEqualTo(dec.segmentId());
      assertThat(dec.distance()).isLessThan(0.5); // drift between samples
    });
    assertThat(r2.idMapping().retired()).isEmpty();
    // Why one-to-one matching keeps the ids: distinct segments lie further apart than a segment drifts.
    double closest = Double.POSITIVE_INFINITY;
    for (SegmentProfile a : r1.profiles()) {
      for (SegmentProfile b : r1.profiles()) {
        if (a.segmentId() >= b.segmentId()) continue;
        double[] ca = a.centroid().values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] cb = b.centroid().values().stream().mapToDouble(Double::doubleValue).toArray();
        r2.transform().applyRow(ca);
        r2.transform().applyRow(cb);
        double s2 = 0;
        for (int t = 0; t < 3; t++) s2 += (ca[t] - cb[t]) * (ca[t] - cb[t]);
        closest = Math.min(closest, Math.sqrt(s2));
      }
    }
    double drift = r2.idMapping().decisions().stream().mapToDouble(IdMapping.Decision::distance).max().orElseThrow();
    assertThat(closest).isGreaterThan(2 * drift);
    assertThat(Transitions.stayedShare(r2.transitions())).isGreaterThan(0.9);
    long diagonal = r2.transitions().stream().filter(t -> t.fromSegment() != null
        && t.fromSegment().equals(t.toSegment())).mapToLong(SegmentTransition::customers).sum();
    assertThat(diagonal).isGreaterThan((long) (0.9 * second.rfm().size()));
    // Customer 0 is missing from the previous pairs: it counts as new; its previous segment lost one to "left".
    int firstSegment = r1.assignment().segment()[0];
    assertThat(r2.transitions()).contains(new SegmentTransition(firstSegment, null, 1));
    assertThat(r2.transitions().stream().filter(t -> t.fromSegment() == null).mapToLong(SegmentTransition::customers)
        .sum()).isEqualTo(1);
  }

  @Test
  void changingKKeepsMatchedIdsAndGivesFreshOnesToTheRest() {
    CustomerParams p = CustomerParams.of(3_000, 31);
    Planted first = Planted.of(p);
    Planted second = Planted.of(p.withSeed(32));
    SegmentationResult r1 = kmeans(first, 5, 1, null);
    int[] major1 = first.majoritySegment(r1.assignment().segment());
    int[] prev = Planted.previousSegments(second.rfm(), first.rfm(), r1.assignment().segment());
    Previous previous = new Previous(r1.profiles(), prev, 8); // ids up to 8 were used by older batches

    SegmentationResult more = kmeans(second, 7, 5, previous);
    Set<Integer> oldIds = ids(r1);
    int kept = 0;
    for (IdMapping.Decision dec : more.idMapping().decisions()) {
      if (dec.previousSegmentId() != null) {
        kept++;
        assertThat(dec.segmentId()).isEqualTo(dec.previousSegmentId()).isIn(oldIds);
        assertThat(dec.distance()).isLessThan(1.0);
      } else {
        assertThat(dec.segmentId()).isGreaterThan(8);
        assertThat(dec.reason()).startsWith("new id");
      }
    }
    assertThat(kept).isEqualTo(5);
    assertThat(more.idMapping().segmentIds()).doesNotHaveDuplicates();
    assertThat(ids(more)).contains(9, 10);
    // The types stay in their segments: each type's majority keeps its id.
    int same = 0;
    int[] majorMore = second.majoritySegment(more.assignment().segment());
    for (int t = 0; t < major1.length; t++) if (majorMore[t] == major1[t]) same++;
    assertThat(same).isGreaterThanOrEqualTo(4);

    SegmentationResult fewer = kmeans(second, 4, 5, previous);
    int matched = 0;
    for (IdMapping.Decision dec : fewer.idMapping().decisions()) {
      if (dec.previousSegmentId() != null) {
        matched++;
        assertThat(dec.segmentId()).isEqualTo(dec.previousSegmentId());
      } else {
        assertThat(dec.segmentId()).isGreaterThan(8);
      }
    }
    assertThat(matched).isGreaterThanOrEqualTo(3);
    assertThat(fewer.idMapping().retired()).hasSize(5 - matched);
    assertThat(fewer.idMapping().describe()).contains("cluster 0").contains("without a successor");
    // Every previous customer is accounted for: stayed, moved, or (none here) left.
    long fromPrevious = fewer.transitions().stream().filter(t -> t.fromSegment() != null)
        .mapToLong(SegmentTransition::customers).sum();
    assertThat(fromPrevious).isEqualTo(first.rfm().size());
  }

  @Test
  void otherFeaturesMatchNothingAndSaySo() {
    Planted d = Planted.of(CustomerParams.of(600, 41));
    SegmentationResult r1 = kmeans(d, 3, 1, null);
    FeatureTable table = new FeatureTable(d.rfm().customers(), List.of("recency_days", "orders", "monetary"),
        d.rfm().rowMajor());
    SegmentationResult r2 = Segmentation.kmeans(SegmentFeatures.of(table), LOG_Z, KSpec.fixed(3),
        KMeansParams.defaults(3), new Previous(r1.profiles(), r1.assignment().segment()), Progress.NONE);
    assertThat(r2.idMapping().featuresMatched()).isFalse();
    assertThat(r2.idMapping().note()).contains("[recency_days, frequency, monetary]").contains("orders");
    assertThat(r2.idMapping().segmentIds()).containsExactlyInAnyOrder(4, 5, 6);
    assertThat(r2.profiles()).allSatisfy(pr -> {
      assertThat(pr.recencyMean()).isNull();
      assertThat(pr.centroid()).containsOnlyKeys("recency_days", "orders", "monetary");
      assertThat(pr.label()).contains(" orders");
    });
    assertThat(r2.assignment().rfm()).isNull();
    // Rule-based previous batch: no centroids, nothing to match either.
    SegmentationResult rules = Segmentation.rfmRules(d.rfm(), null);
    SegmentationResult r3 = kmeans(d, 3, 1, new Previous(rules.profiles(), rules.assignment().segment()));
    assertThat(r3.idMapping().note()).contains("no centroids");
    assertThat(Arrays.stream(r3.idMapping().segmentIds()).min().orElseThrow()).isGreaterThan(11);
  }

  @Test
  void autoKReportsTheTableAndUsesTheChosenK() {
    Planted d = Planted.of(CustomerParams.of(1_500, 5));
    SegmentationResult r = Segmentation.kmeans(SegmentFeatures.of(d.rfm()), LOG_Z, KSpec.auto(2, 7, 800),
        KMeansParams.defaults(2).withSeed(5), null, Progress.NONE);
    assertThat(r.kChoice()).isNotNull();
    assertThat(r.kChoice().chosenK()).isBetween(4, 5); // the planted 5; "loyal" and "at risk" may merge
    assertThat(r.profiles()).hasSize(r.kChoice().chosenK());
    assertThat(r.kChoice().table()).contains("silhouette");
    assertThat(AdjustedRand.index(d.type(), r.assignment().segment())).isGreaterThan(0.7);
  }

  @Test
  void tooManySegmentsForTheCustomersIsAConfigError() {
    Planted d = Planted.of(CustomerParams.of(6, 1));
    assertThatThrownBy(() -> kmeans(d, 7, 1, null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k = 7").hasMessageContaining("6 customers");
    assertThatThrownBy(() -> Segmentation.kmeans(SegmentFeatures.of(d.rfm()), LOG_Z, KSpec.auto(8, 9, 100),
        KMeansParams.defaults(2), null, Progress.NONE)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k_min = 8").hasMessageContaining("6 customers");
    // A k_max above the customers is capped: k = 2..6 are tried.
    SegmentationResult r = Segmentation.kmeans(SegmentFeatures.of(d.rfm()), LOG_Z, KSpec.auto(2, 9, 100),
        KMeansParams.defaults(2), null, Progress.NONE);
    assertThat(r.kChoice().rows()).hasSize(5);
  }

  @Test
  void previousSegmentsMustCoverThisRunsCustomers() {
    Planted d = Planted.of(CustomerParams.of(50, 1));
    assertThatThrownBy(() -> kmeans(d, 2, 1, new Previous(List.of(), new int[49])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("49").hasMessageContaining("50");
  }

  @Test
  void rulesAfterKMeansSayTheIdsMeantOtherSegments() {
    Planted d = Planted.of(CustomerParams.of(500, 2));
    SegmentationResult km = kmeans(d, 3, 1, null);
    SegmentationResult rules = Segmentation.rfmRules(d.rfm(), new Previous(km.profiles(), km.assignment().segment()));
    assertThat(rules.idMapping().note()).contains("not segmented by these rules");
    assertThat(rules.transitions().stream().mapToLong(SegmentTransition::customers).sum()).isEqualTo(500);
    SegmentationResult again = Segmentation.rfmRules(d.rfm(),
        new Previous(rules.profiles(), rules.assignment().segment()));
    assertThat(again.idMapping().note()).doesNotContain("not segmented");
    assertThat(Transitions.stayedShare(again.transitions())).isEqualTo(1.0);
  }

  @Test
  void featureTableCustomersKeepTheirIds() {
    IdMap ids = IdMap.sequential(4);
    FeatureTable t = new FeatureTable(ids, List.of("a", "b"), new double[] {0, 0, 0.1, 0, 10, 10, 10.1, 10});
    SegmentationResult r = Segmentation.kmeans(SegmentFeatures.of(t), Transform.none(), KSpec.fixed(2),
        KMeansParams.defaults(2), null, Progress.NONE);
    int[] s = r.assignment().segment();
    assertThat(s[0]).isEqualTo(s[1]).isNotEqualTo(s[2]);
    assertThat(s[2]).isEqualTo(s[3]);
    assertThat(r.assignment().customers()).isSameAs(ids);
    assertThat(r.customersLeftOut()).isZero();
    SegmentProfile p = profile(r, s[2]);
    assertThat(p.centroid().get("a")).isCloseTo(10.05, within(1e-12));
    assertThat(p.label()).isEqualTo("high a, high b");
    assertThat(Arrays.stream(r.idMapping().segmentIds()).sorted().toArray()).containsExactly(1, 2);
  }

  private static Set<Integer> ids(SegmentationResult r) {
    Set<Integer> s = new HashSet<>();
    for (SegmentProfile p : r.profiles()) s.add(p.segmentId());
    return s;
  }

  private static SegmentProfile profile(SegmentationResult r, int id) {
    return r.profiles().stream().filter(p -> p.segmentId() == id).findFirst().orElseThrow();
  }

  private static String label(SegmentationResult r, int id) {
    return profile(r, id).label();
  }
}
