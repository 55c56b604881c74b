package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import larder.core.ConfigException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SilhouetteTest {

  @Test
  void perfectTwoClusterSplitIsCloseToOne() {
    Blobs b = Blobs.of(4_000, 3, 2, 100, 1, 4);
    double s = Silhouette.sampled(b.points(), b.n(), 3, b.truth(), 2, 1_000, 1);
    assertThat(s).isGreaterThan(0.95).isLessThanOrEqualTo(1.0);
  }

  @Test
  void randomLabelsOnStructurelessDataAreNearZero() {
    double[] x = Blobs.uniform(4_000, 3, 0, 2);
    int[] labels = new int[4_000];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(4);
    double s = Silhouette.sampled(x, 4_000, 3, labels, 4, 2_000, 1);
    assertThat(s).isBetween(-0.1, 0.1);
  }

  @Test
  void swappingTheTwoGroupsHalfWayGivesANegativeScore() {
    Blobs b = Blobs.of(1_000, 2, 2, 50, 1, 8);
    int[] wrong = b.truth().clone();
    for (int i = 0; i < wrong.length; i++) if ((i / 2) % 2 == 0) wrong[i] = 1 - wrong[i]; // each label: half of each group
    assertThat(Silhouette.sampled(b.points(), b.n(), 2, wrong, 2, 1_000, 1)).isLessThan(0.05);
  }

  /** With the sample as large as the data it is the textbook silhouette, computed here the slow way. */
  @Property(tries = 40)
  void fullSampleEqualsTheDefinition(@ForAll @IntRange(min = 2, max = 120) int n,
      @ForAll @IntRange(min = 1, max = 4) int d, @ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    double[] x = Blobs.uniform(n, d, 0, seed);
    int[] labels = new int[n];
    SplittableRandom r = new SplittableRandom(seed + 1);
    for (int i = 0; i < n; i++) labels[i] = r.nextInt(k);
    double fast = Silhouette.sampled(x, n, d, labels, k, n + r.nextInt(3), 7);
    double total = 0;
    int present = 0;
    for (int c = 0; c < k; c++) {
      for (int l : labels) {
        if (l == c) {
          present++;
          break;
        }
      }
    }
    if (present < 2) {
      assertThat(fast).isNaN();
      return;
    }
    for (int i = 0; i < n; i++) {
      double[] sum = new double[k];
      int[] cnt = new int[k];
      for (int o = 0; o < n; o++) {
        if (o == i) continue;
        sum[labels[o]] += Math.sqrt(Points.dist2(x, i, x, o, d));
        cnt[labels[o]]++;
      }
      if (cnt[labels[i]] == 0) continue;
      double a = sum[labels[i]] / cnt[labels[i]];
      double b = Double.MAX_VALUE;
      for (int c = 0; c < k; c++) if (c != labels[i] && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
      total += (b - a) / Math.max(a, b);
    }
    assertThat(fast).isCloseTo(total / n, within(1e-9));
  }

  @Test
  void sampleIsDistinctAndSeeded() {
    int[] s = Silhouette.sample(1_000, 300, 5);
    assertThat(s).doesNotHaveDuplicates().hasSize(300);
    assertThat(java.util.Arrays.stream(s).min().orElseThrow()).isNotNegative();
    assertThat(java.util.Arrays.stream(s).max().orElseThrow()).isLessThan(1_000);
    assertThat(Silhouette.sample(1_000, 300, 5)).isEqualTo(s);
    assertThat(Silhouette.sample(1_000, 300, 6)).isNotEqualTo(s);
  }

  @Test
  void tooSmallASampleIsAConfigError() {
    double[] x = Blobs.uniform(10, 2, 0, 1);
    assertThatThrownBy(() -> Silhouette.sampled(x, 10, 2, new int[10], 2, 1, 1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kmeans.silhouette_sample");
  }
}
