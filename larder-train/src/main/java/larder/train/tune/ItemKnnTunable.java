package larder.train.tune;

import java.util.Arrays;
import java.util.HashMap;
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
 * normalisation {none, rows} and neighbours {50, 100, 200, 400} but the candidate form with rows normalisation,
 * tried exhaustively (12 configurations) in that order, so that k varies fastest: {@link ItemKnnTrials} then makes
 * one similarity pass, and each (form, normalisation) measures its four k in one pass over the validation users,
 * each model equal to its own fit. The candidate form with rows normalisation is left out because it always loses:
 * an item with a few weak neighbours scores as high as one with many strong ones, and at k 100 and above it falls
 * to 5-80% of the best cell on both public data sets (BENCHMARKS.md §16); it cost a quarter of the search. The grid holds each public data set's best region
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
        new Param.Choice("neighbors", List.of(50, 100, 200, 400)))
        .excluding(Map.of("neighborhood", "candidate", "normalize", "rows"));
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
    return evaluator(train, validation, k, threads, defaultSpace());
  }

  /**
   * Measures a configuration from the similarity pass of its (similarity, shrink, weighting), at the largest k the
   * space names. When the space lists its k values, the first configuration of a (form, normalisation) measures
   * every listed k in one pass over the validation users ({@link ItemKnn.Neighbours#family}), the same metrics as
   * one evaluation per k, and the others take theirs from it: on ml-latest-small and Last.fm that is 4 k values for
   * the cost of about one (BENCHMARKS.md, "Tuning within the budget").
   */
  @Override
  public TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads, SearchSpace space) {
    int[] ks = listedKs(space);
    return new TrialEvaluator() {
      private ItemKnnTrials trials;
      private int maxK;
      private final Map<Family, Metrics[]> measured = new HashMap<>();

      @Override public int[] rungs() {
        return new int[] {0};
      }

      @Override
      public Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress progress) {
        ItemKnnParams p = paramsOf(params);
        int at = ks == null ? -1 : Arrays.binarySearch(ks, p.neighbors());
        if (at >= 0) {
          Family f = new Family(p.similarity(), p.shrink(), p.weighting(), p.neighborhood(), p.normalize());
          Metrics[] m = measured.get(f);
          if (m == null) {
            ItemKnn.Neighbours lists = trials(p, ks[ks.length - 1]).neighbours(p, Progress.NONE);
            m = Evaluation.evaluateEach(lists.family(ks, p.neighborhood(), p.normalize()), train.byUser(),
                validation.byUser(), k, threads);
            measured.put(f, m);
          }
          return m[at];
        }
        return Evaluation.evaluate(trials(p, 400).model(p, Progress.NONE), train, validation, k, threads);
      }

      /** One pass per (similarity, shrink, weighting) at the largest k asked so far; a larger k starts again. */
      private ItemKnnTrials trials(ItemKnnParams p, int atLeast) {
        if (trials == null || maxK < Math.max(atLeast, p.neighbors())) {
          maxK = Math.max(atLeast, p.neighbors());
          trials = new ItemKnnTrials(train, maxK, 1);
        }
        return trials;
      }

      @Override public void close() {
        trials = null;
        measured.clear();
      }
    };
  }

  /** What one family of configurations shares: all but k. */
  private record Family(ItemKnnParams.Similarity similarity, float shrink, ItemKnnParams.Weighting weighting,
      ItemKnnParams.Form form, ItemKnnParams.Normalize normalize) {}

  /** The k values a space lists, ascending, or null when it gives a range or none. */
  static int[] listedKs(SearchSpace space) {
    if (!(space.get("neighbors") instanceof Param.Choice c)) return null;
    java.util.TreeSet<Integer> ks = new java.util.TreeSet<>();
    for (Object v : c.values()) {
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 1) return null;
      ks.add(n.intValue());
    }
    return ks.isEmpty() ? null : ks.stream().mapToInt(Integer::intValue).toArray();
  }
}
