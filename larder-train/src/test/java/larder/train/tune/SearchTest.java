package larder.train.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.ModelException;
import larder.core.Progress;
import larder.train.eval.Metric;
import org.junit.jupiter.api.Test;

/** The search's budget, halving and exhaustive paths, on objectives without a model. */
class SearchTest {
  private static final SearchSpace TWO = SearchSpace.of(
      new Param.Real("alpha", 0.3, 200, true), new Param.Real("rho", 0.1, 300, true),
      new Param.Choice("confidence", List.of("log", "linear")));

  private static FakeObjective peak(int... rungs) {
    return new FakeObjective(p -> FakeObjective.bump(p, "alpha", 3, "rho", 10, 1.0)
        * (p.get("confidence").equals("log") ? 1 : 0.8), 0.02, rungs);
  }

  @Test
  void trialsStartsThatManyConfigurationsAndHalvesByThirds() {
    for (int n : new int[] {1, 2, 9, 30}) {
      FakeObjective f = peak(2, 5, 15);
      Search.Result r = new Search(TWO, f, Metric.NDCG, n, null, 3, Progress.NONE).run();
      assertThat(r.trials()).hasSize(n);
      long second = r.trials().stream().filter(t -> t.values().size() >= 2).count();
      long third = r.trials().stream().filter(t -> t.values().size() >= 3).count();
      assertThat(second).as("trials at 5 iterations of %d", n).isEqualTo(Math.max(1, n / 3));
      assertThat(third).as("trials at 15 iterations of %d", n).isEqualTo(Math.max(1, n / 9));
      assertThat(r.winner().status()).isEqualTo(Trial.Status.COMPLETE);
      assertThat(r.winner().budget()).isEqualTo(15);
      assertThat(r.stoppedBy()).isEqualTo("trials");
      assertThat(r.fits()).isEqualTo(f.asked.size());
      // every trial is asked for its rungs in order, none skipped: what lets ALS continue its own factors
      Map<Integer, Integer> last = new HashMap<>();
      for (int[] a : f.asked) {
        assertThat(a[1]).isEqualTo(last.getOrDefault(a[0], -1) + 1);
        last.put(a[0], a[1]);
      }
    }
  }

  @Test
  void promotedTrialsAreTheBestOfTheirRung() {
    Search.Result r = new Search(TWO, peak(2, 5, 15), Metric.NDCG, 27, null, 5, Progress.NONE).run();
    List<Trial> ts = r.trials();
    // each pass continues the best not yet continued, so the best at every rung goes up (later arrivals, which TPE
    // makes better, may outrank earlier promotions: that is the price of deciding in waves)
    for (int l = 0; l < 2; l++) {
      int level = l;
      Trial best = ts.stream().filter(t -> t.values().size() > level)
          .max(java.util.Comparator.comparingDouble((Trial t) -> t.values().get(level))).orElseThrow();
      assertThat(best.values()).as("best at rung %d", l).hasSizeGreaterThan(l + 1);
    }
    assertThat(r.winner().value()).isEqualTo(ts.stream().filter(t -> t.values().size() == 3)
        .mapToDouble(Trial::value).max().orElseThrow());
  }

  @Test
  void anExhaustiveSpaceTriesEveryCombinationWhateverTheTrials() {
    SearchSpace grid = SearchSpace.of(new Param.Choice("neighbors", List.of(10, 50, 200)),
        new Param.Choice("similarity", List.of("cosine", "jaccard")));
    FakeObjective f = new FakeObjective(p -> ((Integer) p.get("neighbors")) == 50 && p.get("similarity").equals("jaccard")
        ? 0.9 : 0.3, 0);
    Search.Result r = new Search(grid, f, Metric.NDCG, 2, null, 1, Progress.NONE).run();
    assertThat(r.trials()).hasSize(6);
    assertThat(r.stoppedBy()).isEqualTo("space");
    assertThat(r.winner().params()).containsEntry("neighbors", 50).containsEntry("similarity", "jaccard");
    List<Object> order = new ArrayList<>();
    for (Trial t : r.trials()) order.add(t.params().get("neighbors"));
    assertThat(order).containsExactly(10, 10, 50, 50, 200, 200);
  }

