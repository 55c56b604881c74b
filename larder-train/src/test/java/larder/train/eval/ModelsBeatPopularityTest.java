package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.Interactions;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.train.recommend.Recommender;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a shop whose users mostly buy within a planted taste group, every personalised model must beat
 * the popularity baseline on held-out purchases by a clear margin, and popularity itself must beat
 * chance (so the margin is measured against a working baseline, not a broken one).
 */
class ModelsBeatPopularityTest {
  private static final int K = 10;
  private static final double MARGIN = 1.3;
  private static Holdout.Split split;
  private static Metrics popularity;

  @BeforeAll
  static void data() {
    Interactions all = new SyntheticShop(ShopParams.of(2_000, 1_000, 60_000, 11L)).interactions();
    split = Holdout.perUser(all, 0.2, 11L);
    popularity = evaluate(new Popularity());
  }

  private static Metrics evaluate(Recommender r) {
    return Evaluation.evaluate(r.fit(split.train(), Progress.NONE), split.train(), split.test(), K, 2);
  }

  @Test
  void popularityBeatsChance() {
    double chance = (double) split.test().size() / popularity.users() / split.test().itemCount();
    assertThat(popularity.precision()).isGreaterThan(2 * chance);
  }

  @Test
  void personalisedModelsBeatPopularity() {
    Map<String, Recommender> models = new LinkedHashMap<>();
    models.put("als", new Als(AlsParams.defaults().withThreads(2)));
    models.put("itemknn", new ItemKnn(ItemKnnParams.defaults().withThreads(2)));
    models.put("ease", new Ease(EaseParams.defaults().withThreads(2)));
    Map<String, Double> precision = new LinkedHashMap<>();
    for (var e : models.entrySet()) {
      Metrics m = evaluate(e.getValue());
      precision.put(e.getKey(), m.precision());
      assertThat(m.users()).isEqualTo(popularity.users());
      assertThat(m.ndcg()).as("%s ndcg@%d vs popularity %s", e.getKey(), K, popularity.ndcg())
          .isGreaterThan(popularity.ndcg());
    }
    for (var e : precision.entrySet()) {
      assertThat(e.getValue())
          .as("%s precision@%d, all: %s, popularity: %s", e.getKey(), K, precision, popularity.precision())
          .isGreaterThanOrEqualTo(MARGIN * popularity.precision());
    }
  }
}
