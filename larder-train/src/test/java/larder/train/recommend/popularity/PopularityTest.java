package larder.train.recommend.popularity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.TrainedModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PopularityTest {
  @Property(tries = 30)
  void scoresCountDistinctUsersOrTotalWeight(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 1, max = 30) int items, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.3, seed);
    float[][] d = RandomInteractions.dense(in.byUser());
    float[] byUsers = Popularity.itemScores(in, PopularityParams.Count.USERS);
    float[] byWeight = Popularity.itemScores(in, PopularityParams.Count.WEIGHT);
    for (int i = 0; i < items; i++) {
      int n = 0;
      float w = 0;
      for (int u = 0; u < users; u++) {
        if (d[u][i] != 0) n++;
        w += d[u][i];
      }
      assertThat(byUsers[i]).isEqualTo((float) n);
      assertThat(byWeight[i]).isEqualTo(w);
    }
  }

  @Property(tries = 20)
  void everyUserGetsTheSameScores(@ForAll @IntRange(min = 1, max = 20) int users, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, 15, 0.3, seed);
    TrainedModel model = new Popularity().fit(in, Progress.NONE);
    int[] all = new int[users];
    for (int u = 0; u < users; u++) all[u] = u;
    float[] out = new float[users * 15];
    model.newUserScorer().score(all, users, out);
    float[] expected = Popularity.itemScores(in, PopularityParams.Count.USERS);
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < 15; i++) assertThat(out[u * 15 + i]).isEqualTo(expected[i]);
    }
  }

  @Property(tries = 30)
  void fallbackIsTheTopOfTheAllowedItemsBestFirst(@ForAll @IntRange(min = 0, max = 25) int n,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(40, 20, 0.3, seed);
    BitSet allowed = new BitSet();
    for (int i = 0; i < 20; i += 1 + (int) Math.floorMod(seed, 3)) allowed.set(i);
    Popularity.Fallback f = Popularity.fallback(in, n, PopularityParams.Count.WEIGHT, allowed);
    float[] scores = Popularity.itemScores(in, PopularityParams.Count.WEIGHT);
    assertThat(f.size()).isEqualTo(Math.min(n, allowed.cardinality()));
    for (int r = 0; r < f.size(); r++) {
      assertThat(allowed.get(f.items()[r])).isTrue();
      assertThat(f.scores()[r]).isEqualTo(scores[f.items()[r]]);
      if (r > 0) assertThat(f.scores()[r]).isLessThanOrEqualTo(f.scores()[r - 1]);
    }
    // Nothing left out scores better than the last one kept.
    if (f.size() > 0) {
      float last = f.scores()[f.size() - 1];
      for (int i = allowed.nextSetBit(0); i >= 0; i = allowed.nextSetBit(i + 1)) {
        boolean kept = false;
        for (int item : f.items()) kept |= item == i;
        if (!kept) assertThat(scores[i]).isLessThanOrEqualTo(last);
      }
    }
  }

  @Test
  void countIsParsedAndNamedInErrors() {
    assertThat(PopularityParams.Count.parse(" Weight ")).isEqualTo(PopularityParams.Count.WEIGHT);
    assertThatThrownBy(() -> PopularityParams.Count.parse("clicks"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("popularity.count")
        .hasMessageContaining("clicks");
    assertThat(new Popularity().params()).containsEntry("count", "users");
    assertThat(new Popularity().name()).isEqualTo("popularity");
  }

  @Property(tries = 30)
  void eachGroupsListIsThePopularityAmongItsOwnUsers(@ForAll @IntRange(min = 1, max = 4) int groups,
      @ForAll @IntRange(min = 1, max = 8) int n, @ForAll long seed) {
    Interactions in = RandomInteractions.of(30, 12, 0.3, seed);
    float[][] d = RandomInteractions.dense(in.byUser());
    int[] group = new int[30];
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    for (int u = 0; u < 30; u++) group[u] = r.nextInt(groups + 1) - 1; // -1: in no group
    Popularity.Fallback[] lists = Popularity.fallbackByGroup(in, group, groups, n);
    assertThat(lists).hasSize(groups);
    for (int g = 0; g < groups; g++) {
      float[] count = new float[12];
      for (int u = 0; u < 30; u++) if (group[u] == g) for (int i = 0; i < 12; i++) if (d[u][i] != 0) count[i]++;
      long positive = 0;
      for (float c : count) if (c > 0) positive++;
      Popularity.Fallback f = lists[g];
      assertThat(f.size()).isEqualTo((int) Math.min(n, positive));
      for (int k = 0; k < f.size(); k++) {
        assertThat(f.scores()[k]).isEqualTo(count[f.items()[k]]);
        if (k > 0) assertThat(f.scores()[k]).isLessThanOrEqualTo(f.scores()[k - 1]);
      }
      // nothing left out beats the last listed item
      if (f.size() > 0) {
        java.util.Set<Integer> listed = new java.util.HashSet<>();
        for (int it : f.items()) listed.add(it);
        for (int i = 0; i < 12; i++) {
          if (!listed.contains(i)) assertThat(count[i]).isLessThanOrEqualTo(f.scores()[f.size() - 1]);
        }
      }
    }
  }
}
