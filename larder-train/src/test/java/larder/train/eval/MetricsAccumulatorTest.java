package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Metrics do not depend on the order the scoring threads deliver the lists in. */
class MetricsAccumulatorTest {
  @Test
  void theSameListsInAnyOrderGiveTheSameMetricsToTheLastBit() {
    Random rnd = new Random(3);
    int items = 60;
    int k = 7;
    List<int[][]> users = new ArrayList<>(); // {list, sorted relevant}
    for (int u = 0; u < 400; u++) {
      int[] list = rnd.ints(0, items).distinct().limit(k).toArray();
      int[] relevant = rnd.ints(0, items).distinct().limit(1 + rnd.nextInt(9)).sorted().toArray();
      users.add(new int[][] {list, relevant});
    }
    Metrics first = null;
    for (int order = 0; order < 6; order++) {
      Collections.shuffle(users, rnd);
      MetricsAccumulator acc = new MetricsAccumulator(k, items);
      for (int[][] u : users) acc.add(u[0], u[0].length, u[1], 0, u[1].length);
      Metrics m = acc.finish(users.size());
      if (first == null) first = m;
      assertThat(m).isEqualTo(first); // record equality compares the doubles bit for bit
    }
    assertThat(first.precision()).isPositive();
  }

  @Test
  void accumulatorsOfPartsMergeIntoTheMetricsOfOnePassToTheLastBit() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int items = 20 + rnd.nextInt(80);
      int k = 1 + rnd.nextInt(10);
      int n = rnd.nextInt(300);
      MetricsAccumulator whole = new MetricsAccumulator(k, items);
      int parts = 1 + rnd.nextInt(6);
      List<MetricsAccumulator> split = new ArrayList<>();
      for (int p = 0; p < parts; p++) split.add(new MetricsAccumulator(k, items));
      for (int u = 0; u < n; u++) {
        int[] list = rnd.ints(0, items).distinct().limit(rnd.nextInt(k + 1)).toArray();
        int[] relevant = rnd.ints(0, items).distinct().limit(1 + rnd.nextInt(9)).sorted().toArray();
        whole.add(list, list.length, relevant, 0, relevant.length);
        MetricsAccumulator part = split.get(rnd.nextInt(parts));
        part.add(list, list.length, relevant, 0, relevant.length);
        part.countUsers(1);
      }
      whole.countUsers(n);
      Collections.shuffle(split, rnd); // merged in any order
      MetricsAccumulator merged = split.get(0);
      for (int p = 1; p < parts; p++) merged.merge(split.get(p));
      assertThat(merged.finish()).isEqualTo(whole.finish());
    }
    assertThatThrownBy(() -> new MetricsAccumulator(5, 10).merge(new MetricsAccumulator(4, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k=4");
  }

  @Test
  void mergedSumsCarryLikeOneSum() {
    MetricsAccumulator.ExactSum a = new MetricsAccumulator.ExactSum();
    MetricsAccumulator.ExactSum b = new MetricsAccumulator.ExactSum();
    for (int i = 0; i < 15; i++) a.add(1.0); // just below the low word's wrap
    for (int i = 0; i < 27; i++) b.add(0.75);
    a.add(b);
    assertThat(a.value()).isEqualTo(15 + 27 * 0.75);
  }

  @Test
  void anExactSumMatchesTheDecimalSumWhateverTheOrder() {
    Random rnd = new Random(5);
    List<Double> figures = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) figures.add(rnd.nextInt(10) == 0 ? 1.0 : rnd.nextDouble() / (1 + rnd.nextInt(1000)));
    BigDecimal exact = BigDecimal.ZERO;
    for (double f : figures) exact = exact.add(new BigDecimal(f));
    double forward = sum(figures);
    Collections.reverse(figures);
    assertThat(sum(figures)).isEqualTo(forward);
    Collections.shuffle(figures, rnd);
    assertThat(sum(figures)).isEqualTo(forward);
    assertThat(forward).isCloseTo(exact.doubleValue(), within(1e-12));
  }

  @Test
  void sumsPastTheLowWordCarry() {
    MetricsAccumulator.ExactSum s = new MetricsAccumulator.ExactSum();
    for (int i = 0; i < 40; i++) s.add(1.0); // 2^60 each: the low word wraps after 16
    s.add(0.5);
    assertThat(s.value()).isEqualTo(40.5);
    assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.add(-0.1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static double sum(List<Double> figures) {
    MetricsAccumulator.ExactSum s = new MetricsAccumulator.ExactSum();
    for (double f : figures) s.add(f);
    return s.value();
  }
}
