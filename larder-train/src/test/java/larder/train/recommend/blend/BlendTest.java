package larder.train.recommend.blend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring;
import org.junit.jupiter.api.Test;

class BlendTest {
  /** A model answering a fixed table, whatever it is fitted on. */
  private record Fixed(String name, float[][] s) implements Recommender, TrainedModel {
    @Override public Map<String, Object> params() { return Map.of(); }
    @Override public TrainedModel fit(Interactions train, Progress progress) { return this; }
    @Override public int userCount() { return s.length; }
    @Override public int itemCount() { return s[0].length; }
    @Override public UserScorer newUserScorer() {
      return (users, count, out) -> {
        for (int j = 0; j < count; j++) System.arraycopy(s[users[j]], 0, out, j * s[0].length, s[0].length);
      };
    }
  }

  private static float[][] random(SplittableRandom r, int users, int items) {
    float[][] s = new float[users][items];
    for (float[] row : s) for (int i = 0; i < items; i++) row[i] = (float) r.nextDouble();
    return s;
  }

  private static Interactions interactions(SplittableRandom r, int users, int items, int perUser) {
    int[] ptr = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      int[] pick = r.ints(0, items).distinct().limit(perUser).sorted().toArray();
      for (int i : pick) cols.add(i);
      ptr[u + 1] = cols.size();
    }
    int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
    float[] v = new float[c.length];
    Arrays.fill(v, 1f);
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items), new SparseMatrix(users, items, ptr, c, v));
  }

  @Test
  void aBlendScoredFromListsEqualsTheModelEvaluated() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 10; trial++) {
      int users = 30, items = 60;
      Interactions all = interactions(r, users, items, 12);
      Holdout.Split split = Holdout.perUser(all, 0.3, trial);
      List<TrainedModel> parts = List.of(new Fixed("a", random(r, users, items)), new Fixed("b", random(r, users, items)),
          new Fixed("c", random(r, users, items)));
      SparseMatrix held = split.test().byUser();
      int[] heldUsers = java.util.stream.IntStream.range(0, users).filter(u -> held.rowLength(u) > 0).toArray();
      int[][][] lists = new int[3][users][];
      float[][][] scores = new float[3][users][];
      for (int p = 0; p < 3; p++) {
        int q = p;
        TopNScoring.scoreUsers(parts.get(p), split.train().byUser(), heldUsers, items, null, 1, (u, it, sc, n) -> {
          lists[q][u] = Arrays.copyOf(it, n);
          scores[q][u] = Arrays.copyOf(sc, n);
        }, Progress.NONE);
      }
      double[] w = {r.nextInt(0, 4) / 3.0, r.nextInt(1, 4) / 3.0, r.nextInt(0, 4) / 3.0};
      for (BlendModel.Scale scale : BlendModel.Scale.values()) {
        double fromLists = ListBlend.ndcg(lists, scores, w, scale, held, heldUsers, 10);
        double evaluated = Evaluation.evaluate(new BlendModel(parts, w, split.train().byUser(), scale, items),
            split.train(), split.test(), 10, 1).ndcg();
        assertThat(fromLists).as("trial %d %s", trial, scale).isCloseTo(evaluated, org.assertj.core.data.Offset.offset(1e-12));
      }
    }
  }

  @Test
  void weightsChosenOnValidationCombineTwoModelsThatEachKnowHalfTheUsers() {
    SplittableRandom r = new SplittableRandom(6);
    int users = 200, items = 80;
    Interactions all = interactions(r, users, items, 10);
    SparseMatrix m = all.byUser();
    // a knows the first half's items (scores them above everything), b the second half's; each guesses elsewhere
    float[][] a = random(r, users, items), b = random(r, users, items);
    for (int u = 0; u < users; u++) {
      for (int q = m.rowStart(u); q < m.rowEnd(u); q++) (u < users / 2 ? a : b)[u][m.cols()[q]] += 2;
    }
    Blend blend = new Blend(List.of(new Fixed("a", a), new Fixed("b", b)), null, null, 0.3, 11);
    Holdout.Split test = Holdout.perUser(all, 0.3, 99);
    double blended = Evaluation.evaluate(blend.fit(test.train(), Progress.NONE), test.train(), test.test(), 10, 1).ndcg();
    double onlyA = Evaluation.evaluate(new Fixed("a", a), test.train(), test.test(), 10, 1).ndcg();
    double onlyB = Evaluation.evaluate(new Fixed("b", b), test.train(), test.test(), 10, 1).ndcg();
    @SuppressWarnings("unchecked") List<Double> w = (List<Double>) blend.params().get("weights");
    assertThat(w).as("both parts weigh").allSatisfy(x -> assertThat(x).isBetween(0.2, 0.8));
    assertThat(blended).as("each alone ranks half the users well").isGreaterThan(1.3 * Math.max(onlyA, onlyB));
    assertThat(blend.params()).containsEntry("weights_from", "validation").containsKey("validation_ndcg");
  }

  @Test
  void aModelBestAloneIsChosenAloneAndTheChoiceIsReproducible() {
    SplittableRandom r = new SplittableRandom(7);
    int users = 100, items = 50;
    Interactions all = interactions(r, users, items, 8);
    SparseMatrix m = all.byUser();
    float[][] good = random(r, users, items);
    for (int u = 0; u < users; u++) for (int q = m.rowStart(u); q < m.rowEnd(u); q++) good[u][m.cols()[q]] += 2;
    float[][] noise = random(r, users, items);
    Blend blend = new Blend(List.of(new Fixed("good", good), new Fixed("noise", noise)), null, null, 0.25, 3);
    TrainedModel fitted = blend.fit(all, Progress.NONE);
    assertThat(blend.params().get("weights")).isEqualTo(List.of(1.0, 0.0));
    assertThat(fitted).as("the good model alone, not a blend").isInstanceOf(Blend.Single.class);
    assertThat(Evaluation.evaluate(fitted, all, all, 10, 1)).isEqualTo(Evaluation.evaluate(new Fixed("good", good), all, all,
        10, 1));
    Object first = blend.params();
    blend.fit(all, Progress.NONE);
    assertThat(blend.params()).isEqualTo(first);
  }

  @Test
  void configErrorsNameTheKey() {
    Recommender x = new Fixed("x", new float[1][1]);
    assertThatThrownBy(() -> new Blend(List.of(x), null, null, 0.2, 1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("blend.models");
    assertThatThrownBy(() -> new Blend(List.of(x, x), new double[] {1}, null, 0.2, 1))
        .hasMessageContaining("blend.weights").hasMessageContaining("one weight per model");
    assertThatThrownBy(() -> new Blend(List.of(x, x), new double[] {0, 0}, null, 0.2, 1))
        .hasMessageContaining("must not all be 0");
    assertThatThrownBy(() -> new Blend(List.of(x, x), null, null, 1.0, 1)).hasMessageContaining("blend.validation");
  }
}
