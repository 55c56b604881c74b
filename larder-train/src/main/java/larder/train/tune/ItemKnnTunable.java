package larder.train.tune;

import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.train.recommend.Recommender;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;

/**
 * Item-kNN's search: every combination of neighbours {10, 25, 50, 100, 200, 400}, shrink {0, 10, 50, 200} and
 * similarity {cosine, jaccard}, tried exhaustively (48 configurations), since its cost hardly depends on them. Each is
 * one ordinary fit here; the shared-similarity path (one pass per similarity and shrink, every k a truncation of it)
 * plugs in through {@link #evaluator}.
 */
final class ItemKnnTunable implements Tunable {
  // SEAM(knn): add "neighborhood" to KEYS and Choice("neighborhood", [candidate, history]) to the default space once
  // ModelConfigs.itemKnn reads that key, and map it in configure().
  static final Set<String> KEYS = Set.of("neighbors", "shrink", "similarity", "weighting");
  private final ItemKnn base;

  ItemKnnTunable(ItemKnn base) {
    this.base = base;
  }

  @Override public String model() { return "itemknn"; }

  @Override public Set<String> keys() { return KEYS; }

  @Override public SearchSpace defaultSpace() {
    return SearchSpace.of(
        new Param.Choice("neighbors", List.of(10, 25, 50, 100, 200, 400)),
        new Param.Choice("shrink", List.of(0, 10, 50, 200)),
        new Param.Choice("similarity", List.of("cosine", "jaccard")));
  }

  @Override
  public Recommender configure(Map<String, Object> params) {
    ItemKnnParams p = base.itemKnnParams();
    if (params.containsKey("neighbors")) p = p.withNeighbors((int) Tunable.number(params, "neighbors", p.neighbors()));
    if (params.containsKey("shrink")) p = p.withShrink((float) Tunable.number(params, "shrink", p.shrink()));
    if (params.containsKey("similarity")) p = p.withSimilarity(ItemKnnParams.similarity(params.get("similarity").toString()));
    if (params.containsKey("weighting")) p = p.withWeighting(ItemKnnParams.weighting(params.get("weighting").toString()));
    return new ItemKnn(p);
  }

  // SEAM(knn): return the shared-similarity evaluator from evaluator(...) here.
}
