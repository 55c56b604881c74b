package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.score.TopNScoring;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every recommender promises, checked through the scoring driver on one small shop. */
class RecommenderContractTest {
  private static final Interactions DATA =
      new SyntheticShop(ShopParams.of(300, 120, 4_000, 5L)).interactions();

  static Stream<Recommender> recommenders() {
    return Stream.of(
        new Popularity(),
        new ItemKnn(ItemKnnParams.defaults().withNeighbors(20).withThreads(2)),
        new Ease(EaseParams.defaults().withLambda(20).withThreads(2)),
        new Als(AlsParams.defaults().withFactors(8).withIterations(4).withThreads(2)));
  }

  /** Lists by user (or item), copied as the sink contract requires. */
  static final class Collect implements TopNSink {
    final Map<Integer, int[]> items = new ConcurrentHashMap<>();
    final Map<Integer, float[]> scores = new ConcurrentHashMap<>();

    @Override public void accept(int key, int[] it, float[] sc, int count) {
      items.put(key, java.util.Arrays.copyOf(it, count));
      scores.put(key, java.util.Arrays.copyOf(sc, count));
    }
  }

  private static Collect score(TrainedModel m, int[] users, int n, BitSet allowed, int threads) {
    Collect c = new Collect();
    TopNScoring.scoreUsers(m, DATA.byUser(), users, n, allowed, threads, c, Progress.NONE);
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recommenders")
  void batchScoringEqualsScoringOneUserAtATime(Recommender r) {
    TrainedModel m = r.fit(DATA, Progress.NONE);
    Collect batch = score(m, null, 10, null, 2);
    assertThat(batch.items).hasSize(DATA.userCount());
    for (int u = 0; u < DATA.userCount(); u += 7) {
      Collect one = score(m, new int[] {u}, 10, null, 1);
      assertThat(one.items.get(u)).as("%s user %d", r.name(), u).isEqualTo(batch.items.get(u));
      assertThat(one.scores.get(u)).isEqualTo(batch.scores.get(u));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recommenders")
  void moreThanTheCatalogueGivesEveryUnseenItemOnce(Recommender r) {
    TrainedModel m = r.fit(DATA, Progress.NONE);
    assertThat(m.userCount()).isEqualTo(DATA.userCount());
    assertThat(m.itemCount()).isEqualTo(DATA.itemCount());
    Collect all = score(m, null, DATA.itemCount() + 5, null, 2);
    SparseMatrix seen = DATA.byUser();
    for (int u = 0; u < DATA.userCount(); u++) {
      int[] list = all.items.get(u);
      BitSet got = new BitSet();
      for (int i : list) got.set(i);
      assertThat(got.cardinality()).isEqualTo(list.length);
      assertThat(list.length).as("%s user %d", r.name(), u).isEqualTo(DATA.itemCount() - seen.rowLength(u));
      for (int p = seen.rowStart(u); p < seen.rowEnd(u); p++) assertThat(got.get(seen.cols()[p])).isFalse();
      float[] s = all.scores.get(u);
      for (int t = 1; t < s.length; t++) assertThat(s[t]).isLessThanOrEqualTo(s[t - 1]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recommenders")
  void allowedItemsFilterHolds(Recommender r) {
    TrainedModel m = r.fit(DATA, Progress.NONE);
    BitSet allowed = new BitSet();
    Random rnd = new Random(3);
    for (int i = 0; i < DATA.itemCount(); i++) if (rnd.nextInt(3) == 0) allowed.set(i);
    Collect c = score(m, null, 10, allowed, 2);
    SparseMatrix seen = DATA.byUser();
    for (int u = 0; u < DATA.userCount(); u++) {
      BitSet open = (BitSet) allowed.clone();
      for (int p = seen.rowStart(u); p < seen.rowEnd(u); p++) open.clear(seen.cols()[p]);
      int[] list = c.items.getOrDefault(u, new int[0]);
      assertThat(list.length).isEqualTo(Math.min(10, open.cardinality()));
      for (int i : list) assertThat(open.get(i)).as("%s user %d item %d", r.name(), u, i).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recommenders")
  void sameDataSameParametersSameLists(Recommender r) {
    Collect a = score(r.fit(DATA, Progress.NONE), null, 10, null, 2);
    Collect b = score(r.fit(DATA, Progress.NONE), null, 10, null, 1);
    for (int u = 0; u < DATA.userCount(); u++) {
      assertThat(b.items.get(u)).as("%s user %d", r.name(), u).isEqualTo(a.items.get(u));
      assertThat(b.scores.get(u)).isEqualTo(a.scores.get(u));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recommenders")
  void similarItemsNeverListTheItemItself(Recommender r) {
    TrainedModel m = r.fit(DATA, Progress.NONE);
    // Popularity has no item-to-item notion; every other model must have one.
    assertThat(m.newItemScorer() == null).isEqualTo(r.name().equals("popularity"));
    if (m.newItemScorer() == null) return;
    Collect c = new Collect();
    TopNScoring.scoreSimilarItems(m, 5, 2, c, Progress.NONE);
    assertThat(c.items).isNotEmpty();
    for (var e : c.items.entrySet()) {
      assertThat(e.getValue()).doesNotContain(e.getKey()).hasSizeLessThanOrEqualTo(5);
    }
  }
}
