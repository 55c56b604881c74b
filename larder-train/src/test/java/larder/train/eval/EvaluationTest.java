package larder.train.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  /** A model whose score for (u, i) is given by a function: lets a test choose the ranking. */
  static TrainedModel fixed(int users, int items, ScoreFn f) {
    return new TrainedModel() {
      @Override public int userCount() { return users; }
      @Override public int itemCount() { return items; }
      @Override public UserScorer newUserScorer() {
        return (block, count, out) -> {
          for (int j = 0; j < count; j++) for (int i = 0; i < items; i++) out[j * items + i] = f.score(block[j], i);
        };
      }
    };
  }

  interface ScoreFn { float score(int user, int item); }

  @Property(tries = 30)
  void aModelThatKnowsTheTestSetIsPerfect(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 2, max = 40) int items, @ForAll @IntRange(min = 1, max = 10) int k,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.4, seed);
    Holdout.Split s = Holdout.perUser(in, 0.4, seed);
    SparseMatrix test = s.test().byUser();
    Metrics m = Evaluation.evaluate(fixed(users, items, (u, i) -> test.contains(u, i) ? 1 : 0),
        s.train(), s.test(), k, 2);
    long testUsers = 0;
    double precision = 0;
    for (int u = 0; u < users; u++) {
      if (test.rowLength(u) > 0) {
        testUsers++;
        precision += Math.min(k, test.rowLength(u)) / (double) k;
      }
    }
    assertThat(m.users()).isEqualTo(testUsers);
    if (testUsers > 0) {
      assertThat(m.ndcg()).isCloseTo(1.0, within(1e-12));
      assertThat(m.map()).isCloseTo(1.0, within(1e-12));
      assertThat(m.hitRate()).isEqualTo(1.0);
      assertThat(m.precision()).isCloseTo(precision / testUsers, within(1e-12));
    }
  }

  @Property(tries = 30)
  void aModelThatAvoidsTheTestSetScoresZero(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 2, max = 40) int items, @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.4, seed);
    Holdout.Split s = Holdout.perUser(in, 0.3, seed);
    SparseMatrix test = s.test().byUser();
    // Only the first item may be recommended when it is not a test item; everything else is NaN (never listed).
    Metrics m = Evaluation.evaluate(fixed(users, items, (u, i) -> i == 0 && !test.contains(u, 0) ? 1 : Float.NaN),
        s.train(), s.test(), 5, 1);
    assertThat(m.precision()).isZero();
    assertThat(m.recall()).isZero();
    assertThat(m.ndcg()).isZero();
    assertThat(m.map()).isZero();
    assertThat(m.hitRate()).isZero();
    assertThat(m.coverage()).isLessThanOrEqualTo(1.0 / items);
  }

  /** One user, test items {2, 5}, ranking 5, 1, 2, ...: hits at ranks 1 and 3. */
  @Test
  void handWorkedExample() {
    float[][] train = {{0, 0, 0, 0, 0, 0, 1}};
    float[][] test = {{0, 0, 1, 0, 0, 1, 0}};
    float[] score = {0, 5, 4, 3, 2, 6, 9};
    Metrics m = Evaluation.evaluate(fixed(1, 7, (u, i) -> score[i]),
        RandomInteractions.fromDense(train, 7), RandomInteractions.fromDense(test, 7), 3, 1);
    double log2of3 = Math.log(3) / Math.log(2);
    assertThat(m.users()).isEqualTo(1);
    assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.recall()).isCloseTo(1.0, within(1e-12));
    assertThat(m.ndcg()).isCloseTo((1 + 1 / 2.0) / (1 + 1 / log2of3), within(1e-12));
    assertThat(m.map()).isCloseTo((1 + 2 / 3.0) / 2, within(1e-12));
    assertThat(m.hitRate()).isEqualTo(1.0);
    assertThat(m.coverage()).isCloseTo(3 / 7.0, within(1e-12));
    assertThat(m.toMap()).containsEntry("k", 3).containsKeys("precision", "recall", "ndcg", "map", "hit_rate", "coverage");
  }

  @Property(tries = 40)
  void metricsStayInRangeAndOrdered(@ForAll @IntRange(min = 1, max = 30) int users,
      @ForAll @IntRange(min = 2, max = 40) int items, @ForAll @IntRange(min = 1, max = 12) int k,
      @ForAll long seed) {
    Interactions in = RandomInteractions.of(users, items, 0.4, seed);
    Holdout.Split s = Holdout.perUser(in, 0.3, seed);
    Metrics m = Evaluation.evaluate(fixed(users, items, (u, i) -> (float) Math.sin(seed + 31.0 * u + 7.0 * i)),
        s.train(), s.test(), k, 2);
    for (double v : new double[] {m.precision(), m.recall(), m.ndcg(), m.map(), m.hitRate(), m.coverage()}) {
      assertThat(v).isBetween(0.0, 1.0);
    }
    assertThat(m.precision()).isLessThanOrEqualTo(m.hitRate());
    assertThat(m.recall()).isLessThanOrEqualTo(m.hitRate());
    assertThat(m.ndcg()).isLessThanOrEqualTo(m.hitRate());
    assertThat(m.map()).isLessThanOrEqualTo(m.hitRate());
  }

  @Test
  void kMustBePositive() {
    Interactions in = RandomInteractions.of(3, 3, 0.5, 1L);
    assertThatThrownBy(() -> Evaluation.evaluate(fixed(3, 3, (u, i) -> 0), in, in, 0, 1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eval.k");
  }
}
