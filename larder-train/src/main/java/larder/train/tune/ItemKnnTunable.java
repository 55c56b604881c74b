package larder.train.tune;

import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.eval.Evaluation;
import larder.train.eval.Metrics;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.itemknn.ItemKnnTrials;

/**
 * Item-kNN's search: cosine with shrink 10, every combination of neighbourhood form {candidate, history},
 * normalisation {none, rows} and neighbours {50, 100, 200, 400}, tried exhaustively (16 configurations) in that
 * order, so that k varies fastest: {@link ItemKnnTrials} then makes one similarity pass and cuts every k, form and
 * normalisation from it, each model equal to its own fit. The grid holds each public data set's best region
 * (BENCHMARKS.md §16 and the ceilings section): candidate form without normalisation on ml-latest-small, history
 * form with rows normalisation on Last.fm. The previous 96-cell grid (similarity × shrink {0, 10, 50, 200} × form ×
 * k {10..400}) reached at most 1% more on the test part when chosen there, and over one validation draw it chose
 * cells that lost up to 5%; a space may still name any of these keys.
 */
final class ItemKnnTunable implements Tunable {
  static final Set<String> KEYS = Set.of("neighbors", "shrink", "similarity", "weighting", "neighborhood", "normalize");
  /**
   * Three validation draws: on ml-latest-small the grid over one draw chose cells that lost 1-3% nDCG@10 on the test
   * part for two tune seeds of three; over three draws it kept the default, or a cell 0.9% below it, for all three.
   */
  static final int REPEATS = 3;
  private final ItemKnn base;

  ItemKnnTunable(ItemKnn base) {
    this.base = base;
  }

  @Override public String model() { return "itemknn"; }

  @Override public int defaultRepeats() { return REPEATS; }

  @Override public Set<String> keys() { return KEYS; }

  @Override public SearchSpace defaultSpace() {
    return SearchSpace.of(
        new Param.Choice("similarity", List.of("cosine")),
        new Param.Choice("shrink", List.of(10)),
        new Param.Choice("neighborhood", List.of("candidate", "history")),
        new Param.Choice("normalize", List.of("none", "rows")),
        new Param.Choice("neighbors", List.of(50, 100, 200, 400)));
  }

  /** The model as configured, keyed as the space names its parameters. */
  @Override public Map<String, Object> current() {
    ItemKnnParams p = base.itemKnnParams();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("similarity", p.similarity().name().toLowerCase(java.util.Locale.ROOT));
    m.put("shrink", (double) p.shrink());
    m.put("neighborhood", p.neighborhood().name().toLowerCase(java.util.Locale.ROOT));
    m.put("neighbors", p.neighbors());
    m.put("weighting", p.weighting().name().toLowerCase(java.util.Locale.ROOT));
    m.put("normalize", p.normalize().name().toLowerCase(java.util.Locale.ROOT));
    return m;
  }

  @Override
  public ItemKnn configure(Map<String, Object> params) {
    return new ItemKnn(paramsOf(params));
  }

  ItemKnnParams paramsOf(Map<String, Object> params) {
    ItemKnnParams p = base.itemKnnParams();
    if (params.containsKey("neighbors")) p = p.withNeighbors((int) Tunable.number(params, "neighbors", p.neighbors()));
    if (params.containsKey("shrink")) p = p.withShrink((float) Tunable.number(params, "shrink", p.shrink()));
    if (params.containsKey("similarity")) p = p.withSimilarity(ItemKnnParams.similarity(params.get("similarity").toString()));
    if (params.containsKey("weighting")) p = p.withWeighting(ItemKnnParams.weighting(params.get("weighting").toString()));
    if (params.containsKey("neighborhood")) {
      p = p.withNeighborhood(ItemKnnParams.neighborhood(params.get("neighborhood").toString()));
    }
    if (params.containsKey("normalize")) p = p.withNormalize(ItemKnnParams.normalize(params.get("normalize").toString()));
    return p;
  }

  @Override
  public TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads) {
    return new TrialEvaluator() {
      private ItemKnnTrials trials;
      private int maxK;

      @Override public int[] rungs() {
        return new int[] {0};
      }

      @Override
      public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
        ItemKnnParams p = paramsOf(params);
        // one pass per (similarity, shrink, weighting) at the largest k asked so far; a larger k starts again
        if (trials == null || maxK < p.neighbors()) {
          maxK = Math.max(400, p.neighbors());
          trials = new ItemKnnTrials(train, maxK, 1);
        }
        return Evaluation.evaluate(trials.model(p, Progress.NONE), train, validation, k, threads);
      }

      @Override public void close() {
        trials = null;
      }
    };
  }
}
