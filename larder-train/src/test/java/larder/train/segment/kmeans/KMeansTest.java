package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class KMeansTest {

  @Property(tries = 15)
  void recoversPlantedGaussianClusters(@ForAll @IntRange(min = 2, max = 8) int k,
      @ForAll @IntRange(min = 2, max = 5) int d, @ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    Blobs b = Blobs.of(300 * k, d, k, 10, 1, seed);
    KMeansResult r = KMeans.fit(b.points(), b.n(), d, KMeansParams.defaults(k).withSeed(seed).withThreads(2),
        Progress.NONE);
    assertThat(AdjustedRand.index(b.truth(), r.assignment())).isGreaterThanOrEqualTo(0.9);
  }

  @Property(tries = 40)
  void moreRestartsNeverLoseToTheFirstStart(@ForAll @IntRange(min = 50, max = 600) int n,
      @ForAll @IntRange(min = 1, max = 4) int d, @ForAll @IntRange(min = 2, max = 12) int k,
      @ForAll @IntRange(min = 2, max = 6) int restarts, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    double[] x = Blobs.uniform(n, d, 0, seed + 17);
    KMeansParams one = new KMeansParams(k, 1, 100, 1e-4, seed, 1);
    KMeansResult single = KMeans.fit(x, n, d, one, Progress.NONE);
    KMeansResult many = KMeans.fit(x, n, d, one.withRestarts(restarts), Progress.NONE);
    assertThat(many.inertia()).isLessThanOrEqualTo(single.inertia());
    assertThat(many.restartInertias()).hasSize(restarts);
    assertThat(many.restartInertias()[0]).isEqualTo(single.inertia());
    assertThat(many.inertia()).isEqualTo(Arrays.stream(many.restartInertias()).min().orElseThrow());
    assertThat(many.restartInertias()[many.restartChosen()]).isEqualTo(many.inertia());
  }

  /** The accelerated algorithm against plain Lloyd from the same seeds, on continuous data and on a grid full of ties. */
  @Property(tries = 60)
  void hamerlyAgreesWithLloyd(@ForAll @IntRange(min = 1, max = 700) int n, @ForAll @IntRange(min = 1, max = 5) int d,
      @ForAll @IntRange(min = 1, max = 16) int k, @ForAll @IntRange(min = 0, max = 4) int grid,
      @ForAll @IntRange(min = 1, max = 3) int restarts, @ForAll @IntRange(min = 0, max = 2) int tolerance,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    int kk = Math.min(k, n);
    double[] x = Blobs.uniform(n, d, grid, seed);
    KMeansParams p = new KMeansParams(kk, restarts, 60, tolerance == 0 ? 0 : Math.pow(10, -2 * tolerance), seed, 2);
    KMeansResult slow = Lloyd.fit(x, n, d, p);
    for (boolean vector : kernels()) {
      // Hamerly's bounds on the plain kernel, Lloyd's scan on the Vector API: both Lloyd's assignments
      KMeansResult fast = KMeans.fit(x, n, d, p, Progress.NONE, vector);
      assertThat(fast.assignment()).as("vector %s", vector).isEqualTo(slow.assignment());
      assertThat(fast.iterations()).isEqualTo(slow.iterations());
      assertThat(fast.restartChosen()).isEqualTo(slow.restartChosen());
      for (int q = 0; q < fast.centroids().length; q++) {
        assertThat(fast.centroids()[q]).isCloseTo(slow.centroids()[q], within(1e-9));
      }
      assertThat(fast.inertia()).isCloseTo(slow.inertia(), within(1e-9 * (1 + slow.inertia())));
    }
  }

  /** The kernels this JVM can run: the plain one always, the Vector API's where the module is present. */
  static List<Boolean> kernels() {
    return larder.train.kernel.VectorSupport.enabled() ? List.of(false, true) : List.of(false);
  }

  @Test
  void hamerlyAgreesWithLloydOnPlantedClustersOverManyBlocks() {
    Blobs b = Blobs.of(20_000, 3, 8, 1, 1, 5); // overlapping clusters: many points near the boundaries
    KMeansParams p = new KMeansParams(8, 2, 100, 0, 5, 2);
    KMeansResult slow = Lloyd.fit(b.points(), b.n(), 3, p);
    for (boolean vector : kernels()) {
      KMeansResult fast = KMeans.fit(b.points(), b.n(), 3, p, Progress.NONE, vector);
      assertThat(fast.assignment()).isEqualTo(slow.assignment());
      assertThat(fast.centroids()).containsExactly(slow.centroids(), within(1e-9));
      assertThat(fast.iterations()).isGreaterThan(10).isEqualTo(slow.iterations());
    }
  }

  @Property(tries = 8)
  void threadsDoNotChangeTheResult(@ForAll @IntRange(min = 4_000, max = 15_000) int n,
      @ForAll @IntRange(min = 2, max = 10) int k, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    Blobs b = Blobs.of(n, 3, k, 2, 1, seed);
    KMeansParams p = new KMeansParams(k, 2, 50, 0, seed, 1);
    KMeansResult one = KMeans.fit(b.points(), n, 3, p, Progress.NONE);
    KMeansResult two = KMeans.fit(b.points(), n, 3, p.withThreads(2), Progress.NONE);
    KMeansResult three = KMeans.fit(b.points(), n, 3, p.withThreads(3), Progress.NONE);
    for (KMeansResult other : List.of(two, three)) {
      assertThat(other.assignment()).isEqualTo(one.assignment());
      assertThat(other.centroids()).isEqualTo(one.centroids());
      assertThat(other.inertia()).isEqualTo(one.inertia());
      assertThat(other.restartInertias()).isEqualTo(one.restartInertias());
    }
  }

  @Test
  void sameSeedSameResultOtherSeedOtherStart() {
    double[] x = Blobs.uniform(2_000, 2, 0, 3);
    KMeansParams p = KMeansParams.defaults(6).withSeed(11);
    KMeansResult a = KMeans.fit(x, 2_000, 2, p, Progress.NONE);
    KMeansResult b = KMeans.fit(x, 2_000, 2, p, Progress.NONE);
    KMeansResult c = KMeans.fit(x, 2_000, 2, p.withSeed(12), Progress.NONE);
    assertThat(b.assignment()).isEqualTo(a.assignment());
    assertThat(b.centroids()).isEqualTo(a.centroids());
    assertThat(b.restartInertias()).isEqualTo(a.restartInertias());
    assertThat(c.restartInertias()).isNotEqualTo(a.restartInertias());
  }

  /** What every fit promises: nearest-centroid assignment, inertia as reported, centroid = mean once converged. */
  @Property(tries = 40)
  void resultIsConsistent(@ForAll @IntRange(min = 1, max = 500) int n, @ForAll @IntRange(min = 1, max = 4) int d,
      @ForAll @IntRange(min = 1, max = 10) int k, @ForAll @IntRange(min = 0, max = 3) int grid,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    int kk = Math.min(k, n);
    double[] x = Blobs.uniform(n, d, grid, seed);
    KMeansResult r = KMeans.fit(x, n, d, new KMeansParams(kk, 2, 300, 0, seed, 2), Progress.NONE);
    double[] c = r.centroids();
    double inertia = 0;
    for (int i = 0; i < n; i++) {
      double own = Points.dist2(x, i, c, r.assignment()[i], d);
      for (int j = 0; j < kk; j++) assertThat(own).isLessThanOrEqualTo(Points.dist2(x, i, c, j, d));
      inertia += own;
    }
    assertThat(r.inertia()).isCloseTo(inertia, within(1e-9 * (1 + inertia)));
    if (r.iterations() < 300) {
      int[] sizes = r.sizes(kk);
      for (int j = 0; j < kk; j++) {
        if (sizes[j] == 0) continue;
        for (int t = 0; t < d; t++) {
          double mean = 0;
          for (int i = 0; i < n; i++) if (r.assignment()[i] == j) mean += x[i * d + t];
          assertThat(c[j * d + t]).isCloseTo(mean / sizes[j], within(1e-9));
        }
      }
    }
  }

  @Test
  void kAboveNIsAConfigErrorNamingBoth() {
    double[] x = Blobs.uniform(5, 2, 0, 1);
    assertThatThrownBy(() -> KMeans.fit(x, 5, 2, KMeansParams.defaults(6), Progress.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k = 6").hasMessageContaining("5 points")
        .satisfies(e -> assertThat(((ConfigException) e).hint()).contains("k <= 5"));
  }

  @Test
  void oneClusterIsTheMean() {
    Blobs b = Blobs.of(1_000, 3, 3, 5, 1, 2);
    KMeansResult r = KMeans.fit(b.points(), 1_000, 3, KMeansParams.defaults(1), Progress.NONE);
    double expected = 0;
    for (int t = 0; t < 3; t++) {
      double mean = 0;
      for (int i = 0; i < 1_000; i++) mean += b.points()[i * 3 + t];
      mean /= 1_000;
      assertThat(r.centroids()[t]).isCloseTo(mean, within(1e-9));
      for (int i = 0; i < 1_000; i++) expected += Math.pow(b.points()[i * 3 + t] - mean, 2);
    }
    assertThat(r.assignment()).containsOnly(0);
    assertThat(r.inertia()).isCloseTo(expected, within(1e-6));
  }

  @Test
  void kEqualsNGivesEveryPointItsOwnCluster() {
    double[] x = Blobs.uniform(40, 2, 0, 9);
    KMeansResult r = KMeans.fit(x, 40, 2, KMeansParams.defaults(40), Progress.NONE);
    assertThat(r.sizes(40)).containsOnly(1);
    assertThat(r.inertia()).isZero();
  }

  @Test
  void duplicatePointsClusterToTheirValuesAndMoreClustersThanValuesStillFinish() {
    int n = 150;
    double[] x = new double[n * 2];
    double[][] values = {{0, 0}, {5, 5}, {-3, 8}};
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      truth[i] = i % 3;
      x[i * 2] = values[i % 3][0];
      x[i * 2 + 1] = values[i % 3][1];
    }
    KMeansResult three = KMeans.fit(x, n, 2, KMeansParams.defaults(3), Progress.NONE);
    assertThat(three.inertia()).isZero();
    assertThat(AdjustedRand.index(truth, three.assignment())).isEqualTo(1.0);
    KMeansResult five = KMeans.fit(x, n, 2, KMeansParams.defaults(5).withTolerance(0), Progress.NONE);
    assertThat(five.inertia()).isZero();
    assertThat(five.iterations()).isLessThan(100);
    assertThat(AdjustedRand.index(truth, five.assignment())).isEqualTo(1.0);
  }

  @Test
  void emptyClustersAreReseededFromTheFarthestPoint() {
    // Start all centroids near one end: Lloyd's first pass leaves clusters empty.
    double[] x = new double[200];
    for (int i = 0; i < 200; i++) x[i] = i < 100 ? i * 0.01 : 100 + i * 0.01;
    double[] init = {0, 0.001, 0.002};
    KMeansResult r = Lloyd.refine(x, 200, 1, 3, init, 100, 0);
    assertThat(r.sizes(3)).doesNotContain(0);
    assertThat(r.inertia()).isLessThan(100); // both far groups found, not one cluster spanning 100 units
  }

  @Test
  void badFeatureNamesRowAndColumn() {
    double[] x = Blobs.uniform(10, 3, 0, 1);
    x[4 * 3 + 1] = Double.NaN;
    assertThatThrownBy(() -> KMeans.fit(x, 10, 3, KMeansParams.defaults(2), Progress.NONE))
        .isInstanceOf(InputException.class)
        .satisfies(e -> {
          InputException ie = (InputException) e;
          assertThat(ie.line()).isEqualTo(5);
          assertThat(ie.field()).isEqualTo("feature 2");
        });
  }

  @Test
  void reportsIterationsAndOneNotePerRestart() {
    List<String> notes = new ArrayList<>();
    List<long[]> updates = new ArrayList<>();
    Progress p = new Progress() {
      @Override public synchronized void update(String phase, long done, long total, String unit) {
        assertThat(phase).isEqualTo("kmeans");
        assertThat(unit).isEqualTo("iterations");
        updates.add(new long[] {done, total});
      }

      @Override public synchronized void note(String phase, String message) {
        notes.add(message);
      }
    };
    Blobs b = Blobs.of(2_000, 2, 4, 2, 1, 3);
    KMeansResult r = KMeans.fit(b.points(), 2_000, 2, new KMeansParams(4, 3, 40, 1e-4, 1, 2), p);
    assertThat(notes).hasSize(3).allSatisfy(m -> assertThat(m).contains("inertia"));
    assertThat(updates).allSatisfy(u -> assertThat(u[1]).isEqualTo(40)).allSatisfy(u -> assertThat(u[0]).isBetween(1L, 40L));
    assertThat(updates.size()).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(120);
    assertThat(updates.stream().filter(u -> u[0] == 1).count()).isEqualTo(3);
    assertThat(notes.get(r.restartChosen())).contains(String.format("%.6g", r.inertia()));
  }
}
