package larder.train.tune;

import larder.train.recommend.Recommender;
import larder.train.recommend.als.Als;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;

/** Which models a search can tune, and how. */
public final class Tunables {
  private Tunables() {}

  /**
   * The search of {@code model}, or null when it has nothing to tune (popularity).
   *
   * @param threads worker threads for models whose parameters do not carry them
   */
  public static Tunable of(Recommender model, int threads) {
    if (model instanceof Tunable t) return t;
    if (model instanceof Als a) return new AlsTunable(a);
    if (model instanceof Ease e) return new EaseTunable(e, threads);
    if (model instanceof ItemKnn k) return new ItemKnnTunable(k);
    return null;
  }
}
