package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HoldoutTest {
  @Property(tries = 50)
  void splitPartitionsEachUsersInteractions(@ForAll @IntRange(min = 1, max = 40) int users,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll @DoubleRange(min = 0.01, max = 0.99) double fraction,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    Holdout.Split s = Holdout.perUser(in, fraction, seed);
    assertThat(s.train().users()).isSameAs(in.users());
    assertThat(s.test().items()).isSameAs(in.items());
    SparseMatrix all = in.byUser();
    SparseMatrix train = s.train().byUser();
    SparseMatrix test = s.test().byUser();
    assertThat(train.nonZeros() + test.nonZeros()).isEqualTo(all.nonZeros());
    for (int u = 0; u < users; u++) {
      int len = all.rowLength(u);
      for (int p = all.rowStart(u); p < all.rowEnd(u); p++) {
        int i = all.cols()[p];
        // Every interaction is in exactly one part, with its weight.
        assertThat(train.contains(u, i) ^ test.contains(u, i)).isTrue();
        assertThat(train.get(u, i) + test.get(u, i)).isEqualTo(all.vals()[p]);
      }
      if (len < 2) {
        assertThat(test.rowLength(u)).isZero();
      } else {
        assertThat(test.rowLength(u)).isBetween(1, len - 1)
            .isEqualTo((int) Math.max(1, Math.min(len - 1, Math.round(fraction * len))));
      }
      for (SparseMatrix m : new SparseMatrix[] {train, test}) {
        for (int p = m.rowStart(u) + 1; p < m.rowEnd(u); p++) assertThat(m.cols()[p]).isGreaterThan(m.cols()[p - 1]);
      }
    }
  }

  @Property(tries = 20)
  void sameSeedSameSplitOtherSeedUsuallyNot(@ForAll long seed) {
    Interactions in = RandomInteractions.of(30, 40, 0.4, 3L);
    Holdout.Split a = Holdout.perUser(in, 0.3, seed);
    Holdout.Split b = Holdout.perUser(in, 0.3, seed);
    Holdout.Split c = Holdout.perUser(in, 0.3, seed + 1);
    assertThat(b.test().byUser().cols()).isEqualTo(a.test().byUser().cols());
    assertThat(c.test().byUser().cols()).isNotEqualTo(a.test().byUser().cols());
  }

  @Property(tries = 30)
  void eachPartKeepsItsInteractionsTimes(@ForAll @IntRange(min = 1, max = 30) int users, @ForAll boolean latest,
      @ForAll long seed) {
    Interactions plain = RandomInteractions.of(users, 20, 0.3, seed);
    SparseMatrix all = plain.byUser();
    long[] times = new long[(int) all.nonZeros()];
    // a time that names its interaction, and now and then none
    for (int u = 0; u < users; u++) {
      for (int p = all.rowStart(u); p < all.rowEnd(u); p++) {
        times[p] = Math.floorMod(seed + p, 7) == 0 ? Interactions.NO_TIME : 1_000L * u + all.cols()[p];
      }
    }
    Interactions in = plain.withTimes(times);
    Holdout.Split s = latest ? Holdout.latestPerUser(in, times, 0.3) : Holdout.perUser(in, 0.3, seed);
    for (Interactions part : new Interactions[] {s.train(), s.test()}) {
      SparseMatrix m = part.byUser();
      assertThat(part.times()).hasSize((int) m.nonZeros());
      for (int u = 0; u < users; u++) {
        for (int p = m.rowStart(u); p < m.rowEnd(u); p++) {
          int at = java.util.Arrays.binarySearch(all.cols(), all.rowStart(u), all.rowEnd(u), m.cols()[p]);
          assertThat(part.times()[p]).isEqualTo(times[at]);
        }
      }
    }
    assertThat(Holdout.perUser(plain, 0.3, seed).train().times()).isNull();
  }

  @Test
  void fractionMustBeStrictlyBetweenZeroAndOne() {
    Interactions in = RandomInteractions.of(3, 3, 0.5, 1L);
    for (double bad : new double[] {0, 1, -0.5, Double.NaN}) {
      assertThatThrownBy(() -> Holdout.perUser(in, bad, 1L))
          .isInstanceOf(ConfigException.class).hasMessageContaining("eval.holdout_fraction");
    }
  }
}
