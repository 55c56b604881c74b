package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The time-based holdout: each user's latest interactions are the test part. */
class LatestHoldoutTest {
  private static final long DAY = 86_400L;
  private static final long START = 1_704_067_200L; // 2024-01-01

  @Test
  void plantedLatestInteractionsAreExactlyTheOnesHeldOut() {
    // user 0 bought items 0..4 on days 5, 1, 3, 2, 4; user 1 bought item 2 then item 0; user 2 one item
    float[][] w = {{1, 2, 1, 3, 1}, {4, 0, 1, 0, 0}, {0, 0, 0, 1, 0}};
    long[][] day = {{5, 1, 3, 2, 4}, {9, 0, 7, 0, 0}, {0, 0, 0, 6, 0}};
    Interactions in = RandomInteractions.fromDense(w, 5);
    long[] times = alignedTimes(in, day);

    Holdout.Split s = Holdout.latestPerUser(in, times, 0.4);

    SparseMatrix test = s.test().byUser();
    // 40% of 5 is 2: the days 5 and 4, with their weights
    assertThat(row(test, 0)).containsExactly(0, 4);
    assertThat(test.get(0, 0)).isEqualTo(1f);
    assertThat(row(s.train().byUser(), 0)).containsExactly(1, 2, 3);
    assertThat(s.train().byUser().get(0, 3)).isEqualTo(3f);
    // 40% of 2 rounds to 1: the later one, day 9
    assertThat(row(test, 1)).containsExactly(0);
    assertThat(row(s.train().byUser(), 1)).containsExactly(2);
    // a single interaction stays in training
    assertThat(row(test, 2)).isEmpty();
    assertThat(row(s.train().byUser(), 2)).containsExactly(3);
  }

