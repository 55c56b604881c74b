package larder.train.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metric;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.popularity.Popularity;
import org.junit.jupiter.api.Test;

/** The search sees the evaluation's training part only, gives the same answer for any thread count, and pays off. */
class TuningTest {
  /** Users of {@code groups} taste groups: most items from their group (popular ones more often), some at random. */
  static Interactions groups(int users, int items, int groups, int own, int noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ptr = new int[users + 1];
    int[] cols = new int[users * (own + noise)];
    float[] vals = new float[cols.length];
    int nnz = 0;
    for (int u = 0; u < users; u++) {
      Set<Integer> picked = new java.util.TreeSet<>();
      int g = u % groups;
      int perGroup = items / groups;
      while (picked.size() < own) {
        double x = r.nextDouble();
        picked.add(g + groups * (int) (perGroup * x * x)); // skewed: low ranks of the group are popular
      }
      while (picked.size() < own + noise) picked.add(r.nextInt(items));
      for (int i : picked) {
        cols[nnz] = i;
        vals[nnz++] = 1 + r.nextInt(5);
      }
      ptr[u + 1] = nnz;
    }
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items),
        new SparseMatrix(users, items, ptr, Arrays.copyOf(cols, nnz), Arrays.copyOf(vals, nnz)));
  }

  static Set<Long> pairs(Interactions d) {
    Set<Long> out = new HashSet<>();
    SparseMatrix m = d.byUser();
    for (int u = 0; u < m.rows(); u++) {
      for (int p = m.rowStart(u); p < m.rowEnd(u); p++) out.add((long) u << 32 | m.cols()[p]);
    }
    return out;
  }

  private static TuneSettings settings(int trials, long seed, int threads) {
    return settings(trials, seed, threads, 1);
  }

  private static TuneSettings settings(int trials, long seed, int threads, int repeats) {
    return new TuneSettings(Metric.NDCG, 10, 0.2, false, repeats, trials, null, seed, threads, List.of(), "jobs.t.tune");
  }

  /**
   * A model that records every pair it is fitted on or measured against. Configured with {@code mode: cheat}, it ranks
   * each user's final test items first: it wins only if the search scores on them.
   */
  static final class Spy implements Recommender, Tunable {
    final Set<Long> seen;
    final Set<Long> test;
    final String mode;

    Spy(Set<Long> seen, Set<Long> test, String mode) {
      this.seen = seen;
      this.test = test;
      this.mode = mode;
    }

    @Override public String name() { return "spy"; }

    @Override public Map<String, Object> params() { return Map.of("mode", mode); }

    @Override public TrainedModel fit(Interactions train, Progress progress) {
      seen.addAll(pairs(train));
      TrainedModel pop = new Popularity().fit(train, progress);
      if (!mode.equals("cheat")) return pop;
      return new TrainedModel() {
        @Override public int userCount() { return train.userCount(); }
        @Override public int itemCount() { return train.itemCount(); }
        @Override public UserScorer newUserScorer() {
          return (users, count, out) -> {
            for (int j = 0; j < count; j++) {
              for (int i = 0; i < itemCount(); i++) {
                out[j * itemCount() + i] = test.contains((long) users[j] << 32 | i) ? 1 : 0;
              }
            }
          };
        }
      };
    }

    @Override public String model() { return "spy"; }

    @Override public SearchSpace defaultSpace() {
      return SearchSpace.of(new Param.Choice("mode", List.of("honest", "cheat")));
    }

    @Override public Set<String> keys() { return Set.of("mode"); }

    @Override public Recommender configure(Map<String, Object> params) {
      return new Spy(seen, test, (String) params.get("mode"));
    }

    @Override public TrialEvaluator evaluator(Interactions train, Interactions validation, int k, int threads) {
      seen.addAll(pairs(validation));
      return Tunable.super.evaluator(train, validation, k, threads);
    }
  }

  @Test
  void alsStartsFromThePriorPointsOfItsRegularization() {
    // weighted λ and one λ for every row have their good regions in different places
    AlsTunable weighted = new AlsTunable(new Als(AlsParams.defaults()));
    AlsTunable constant = new AlsTunable(new Als(AlsParams.defaults().withWeightedRegularization(false)));
    assertThat(weighted.priors()).isEqualTo(AlsTunable.WEIGHTED_PRIORS).contains(
        Map.of("alpha", 1.0, "rho", 10.0, "confidence", "linear"));
    assertThat(constant.priors()).isEqualTo(AlsTunable.PRIORS).contains(
        Map.of("alpha", 1.0, "rho", 30.0, "confidence", "log"));
    for (Map<String, Object> p : weighted.priors()) {
      assertThat(weighted.configure(p).alsParams().weightedRegularization()).isTrue();
      assertThat(weighted.configure(p).alsParams().regularization())
          .isEqualTo((float) ((double) p.get("rho") * (double) p.get("alpha")));
    }
  }

  @Test
  void theSearchNeverSeesTheTestPairsAndTheOracleLoses() {
    Interactions data = groups(200, 80, 4, 10, 2, 3L);
    Holdout.Split split = Holdout.perUser(data, 0.2, 42L);
    Set<Long> test = pairs(split.test());
    Set<Long> seen = new HashSet<>();
    Tuning.Outcome out = Tuning.tune(new Spy(seen, test, "honest"), split.train(), settings(10, 1, 1), Progress.NONE);
    assertThat(seen).isNotEmpty().doesNotContainAnyElementsOf(test);
    assertThat(seen).isEqualTo(pairs(split.train())); // T' and V together are T, no more
    assertThat(out.search().winner().params()).containsEntry("mode", "honest");
    assertThat(out.model().params()).containsEntry("mode", "honest");

    // The control: a search mis-wired to validate on the test part picks the oracle, so the test above can fail.
    Spy spy = new Spy(new HashSet<>(), test, "honest");
    Search.Result wrong = new Search(spy.defaultSpace(), spy.evaluator(split.train(), split.test(), 10, 1), Metric.NDCG,
        10, null, 1, Progress.NONE).run();
    assertThat(wrong.winner().params()).containsEntry("mode", "cheat");
  }

  @Test
  void sameSeedSameChoiceForOneAndTwoThreads() {
    Interactions data = groups(160, 70, 4, 10, 3, 9L);
    Als als = new Als(new AlsParams(8, 6, 1f, true, 1f, AlsParams.Confidence.LOG, 1f, 3, 7L, 1));
    Map<String, Object> one = Tuning.tune(als, data, settings(12, 5, 1), Progress.NONE).record("als", false);
    Als two = new Als(als.alsParams().withThreads(2));
    Map<String, Object> other = Tuning.tune(two, data, settings(12, 5, 2), Progress.NONE).record("als", false);
    assertThat(larder.core.BatchMetrics.of(other).toJson()).isEqualTo(larder.core.BatchMetrics.of(one).toJson());
    Map<String, Object> seed6 = Tuning.tune(als, data, settings(12, 6, 1), Progress.NONE).record("als", false);
    assertThat(seed6.get("trials")).isNotEqualTo(one.get("trials"));
  }

  @Test
  void tunedAlsBeatsABadFixedRegularisation() {
    // low rank (5 groups) with noise: with tiny regularisation 24 factors fit the noise
    Interactions data = groups(300, 120, 5, 12, 4, 21L);
    Holdout.Split split = Holdout.perUser(data, 0.2, 1L);
    AlsParams bad = new AlsParams(24, 15, 0.01f, false, 1f, AlsParams.Confidence.LOG, 1f, 3, 3L, 2);
    Metrics fixed = Evaluation.evaluate(new Als(bad).fit(split.train(), Progress.NONE), split.train(), split.test(), 10, 2);
    Tuning.Outcome out = Tuning.tune(new Als(bad), split.train(), settings(20, 4, 2), Progress.NONE);
    Metrics tuned = Evaluation.evaluate(out.model().fit(split.train(), Progress.NONE), split.train(), split.test(), 10, 2);
    assertThat(tuned.ndcg()).as("tuned %s vs fixed %s", out.model().params(), fixed.ndcg())
        .isGreaterThan(fixed.ndcg() * 1.05);
    assertThat(out.search().trials()).hasSize(20);
    assertThat(out.record("als", true)).containsKeys("config", "sizes", "trials", "winner", "stopped_by", "fits");
  }

  @Test
  void itemKnnsSharedPassesScoreAsSeparateFits() {
    Interactions data = groups(120, 60, 4, 8, 2, 5L);
    Holdout.Split split = Holdout.perUser(data, 0.2, 2L);
    ItemKnnTunable knn = new ItemKnnTunable(new larder.train.recommend.itemknn.ItemKnn());
    TrialEvaluator fast = knn.evaluator(split.train(), split.test(), 10, 1);
    TrialEvaluator slow = new FitEvaluator(knn, split.train(), split.test(), 10, 1);
    Search.Result r = new Search(knn.defaultSpace(), fast, Metric.NDCG, 1, null, 1, Progress.NONE).run();
    // 16 cells but the candidate form with rows normalisation; each k measured in one pass with its family
    assertThat(r.trials()).hasSize(12);
    for (Trial trial : r.trials()) {
      assertThat(!"candidate".equals(trial.params().get("neighborhood")) || !"rows".equals(trial.params().get("normalize")))
          .as("%s", trial.params()).isTrue();
      assertThat(slow.evaluate(trial.number(), trial.params(), 0, Progress.NONE)).as("%s", trial.params())
          .isEqualTo(trial.metrics());
    }
  }

  @Test
  void anExcludedCornerIsSkippedUnlessConfiguredOrItsParametersAreNamed() {
    Interactions data = groups(80, 40, 4, 8, 2, 9L);
    Holdout.Split split = Holdout.perUser(data, 0.2, 2L);
    var configured = new larder.train.recommend.itemknn.ItemKnn(larder.train.recommend.itemknn.ItemKnnParams.defaults()
        .withNormalize(larder.train.recommend.itemknn.ItemKnnParams.Normalize.ROWS).withThreads(1));
    ItemKnnTunable knn = new ItemKnnTunable(configured);
    assertThat(knn.defaultSpace().gridSize()).isEqualTo(12);
    Search.Result r = new Search(knn.defaultSpace(), knn.evaluator(split.train(), split.test(), 10, 1), Metric.NDCG, 1,
        null, 1, Progress.NONE).startingFrom(knn.current()).run();
    // the configured model (candidate form, rows, k 100) is measured though its corner is left out
    assertThat(r.trials()).hasSize(13);
    assertThat(r.trials().stream().filter(t -> "rows".equals(t.params().get("normalize"))
        && "candidate".equals(t.params().get("neighborhood"))).map(t -> t.params().get("neighbors")).toList())
        .containsExactly(100);
    // a space naming the normalisation asks for the whole product again
    SearchSpace named = knn.space(List.of(new Param.Choice("normalize", List.of("none", "rows"), false)), "tune.space");
    assertThat(named.gridSize()).isEqualTo(16);
    assertThat(named.describe()).doesNotContainKey("excluding");
    assertThat(knn.defaultSpace().describe()).containsKey("excluding");
    assertThat(knn.defaultSpace().hash()).isNotEqualTo(named.hash());
  }

  @Test
  void easesLambdaPathScoresAsSeparateFits() {
    // fewer users than items (the path in user space) and more (a fit per λ from one Gram matrix)
    for (Interactions data : List.of(groups(40, 90, 4, 8, 2, 6L), groups(150, 40, 4, 8, 2, 7L))) {
      Holdout.Split split = Holdout.perUser(data, 0.2, 3L);
      EaseTunable ease = new EaseTunable(new larder.train.recommend.ease.Ease(), 1);
      TrialEvaluator fast = ease.evaluator(split.train(), split.test(), 10, 1);
      TrialEvaluator slow = new FitEvaluator(ease, split.train(), split.test(), 10, 1);
      for (double lambda : new double[] {1, 21.54, 464.2}) {
        Map<String, Object> p = Map.of("lambda", lambda);
        Metrics a = fast.evaluate(0, p, 0, Progress.NONE), b = slow.evaluate(0, p, 0, Progress.NONE);
        // the two paths' weights differ in the last bits: equal metrics but for a tie broken the other way
        assertThat(a.ndcg()).as("λ %s", lambda).isCloseTo(b.ndcg(), org.assertj.core.data.Offset.offset(0.01));
        assertThat(a.precision()).as("λ %s", lambda).isCloseTo(b.precision(), org.assertj.core.data.Offset.offset(0.01));
      }
    }
  }

  @Test
  void popularityHasNothingToTune() {
    assertThatThrownBy(() -> Tuning.tune(new Popularity(), groups(20, 10, 2, 3, 0, 1L), settings(3, 1, 1),
        Progress.NONE)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.t.tune");
  }

  @Test
  void alsRungsScaleWithTheIterations() {
    assertThat(AlsEvaluator.rungs(15)).containsExactly(5, 15);
    assertThat(AlsEvaluator.rungs(30)).containsExactly(10, 30);
    assertThat(AlsEvaluator.rungs(3)).containsExactly(1, 3);
    assertThat(AlsEvaluator.rungs(1)).containsExactly(1);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("alpha", 4.0);
    p.put("rho", 2.5);
    p.put("confidence", "linear");
    AlsParams a = new AlsTunable(new Als()).configure(p).alsParams();
    assertThat(a.regularization()).isEqualTo(10f);
    assertThat(a.confidence()).isEqualTo(AlsParams.Confidence.LINEAR);
  }

  @Test
  void repeatedDrawsNeverSeeTheTestPairs() {
    Interactions data = groups(200, 80, 4, 10, 2, 3L);
    Holdout.Split split = Holdout.perUser(data, 0.2, 42L);
    Set<Long> test = pairs(split.test());
    Set<Long> seen = new HashSet<>();
    Tuning.Outcome out = Tuning.tune(new Spy(seen, test, "honest"), split.train(), settings(10, 1, 1, 3),
        Progress.NONE);
    assertThat(seen).isNotEmpty().doesNotContainAnyElementsOf(test);
    assertThat(seen).isEqualTo(pairs(split.train()));
    assertThat(out.search().winner().params()).containsEntry("mode", "honest");
    assertThat(out.record("spy", false).get("config")).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("repeats", 3);
  }

  @Test
  void eachTrialScoresTheMeanOfItsDrawsAndTheFirstDrawIsTheSplitWithoutRepeats() {
    Interactions data = groups(150, 60, 4, 9, 2, 11L);
    TuneSettings three = settings(1, 8, 1, 3);
    List<Holdout.Split> draws = Tuning.draws(data, three);
    List<Holdout.Split> one = Tuning.draws(data, settings(1, 8, 1));
    assertThat(draws).hasSize(3);
    assertThat(one).hasSize(1);
    assertThat(pairs(draws.get(0).test())).isEqualTo(pairs(one.get(0).test()));
    assertThat(pairs(draws.get(1).test())).isNotEqualTo(pairs(draws.get(0).test()));
    assertThat(pairs(draws.get(2).test())).isNotEqualTo(pairs(draws.get(1).test()));
    for (Holdout.Split d : draws) {
      Set<Long> both = pairs(d.train());
      both.addAll(pairs(d.test()));
      assertThat(both).isEqualTo(pairs(data)); // every draw is a partition of T
    }

    ItemKnnTunable knn = new ItemKnnTunable(new larder.train.recommend.itemknn.ItemKnn());
    Tuning.Outcome out = Tuning.tune(new larder.train.recommend.itemknn.ItemKnn(), data, three, Progress.NONE);
    assertThat(out.search().trials()).hasSize(12);
    for (int t : new int[] {0, 6, 9, 11}) {
      Trial trial = out.search().trials().get(t);
      Metrics[] each = new Metrics[3];
      for (int r = 0; r < 3; r++) {
        each[r] = new FitEvaluator(knn, draws.get(r).train(), draws.get(r).test(), 10, 1)
            .evaluate(t, trial.params(), 0, Progress.NONE);
      }
      Metrics mean = MeanEvaluator.mean(each);
      assertThat(trial.metrics().ndcg()).as("%s", trial.params())
          .isCloseTo(mean.ndcg(), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(trial.metrics().precision()).isCloseTo(mean.precision(), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(trial.value()).isCloseTo((each[0].ndcg() + each[1].ndcg() + each[2].ndcg()) / 3,
          org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void sameSeedSameChoiceWithRepeatsForOneAndTwoThreads() {
    Interactions data = groups(160, 70, 4, 10, 3, 9L);
    Als als = new Als(new AlsParams(8, 6, 1f, true, 1f, AlsParams.Confidence.LOG, 1f, 3, 7L, 1));
    Map<String, Object> one = Tuning.tune(als, data, settings(10, 5, 1, 2), Progress.NONE).record("als", false);
    Als two = new Als(als.alsParams().withThreads(2));
    Map<String, Object> other = Tuning.tune(two, data, settings(10, 5, 2, 2), Progress.NONE).record("als", false);
    assertThat(larder.core.BatchMetrics.of(other).toJson()).isEqualTo(larder.core.BatchMetrics.of(one).toJson());
    Map<String, Object> single = Tuning.tune(als, data, settings(10, 5, 1, 1), Progress.NONE).record("als", false);
    assertThat(single.get("trials")).isNotEqualTo(one.get("trials")); // the draws count
  }

  @Test
  void repeatsAreCheckedAndATimeSplitHasOneDraw() {
    assertThatThrownBy(() -> settings(5, 1, 1, -1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.t.tune.repeats");
    assertThatThrownBy(() -> settings(5, 1, 1, TuneSettings.MAX_REPEATS + 1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.t.tune.repeats");
    assertThatThrownBy(() -> new TuneSettings(Metric.NDCG, 10, 0.2, true, 2, 5, null, 1, 1, List.of(), "jobs.t.tune"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.t.tune.repeats")
        .hasMessageContaining("split: time");
    assertThat(TuneSettings.defaultRepeats(true)).isEqualTo(1);
    assertThat(TuneSettings.defaultRepeats(false)).isZero(); // the model's
    // 0 is the model's default: the cheap paths take several draws, ALS (dear fits) one
    TuneSettings auto = settings(5, 1, 1, 0);
    assertThat(Tuning.resolved(new larder.train.recommend.itemknn.ItemKnn(), auto).repeats())
        .isEqualTo(ItemKnnTunable.REPEATS).isGreaterThan(1);
    assertThat(Tuning.resolved(new larder.train.recommend.ease.Ease(), auto).repeats())
        .isEqualTo(TuneSettings.DEFAULT_REPEATS).isEqualTo(1);
    assertThat(Tuning.resolved(new Als(), auto).repeats()).isEqualTo(1);
    assertThat(Tuning.resolved(new Als(), settings(5, 1, 1, 4)).repeats()).isEqualTo(4);
    Interactions data = groups(100, 40, 4, 8, 2, 4L);
    Tuning.Outcome knn = Tuning.tune(new larder.train.recommend.itemknn.ItemKnn(), data, auto, Progress.NONE);
    assertThat(knn.settings().repeats()).isEqualTo(ItemKnnTunable.REPEATS);
    assertThat(knn.record("itemknn", false).get("config")).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("repeats", ItemKnnTunable.REPEATS);
  }
}
