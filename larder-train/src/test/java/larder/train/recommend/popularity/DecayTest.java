package larder.train.recommend.popularity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.recommend.TrainedModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DecayTest {
  private static final long DAY = 86_400L;
  private static final Duration TWO_WEEKS = Duration.ofDays(14);
  private static final long END = 1_735_689_600L; // 2025-01-01

  /** One (user, item, weight, time) row per call, users in increasing order. */
  private static final class Rows {
    final List<long[]> rows = new ArrayList<>();

    Rows add(int user, int item, float weight, long time) {
      rows.add(new long[] {user, item, Float.floatToIntBits(weight), time});
      return this;
    }

    Interactions build(int users, int items) {
      rows.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
      int[] ptr = new int[users + 1];
      int[] cols = new int[rows.size()];
      float[] vals = new float[rows.size()];
      long[] times = new long[rows.size()];
      for (int k = 0; k < rows.size(); k++) {
        long[] r = rows.get(k);
        ptr[(int) r[0] + 1]++;
        cols[k] = (int) r[1];
        vals[k] = Float.intBitsToFloat((int) r[2]);
        times[k] = r[3];
      }
      for (int u = 0; u < users; u++) ptr[u + 1] += ptr[u];
      return new Interactions(IdMap.sequential(users), IdMap.sequential(items),
          new SparseMatrix(users, items, ptr, cols, vals), times);
    }
  }

  @Test
  void anInteractionCountsHalfAtOneHalfLifeAndAQuarterAtTwo() {
    assertThat(Decay.factor(0, TWO_WEEKS)).isEqualTo(1.0);
    assertThat(Decay.factor(14 * DAY, TWO_WEEKS)).isCloseTo(0.5, within(1e-15));
    assertThat(Decay.factor(28 * DAY, TWO_WEEKS)).isCloseTo(0.25, within(1e-15));
    assertThat(Decay.factor(7 * DAY, TWO_WEEKS)).isCloseTo(Math.sqrt(0.5), within(1e-15));

    // items 0..3 touched once, now, one, two and three half-lives before the latest interaction
    Interactions in = new Rows()
        .add(0, 0, 3f, END).add(0, 1, 3f, END - 14 * DAY).add(1, 2, 3f, END - 28 * DAY).add(2, 3, 3f, END - 42 * DAY)
        .build(3, 4);
    assertThat(Popularity.itemScores(in, PopularityParams.Count.USERS, TWO_WEEKS)).containsExactly(1f, 0.5f, 0.25f, 0.125f);
    assertThat(Popularity.itemScores(in, PopularityParams.Count.WEIGHT, TWO_WEEKS)).containsExactly(3f, 1.5f, 0.75f, 0.375f);
    // without decay the age does not matter
    assertThat(Popularity.itemScores(in, PopularityParams.Count.WEIGHT)).containsExactly(3f, 3f, 3f, 3f);
  }

  @Property(tries = 50)
  void agesAreMeasuredFromTheLatestInteractionNotTheClock(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long shift,
      @ForAll @IntRange(min = 1, max = 100) int halfLifeDays, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Rows a = new Rows();
    Rows b = new Rows();
    for (int u = 0; u < 12; u++) {
      for (int i = 0; i < 9; i++) {
        if (r.nextInt(3) != 0) continue;
        long t = END - r.nextLong(400 * DAY);
        float w = 1 + r.nextInt(4);
        a.add(u, i, w, t);
        b.add(u, i, w, t + shift); // the same data, later
      }
    }
    Duration h = Duration.ofDays(halfLifeDays);
    Interactions x = a.build(12, 9);
    Interactions y = b.build(12, 9);
    for (PopularityParams.Count c : PopularityParams.Count.values()) {
      assertThat(Popularity.itemScores(y, c, h)).containsExactly(Popularity.itemScores(x, c, h));
      // each item's score is the sum of its interactions' decayed weights
      float[] got = Popularity.itemScores(x, c, h);
      long latest = Arrays.stream(x.times()).max().orElseThrow();
      double[] want = new double[9];
      SparseMatrix m = x.byUser();
      for (int p = 0; p < m.nonZeros(); p++) {
        want[m.cols()[p]] += (c == PopularityParams.Count.USERS ? 1 : m.vals()[p]) * Decay.factor(latest - x.times()[p], h);
      }
      for (int i = 0; i < 9; i++) assertThat((double) got[i]).isCloseTo(want[i], within(1e-4 * (1 + want[i])));
    }
  }

  /**
   * 20 items popular two to four months before the end, touched by about 40% of users; 10 items popular in the
   * last week, touched by about 20%; 30 others now and then at any time. Without decay the old hits rank first;
   * with a two-week half-life the recent ones do, in the model, the fallback and the per-group lists.
   */
  @Test
  void withAHalfLifeTheRecentlyPopularItemsRankFirstWithoutItTheFormerlyPopularOnesDo() {
    int users = 300;
    int items = 60;
    SplittableRandom r = new SplittableRandom(7);
    Rows rows = new Rows();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        boolean old = i < 20;
        boolean recent = i >= 20 && i < 30;
        double p = old ? 0.4 : recent ? 0.2 : 0.05;
        if (r.nextDouble() >= p) continue;
        long t = old ? END - (60 + r.nextInt(60)) * DAY : recent ? END - r.nextInt(7 * (int) DAY) : END - r.nextLong(365 * DAY);
        rows.add(u, i, 1 + r.nextInt(3), t);
      }
    }
    Interactions in = rows.build(users, items);
    for (PopularityParams.Count c : PopularityParams.Count.values()) {
      int[] plain = top(new Popularity(new PopularityParams(c)), in, 10);
      int[] decayed = top(new Popularity(new PopularityParams(c, TWO_WEEKS)), in, 10);
      assertThat(list(plain)).as("%s without decay", c).allMatch(i -> i < 20);
      assertThat(list(decayed)).as("%s with a half-life", c).allMatch(i -> i >= 20 && i < 30);
    }
    Popularity.Fallback plain = Popularity.fallback(in, 10, PopularityParams.Count.USERS, null, null);
    Popularity.Fallback decayed = Popularity.fallback(in, 10, PopularityParams.Count.USERS, null, TWO_WEEKS);
    assertThat(list(plain.items())).allMatch(i -> i < 20);
    assertThat(list(decayed.items())).allMatch(i -> i >= 20 && i < 30);
    int[] group = new int[users];
    for (int u = 0; u < users; u++) group[u] = u % 3;
    for (Popularity.Fallback f : Popularity.fallbackByGroup(in, group, 3, 5, null, TWO_WEEKS)) {
      assertThat(list(f.items())).hasSize(5).allMatch(i -> i >= 20 && i < 30);
    }
    for (Popularity.Fallback f : Popularity.fallbackByGroup(in, group, 3, 5, null, null)) {
      assertThat(list(f.items())).hasSize(5).allMatch(i -> i < 20);
    }
  }

  private static List<Integer> list(int[] items) {
    return Arrays.stream(items).boxed().toList();
  }

  private static int[] top(Popularity model, Interactions in, int n) {
    TrainedModel m = model.fit(in, Progress.NONE);
    float[] scores = new float[in.itemCount()];
    m.newUserScorer().score(new int[] {0}, 1, scores);
    TopN top = new TopN(n);
    top.offerAll(scores, 0, scores.length, 0);
    int[] items = new int[n];
    top.drainSorted(items, new float[n]);
    return items;
  }

  @Test
  void anInteractionWithoutATimeCountsAsOldAsTheOldest() {
    Interactions in = new Rows()
        .add(0, 0, 1f, END).add(0, 1, 1f, END - 14 * DAY).add(1, 2, 1f, Interactions.NO_TIME)
        .build(2, 3);
    assertThat(Popularity.itemScores(in, PopularityParams.Count.USERS, TWO_WEEKS)).containsExactly(1f, 0.5f, 0.5f);
  }

  @Test
  void aHalfLifeNeedsTimesAndAtLeastASecond() {
    Interactions untimed = new Interactions(IdMap.sequential(1), IdMap.sequential(2),
        new SparseMatrix(1, 2, new int[] {0, 1}, new int[] {1}, new float[] {1f}));
    Popularity decayed = new Popularity(new PopularityParams(PopularityParams.Count.USERS, TWO_WEEKS));
    assertThatThrownBy(() -> decayed.fit(untimed, Progress.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("popularity.half_life"))
        .hasMessageContaining("14d").hasMessageContaining("timestamps");
    assertThatThrownBy(() -> Popularity.fallback(untimed, 3, PopularityParams.Count.USERS, null, TWO_WEEKS))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> new PopularityParams(PopularityParams.Count.USERS, Duration.ZERO))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("popularity.half_life"))
        .hasMessageContaining("0s");
    // no decay, no need for times
    assertThat(new Popularity().fit(untimed, Progress.NONE).itemCount()).isEqualTo(2);
    assertThat(decayed.params()).containsEntry("count", "users").containsEntry("half_life", "14d");
    assertThat(new Popularity().params()).doesNotContainKey("half_life");
  }
}