  @Test
  void equalTimesAtTheCutGoByHigherItemIdAndUntimedInteractionsAreNeverHeldOut() {
    float[][] w = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}, {1, 1, 1, 0, 0, 0}};
    long none = Long.MIN_VALUE;
    long[][] day = {
        {2, 3, 3, 3, 1, 3}, // four at day 3; half of six is 3: items 5, 3, 2
        {none, none, 4, none, 0, 0}, // one timed of four: only item 2 can go, though 50% of 4 is 2
        {none, none, none, 0, 0, 0}}; // no times: nothing is held out
    Interactions in = RandomInteractions.fromDense(w, 6);
    long[] times = new long[(int) in.size()];
    SparseMatrix m = in.byUser();
    for (int u = 0; u < 3; u++) {
      for (int p = m.rowStart(u); p < m.rowEnd(u); p++) {
        long d = day[u][m.cols()[p]];
        times[p] = d == none ? Holdout.NO_TIME : START + d * DAY;
      }
    }
    Holdout.Split s = Holdout.latestPerUser(in, times, 0.5);
    assertThat(row(s.test().byUser(), 0)).containsExactly(2, 3, 5);
    assertThat(row(s.test().byUser(), 1)).containsExactly(2);
    assertThat(row(s.test().byUser(), 2)).isEmpty();
    assertThat(s.train().byUser().rowLength(2)).isEqualTo(3);
  }

  @Property(tries = 60)
  void everyHeldOutInteractionIsNoOlderThanAnyKeptOneOfItsUser(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 25) int items, @ForAll @DoubleRange(min = 0.01, max = 0.99) double fraction,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.35, seed);
    Random rnd = new Random(seed);
    long[] times = new long[(int) in.size()];
    // few distinct days, so ties are common; one in eight has no time
    for (int p = 0; p < times.length; p++) times[p] = rnd.nextInt(8) == 0 ? Holdout.NO_TIME : START + rnd.nextInt(6) * DAY;

    Holdout.Split s = Holdout.latestPerUser(in, times, fraction);

    SparseMatrix all = in.byUser();
    SparseMatrix train = s.train().byUser();
    SparseMatrix test = s.test().byUser();
    assertThat(s.train().users()).isSameAs(in.users());
    assertThat(s.test().items()).isSameAs(in.items());
    assertThat(train.nonZeros() + test.nonZeros()).isEqualTo(all.nonZeros());
    for (int u = 0; u < users; u++) {
      int len = all.rowLength(u);
      int timed = 0;
      List<long[]> held = new ArrayList<>(); // (time, item)
      List<long[]> kept = new ArrayList<>();
      for (int p = all.rowStart(u); p < all.rowEnd(u); p++) {
        int i = all.cols()[p];
        assertThat(train.contains(u, i) ^ test.contains(u, i)).isTrue();
        assertThat(train.get(u, i) + test.get(u, i)).isEqualTo(all.vals()[p]);
        if (times[p] != Holdout.NO_TIME) timed++;
        (test.contains(u, i) ? held : kept).add(new long[] {times[p], i});
      }
      int share = len < 2 ? 0 : (int) Math.max(1, Math.min(len - 1, Math.round(fraction * len)));
      assertThat(held).hasSize(Math.min(share, timed));
      for (long[] h : held) {
        assertThat(h[0]).isNotEqualTo(Holdout.NO_TIME);
        for (long[] k : kept) {
          // (time, item) order: newer first, and at equal times the higher item id
          assertThat(h[0] > k[0] || (h[0] == k[0] && h[1] > k[1])).as("user %d: held %s kept %s", u, h, k).isTrue();
        }
      }
      for (SparseMatrix m : new SparseMatrix[] {train, test}) {
        for (int p = m.rowStart(u) + 1; p < m.rowEnd(u); p++) assertThat(m.cols()[p]).isGreaterThan(m.cols()[p - 1]);
      }
    }
  }

  @Test
  void withDistinctTimesItHoldsOutAsManyAsTheRandomSplitButNotTheSameOnes() {
    Interactions in = RandomInteractions.of(40, 30, 0.5, 9L);
    long[] times = new long[(int) in.size()];
    Random rnd = new Random(4);
    Set<Long> used = new HashSet<>();
    for (int p = 0; p < times.length; p++) {
      long t;
      do t = START + rnd.nextInt(1_000_000); while (!used.add(t));
      times[p] = t;
    }
    Holdout.Split latest = Holdout.latestPerUser(in, times, 0.25);
    Holdout.Split random = Holdout.perUser(in, 0.25, 1L);
    for (int u = 0; u < 40; u++) {
      assertThat(latest.test().byUser().rowLength(u)).isEqualTo(random.test().byUser().rowLength(u));
    }
    assertThat(latest.test().byUser().cols()).isNotEqualTo(random.test().byUser().cols());
  }

  @Test
  void refusesABadFractionAndTimesThatDoNotMatchTheInteractions() {
    Interactions in = RandomInteractions.of(4, 4, 0.6, 2L);
    long[] times = new long[(int) in.size()];
    for (double bad : new double[] {0, 1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> Holdout.latestPerUser(in, times, bad))
          .isInstanceOf(ConfigException.class).hasMessageContaining("eval.holdout_fraction");
    }
    assertThatThrownBy(() -> Holdout.latestPerUser(in, new long[times.length + 1], 0.2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times for " + in.size());
    assertThatThrownBy(() -> Holdout.latestPerUser(in, null, 0.2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metricsAreFoundByTheirConfigNames() {
    Metrics m = new Metrics(10, 5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    for (Metric metric : Metric.values()) {
      assertThat(Metric.byKey(metric.key())).isSameAs(metric);
      assertThat(metric.of(m)).isEqualTo(((Number) m.toMap().get(metric.key())).doubleValue());
    }
    assertThat(Metric.byKey(" Hit-Rate ")).isSameAs(Metric.HIT_RATE);
    assertThat(Metric.byKey("auc")).isNull();
    assertThat(Metric.names()).isEqualTo("precision, recall, ndcg, map, hit_rate, coverage");
  }

  /** Times aligned with the matrix's stored interactions, from a per (user, item) day. */
  private static long[] alignedTimes(Interactions in, long[][] day) {
    SparseMatrix m = in.byUser();
    long[] t = new long[(int) m.nonZeros()];
    for (int u = 0; u < m.rows(); u++) {
      for (int p = m.rowStart(u); p < m.rowEnd(u); p++) t[p] = START + day[u][m.cols()[p]] * DAY;
    }
    return t;
  }

  private static List<Integer> row(SparseMatrix m, int u) {
    List<Integer> out = new ArrayList<>();
    for (int p = m.rowStart(u); p < m.rowEnd(u); p++) out.add(m.cols()[p]);
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
