package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class AdjustedRandTest {

  @Property(tries = 50)
  void renamingTheLabelsKeepsFullAgreement(@ForAll @IntRange(min = 2, max = 300) int n,
      @ForAll @IntRange(min = 2, max = 9) int k, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    int[] a = random(n, k, seed);
    int[] b = new int[n];
    for (int i = 0; i < n; i++) b[i] = (a[i] * 7 + 3) % 11 + 2; // an injective renaming, with gaps
    assertThat(AdjustedRand.index(a, b)).isCloseTo(1.0, within(1e-12));
  }

  /** Against the definition: count agreeing pairs over all n² pairs. */
  @Property(tries = 50)
  void equalsThePairCountingDefinition(@ForAll @IntRange(min = 2, max = 150) int n,
      @ForAll @IntRange(min = 1, max = 6) int ka, @ForAll @IntRange(min = 1, max = 6) int kb,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    int[] a = random(n, ka, seed);
    int[] b = random(n, kb, seed + 1);
    long both = 0;
    long inA = 0;
    long inB = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        boolean sa = a[i] == a[j];
        boolean sb = b[i] == b[j];
        if (sa && sb) both++;
        if (sa) inA++;
        if (sb) inB++;
      }
    }
    double pairs = n * (n - 1) / 2.0;
    double expected = inA * (double) inB / pairs;
    double max = (inA + inB) / 2.0;
    double ari = max == expected ? 1.0 : (both - expected) / (max - expected);
    assertThat(AdjustedRand.index(a, b)).isCloseTo(ari, within(1e-9));
  }

  @Test
  void independentLabelingsScoreNearZero() {
    assertThat(AdjustedRand.index(random(20_000, 5, 1), random(20_000, 5, 2))).isBetween(-0.01, 0.01);
  }

  private static int[] random(int n, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = r.nextInt(k);
    return a;
  }
}
