package larder.train.segment.rfm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RfmScoresTest {

  @Property(tries = 100)
  void scoresAreTieConsistentAndMonotone(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 50) int distinct, @ForAll boolean lowerIsBetter,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = r.nextInt(distinct);
    byte[] s = RfmScores.quintiles(v, lowerIsBetter);
    for (int i = 0; i < n; i++) {
      assertThat(s[i]).isBetween((byte) 1, (byte) 5);
      for (int j = 0; j < n; j++) {
        if (v[i] == v[j]) assertThat(s[i]).isEqualTo(s[j]);
        boolean iBetter = lowerIsBetter ? v[i] < v[j] : v[i] > v[j];
        if (iBetter) assertThat(s[i]).isGreaterThanOrEqualTo(s[j]);
      }
    }
    // The worst value always scores 1; the score counts strictly worse customers, in fifths.
    double worst = lowerIsBetter ? Arrays.stream(v).max().orElseThrow() : Arrays.stream(v).min().orElseThrow();
    for (int i = 0; i < n; i++) {
      if (v[i] == worst) assertThat(s[i]).isEqualTo((byte) 1);
      long worse = 0;
      for (double o : v) if (lowerIsBetter ? o > v[i] : o < v[i]) worse++;
      assertThat(s[i]).isEqualTo((byte) (1 + 5 * worse / n));
    }
  }

  @Test
  void distinctValuesFallIntoEqualFifths() {
    double[] v = new double[1_000];
    for (int i = 0; i < v.length; i++) v[i] = (i * 7919) % 1_000; // a permutation of 0..999
    byte[] s = RfmScores.quintiles(v, false);
    int[] count = new int[6];
    for (int i = 0; i < v.length; i++) {
      count[s[i]]++;
      assertThat(s[i]).isEqualTo((byte) (1 + (int) v[i] / 200));
    }
    assertThat(count).containsExactly(0, 200, 200, 200, 200, 200);
    byte[] recency = RfmScores.quintiles(v, true);
    for (int i = 0; i < v.length; i++) assertThat(recency[i]).isEqualTo((byte) (5 - (int) v[i] / 200));
  }

  @Test
  void heavyTiesShareOneScore() {
    // 60% bought once: all score F = 1, and the next frequency jumps to 4 (60% are strictly below it).
    double[] f = new double[100];
    for (int i = 0; i < 100; i++) f[i] = i < 60 ? 1 : i < 80 ? 2 : 3;
    byte[] s = RfmScores.quintiles(f, false);
    assertThat(s[0]).isEqualTo((byte) 1);
    assertThat(s[60]).isEqualTo((byte) 4);
    assertThat(s[99]).isEqualTo((byte) 5);
  }

  @Test
  void combinedScoreHasOneDigitPerLetter() {
    RfmFeatures rfm = new RfmFeatures(larder.core.IdMap.sequential(5), new int[5], new double[] {0, 1, 2, 3, 4},
        new double[] {5, 4, 3, 2, 1}, new double[] {10, 10, 10, 10, 99}, Monetary.TOTAL, java.time.Instant.EPOCH, 0, 0);
    short[] score = RfmScores.of(rfm);
    assertThat(score).containsExactly((short) 551, (short) 441, (short) 331, (short) 221, (short) 115);
    assertThat(RfmScores.r(score[1])).isEqualTo(4);
    assertThat(RfmScores.f(score[1])).isEqualTo(4);
    assertThat(RfmScores.m(score[4])).isEqualTo(5);
  }
}