  @Test
  void aRefinedLadderTriesTheWinnersHalfStepNeighbours() {
    SearchSpace ladder = SearchSpace.of(new Param.Choice("lambda", EaseTunable.ladder(), true));
    FakeObjective f = new FakeObjective(p -> {
      double x = Math.log(((Number) p.get("lambda")).doubleValue() / 150);
      return Math.exp(-x * x);
    }, 0);
    Search.Result r = new Search(ladder, f, Metric.NDCG, 30, null, 1, Progress.NONE).run();
    assertThat(r.trials()).hasSize(18);
    double best = ((Number) r.winner().params().get("lambda")).doubleValue();
    // 215.4 is the ladder's nearest to 150; 215.4 / 10^(1/6) = 146.8 is nearer still
    assertThat(best).isCloseTo(215.4 / Math.pow(10, 1 / 6.0), org.assertj.core.data.Offset.offset(0.5));
  }

  @Test
  void failedConfigurationsAreRecordedAndNeverWin() {
    FakeObjective ok = peak();
    TrialEvaluator failing = new TrialEvaluator() {
      @Override public int[] rungs() { return new int[] {0}; }

      @Override public larder.train.eval.Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress p) {
        if ((Double) params.get("alpha") > 20) throw new ModelException("als: confidence overflows", "lower alpha");
        return ok.evaluate(trial, params, rung, p);
      }
    };
    Search.Result r = new Search(TWO, failing, Metric.NDCG, 20, null, 2, Progress.NONE).run();
    assertThat(r.trials()).anyMatch(t -> t.status() == Trial.Status.FAILED && t.error().contains("overflows"));
    assertThat((Double) r.winner().params().get("alpha")).isLessThanOrEqualTo(20);
  }

  @Test
  void theConfiguredValuesAreTheFirstTrialWhenTheyLieInTheSpace() {
    Map<String, Object> configured = Map.of("alpha", 1.0, "rho", 10.0, "confidence", "log", "factors", 64);
    Search.Result r = new Search(TWO, peak(), Metric.NDCG, 5, null, 2, Progress.NONE).startingFrom(configured).run();
    assertThat((Double) r.trials().get(0).params().get("alpha")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat((Double) r.trials().get(0).params().get("rho")).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.trials().get(0).params()).containsEntry("confidence", "log");
    Search.Result outside = new Search(TWO, peak(), Metric.NDCG, 5, null, 2, Progress.NONE)
        .startingFrom(Map.of("alpha", 1000.0, "rho", 10.0, "confidence", "log")).run();
    assertThat((Double) outside.trials().get(0).params().get("alpha")).isNotEqualTo(1000.0);
  }

  @Test
  void priorPointsFollowTheConfiguredOneAndCountAsTrials() {
    Map<String, Object> configured = Map.of("alpha", 1.0, "rho", 10.0, "confidence", "log");
    List<Map<String, Object>> priors = List.of(
        Map.of("alpha", 1.0, "rho", 30.0, "confidence", "linear"),
        Map.of("alpha", 1.0, "rho", 10.0, "confidence", "log"), // the configured point again: not repeated
        Map.of("alpha", 1000.0, "rho", 30.0, "confidence", "log"), // outside the space: skipped
        Map.of("alpha", 3.0, "rho", 30.0, "confidence", "log"));
    Search.Result r = new Search(TWO, peak(5, 15), Metric.NDCG, 6, null, 2, Progress.NONE).startingFrom(configured)
        .thenTrying(priors).run();
    assertThat(r.trials()).hasSize(6);
    assertThat(r.trials().get(1).params()).containsEntry("confidence", "linear");
    assertThat((Double) r.trials().get(1).params().get("rho")).isCloseTo(30.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat((Double) r.trials().get(2).params().get("alpha")).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
    // then the seeded draws: the same search without priors draws the same first random configuration
    Search.Result plain = new Search(TWO, peak(5, 15), Metric.NDCG, 6, null, 2, Progress.NONE).startingFrom(configured)
        .run();
    assertThat(r.trials().get(3).params()).isEqualTo(plain.trials().get(1).params());
    // one trial only: the configured point, the priors never reached
    Search.Result one = new Search(TWO, peak(5, 15), Metric.NDCG, 1, null, 2, Progress.NONE).startingFrom(configured)
        .thenTrying(priors).run();
    assertThat(one.trials()).hasSize(1);
  }

  @Test
  void theConfiguredModelReachesTheTopAndKeepsItsPlaceUnlessClearlyBeaten() {
    // a flat objective: the search's best is a hair above the configured point, by noise alone
    FakeObjective flat = new FakeObjective(p -> 1.0 - 1e-4 * Math.abs(((Number) p.get("alpha")).doubleValue() - 3), 0,
        2, 5, 15);
    Map<String, Object> configured = Map.of("alpha", 1.0, "rho", 10.0, "confidence", "log");
    Search.Result r = new Search(TWO, flat, Metric.NDCG, 12, null, 4, Progress.NONE).startingFrom(configured).run();
    assertThat(r.trials().get(0).budget()).as("measured at the full budget").isEqualTo(15);
    assertThat(r.winner().number()).as("within %s of it: the configured model stays", Search.KEEP_MARGIN).isZero();
    // a real peak elsewhere: found and chosen
    Search.Result peaked = new Search(TWO, peak(2, 5, 15), Metric.NDCG, 30, null, 4, Progress.NONE)
        .startingFrom(Map.of("alpha", 100.0, "rho", 0.2, "confidence", "linear")).run();
    assertThat(peaked.winner().number()).isNotZero();
    assertThat(peaked.winner().value()).isGreaterThan(peaked.trials().get(0).value() * (1 + Search.KEEP_MARGIN));
    // a grid measures a configured value off its ladder too, and keeps it when nothing beats it clearly
    SearchSpace ladder = SearchSpace.of(new Param.Choice("lambda", EaseTunable.ladder(), true));
    FakeObjective smooth = new FakeObjective(p -> 1.0 - 1e-3 * Math.abs(Math.log(((Number) p.get("lambda")).doubleValue()
        / 300)), 0);
    Search.Result g = new Search(ladder, smooth, Metric.NDCG, 1, null, 1, Progress.NONE)
        .startingFrom(Map.of("lambda", 250.0)).run();
    assertThat(g.trials()).anySatisfy(t -> assertThat(t.params()).containsEntry("lambda", 250.0));
    assertThat(g.winner().params()).containsEntry("lambda", 250.0);
  }

  @Test
  void maxTimeStopsBeforeTheNextFitAndSaysSo() {
    FakeObjective ok = peak(2, 5, 15);
    TrialEvaluator slow = new TrialEvaluator() {
      @Override public int[] rungs() { return ok.rungs(); }

      @Override public larder.train.eval.Metrics evaluate(int trial, Map<String, Object> params, int rung, Progress p) {
        try {
          Thread.sleep(40);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return ok.evaluate(trial, params, rung, p);
      }
    };
    Search.Result r = new Search(TWO, slow, Metric.NDCG, 200, java.time.Duration.ofMillis(300), 1, Progress.NONE).run();
    assertThat(r.stoppedBy()).isEqualTo("max_time");
    assertThat(r.trials().size()).isBetween(1, 20);
    assertThat(r.winner()).isNotNull();
  }

  @Test
  void aSpaceKeyTheModelCannotTuneIsNamed() {
    assertThatThrownBy(() -> TWO.with(List.of(new Param.Real("gamma", 1, 2, false)), AlsTunable.KEYS,
        "jobs.shop.tune.space"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("jobs.shop.tune.space.gamma"));
    assertThatThrownBy(() -> new Param.Real("alpha", 0, 10, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("space.alpha");
  }
}
