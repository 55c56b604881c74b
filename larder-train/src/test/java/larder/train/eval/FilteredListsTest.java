package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.train.eval.RecommenderContractTest.Collect;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.score.TopNScoring;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Business filters on every list a job publishes, for every model: a filtered item never appears, and each
 * list is the unfiltered ranking with the filtered items taken out, so it is still as long as the allowed
 * unseen items allow. The catalogue is wider than one ALS tile, so the mask crosses tiles.
 */
class FilteredListsTest {
  private static final int ITEMS = 1_300;
  private static final Interactions DATA = new SyntheticShop(ShopParams.of(150, ITEMS, 4_000, 17L)).interactions();
  private static final int N = 10;
  private static final int SIMILAR = 6;
  /** Per model, fitted once, and its unfiltered lists as long as the catalogue: the oracle. */
  private static final Map<String, TrainedModel> MODELS = new LinkedHashMap<>();
  private static final Map<String, Collect> FULL = new LinkedHashMap<>();
  private static final Map<String, Collect> FULL_SIMILAR = new LinkedHashMap<>();

  static {
    MODELS.put("popularity", new Popularity().fit(DATA, Progress.NONE));
    MODELS.put("itemknn", new ItemKnn(ItemKnnParams.defaults().withNeighbors(20).withThreads(2)).fit(DATA, Progress.NONE));
    MODELS.put("als", new Als(AlsParams.defaults().withFactors(8).withIterations(3).withThreads(2)).fit(DATA, Progress.NONE));
    MODELS.put("ease", new Ease(EaseParams.defaults().withLambda(20).withThreads(2)).fit(DATA, Progress.NONE));
    for (var e : MODELS.entrySet()) {
      Collect full = new Collect();
      TopNScoring.scoreUsers(e.getValue(), DATA.byUser(), null, ITEMS, null, 2, full, Progress.NONE);
      FULL.put(e.getKey(), full);
      if (e.getValue().newItemScorer() != null) {
        Collect sim = new Collect();
        TopNScoring.scoreSimilarItems(e.getValue(), ITEMS, 2, sim, Progress.NONE);
        FULL_SIMILAR.put(e.getKey(), sim);
      }
    }
  }

  /**
   * A random allow mask: a few items blocked (the deny list case, handled by blanking them), most blocked
   * (a small catalogue, handled by offering only the allowed), or anything between.
   */
  private static BitSet allowed(int percentAllowed, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    BitSet allowed = new BitSet();
    for (int i = 0; i < ITEMS; i++) if (r.nextInt(100) < percentAllowed) allowed.set(i);
    return allowed;
  }

  @Property(tries = 12)
  void userListsAreTheUnfilteredRankingWithoutTheFilteredItems(@ForAll @IntRange(min = 1, max = 99) int percentAllowed,
      @ForAll long seed) {
    BitSet allowed = allowed(percentAllowed, seed);
    SparseMatrix seen = DATA.byUser();
    for (var e : MODELS.entrySet()) {
      Collect got = new Collect();
      TopNScoring.scoreUsers(e.getValue(), seen, null, N, allowed, 2, got, Progress.NONE);
      Collect full = FULL.get(e.getKey());
      for (int u = 0; u < DATA.userCount(); u++) {
        int[] want = keep(full.items.getOrDefault(u, new int[0]), allowed, N);
        int[] list = got.items.getOrDefault(u, new int[0]);
        assertThat(list).as("%s user %d", e.getKey(), u).containsExactly(want);
        for (int i : list) assertThat(allowed.get(i)).as("%s user %d item %d", e.getKey(), u, i).isTrue();
        // as long as possible: top_n, or every allowed item the user has not seen
        BitSet open = (BitSet) allowed.clone();
        for (int p = seen.rowStart(u); p < seen.rowEnd(u); p++) open.clear(seen.cols()[p]);
        assertThat(list.length).as("%s user %d", e.getKey(), u).isEqualTo(Math.min(N, open.cardinality()));
      }
    }
  }

  @Property(tries = 8)
  void similarListsOnlyOfAndOnlyWithAllowedItems(@ForAll @IntRange(min = 1, max = 99) int percentAllowed,
      @ForAll long seed) {
    BitSet allowed = allowed(percentAllowed, seed);
    for (var e : FULL_SIMILAR.entrySet()) {
      Collect got = new Collect();
      TopNScoring.scoreSimilarItems(MODELS.get(e.getKey()), SIMILAR, allowed, 2, got, Progress.NONE);
      ItemScorer scorer = MODELS.get(e.getKey()).newItemScorer();
      float[] scores = new float[ITEMS];
      for (int item = 0; item < ITEMS; item++) {
        int[] list = got.items.get(item);
        if (!allowed.get(item)) {
          assertThat(list).as("%s: denied item %d has a list", e.getKey(), item).isNull();
          continue;
        }
        int[] want = keep(e.getValue().items.getOrDefault(item, new int[0]), allowed, SIMILAR);
        assertThat(list == null ? new int[0] : list).as("%s similar to %d", e.getKey(), item).containsExactly(want);
        // as long as possible: every other allowed item the model scores (item-kNN scores its neighbours only)
        scorer.score(item, scores);
        int scored = 0;
        for (int j = allowed.nextSetBit(0); j >= 0; j = allowed.nextSetBit(j + 1)) if (j != item && !Float.isNaN(scores[j])) scored++;
        assertThat(want.length).as("%s similar to %d", e.getKey(), item).isEqualTo(Math.min(SIMILAR, scored));
      }
    }
  }

  @Property(tries = 20)
  void fallbackListsAreTheMostPopularAllowedItems(@ForAll @IntRange(min = 1, max = 99) int percentAllowed,
      @ForAll @IntRange(min = 1, max = 4) int groups, @ForAll long seed) {
    BitSet allowed = allowed(percentAllowed, seed);
    Popularity.Fallback all = Popularity.fallback(DATA, ITEMS, PopularityParams.Count.USERS, null);
    Popularity.Fallback got = Popularity.fallback(DATA, N, PopularityParams.Count.USERS, allowed);
    assertThat(got.items()).containsExactly(keep(all.items(), allowed, N));
    assertThat(got.size()).isEqualTo(Math.min(N, allowed.cardinality()));

    int[] group = new int[DATA.userCount()];
    SplittableRandom r = new SplittableRandom(seed);
    for (int u = 0; u < group.length; u++) group[u] = r.nextInt(groups + 1) - 1;
    Popularity.Fallback[] allByGroup = Popularity.fallbackByGroup(DATA, group, groups, ITEMS);
    Popularity.Fallback[] byGroup = Popularity.fallbackByGroup(DATA, group, groups, N, allowed, null);
    for (int g = 0; g < groups; g++) {
      assertThat(byGroup[g].items()).as("group %d", g).containsExactly(keep(allByGroup[g].items(), allowed, N));
    }
  }

  /** The first {@code n} allowed items of a ranked list. */
  private static int[] keep(int[] ranked, BitSet allowed, int n) {
    return Arrays.stream(ranked).filter(allowed::get).limit(n).toArray();
  }
}
