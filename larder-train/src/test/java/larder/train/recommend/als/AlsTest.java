package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.score.TopNScoring;
import org.junit.jupiter.api.Test;

class AlsTest {
  static final AlsParams SMALL = new AlsParams(8, 10, 0.05f, false, 1f, AlsParams.Confidence.LOG, 1f, 3, 7L, 1);
  /** λ weighted by each row's positives, as the defaults. */
  static final AlsParams WEIGHTED = SMALL.withRegularization(2f).withWeightedRegularization(true);

  @Test
  void lossDecreasesAcrossIterations() {
    Interactions d = Planted.groups(300, 120, 4, 12, 3L);
    for (AlsParams p : List.of(SMALL, SMALL.withConfidence(AlsParams.Confidence.LINEAR, 2f, 1f).withCgSteps(2),
        WEIGHTED)) {
      double[] loss = new Als(p).fit(d, Progress.NONE).lossHistory();
      assertThat(loss).hasSize(p.iterations());
      for (int it = 1; it < loss.length; it++) {
        // CG steps only ever lower each row's quadratic, so a full iteration cannot raise the loss.
        assertThat(loss[it]).isLessThanOrEqualTo(loss[it - 1] * (1 + 1e-6));
      }
      assertThat(loss[loss.length - 1]).isLessThan(loss[0] * 0.9);
    }
  }

  @Test
  void sameSeedSameFactorsForAnyThreadCount() {
    Interactions d = Planted.groups(500, 150, 5, 10, 11L);
    AlsModel one = new Als(SMALL).fit(d, Progress.NONE);
    AlsModel again = new Als(SMALL).fit(d, Progress.NONE);
    AlsModel two = new Als(SMALL.withThreads(2)).fit(d, Progress.NONE);
    assertThat(again.userFactors()).containsExactly(one.userFactors());
    assertThat(again.itemFactors()).containsExactly(one.itemFactors());
    assertThat(two.userFactors()).containsExactly(one.userFactors());
    assertThat(two.itemFactors()).containsExactly(one.itemFactors());
    assertThat(two.lossHistory()).containsExactly(one.lossHistory());
    AlsModel other = new Als(SMALL.withSeed(8L)).fit(d, Progress.NONE);
    assertThat(other.userFactors()).isNotEqualTo(one.userFactors());
    AlsModel weighted = new Als(WEIGHTED).fit(d, Progress.NONE);
    AlsModel weightedTwo = new Als(WEIGHTED.withThreads(2)).fit(d, Progress.NONE);
    assertThat(weightedTwo.userFactors()).containsExactly(weighted.userFactors());
    assertThat(weightedTwo.lossHistory()).containsExactly(weighted.lossHistory());
    assertThat(weighted.userFactors()).isNotEqualTo(new Als(WEIGHTED.withWeightedRegularization(false))
        .fit(d, Progress.NONE).userFactors());
  }

  @Test
  void recoversPlantedGroups() {
    for (AlsParams p : List.of(SMALL, AlsParams.defaults())) recoversPlantedGroups(p.withThreads(2));
  }

  private static void recoversPlantedGroups(AlsParams params) {
    int groups = 4;
    Interactions d = Planted.groups(400, 200, groups, 10, 7L);
    AlsModel model = new Als(params).fit(d, Progress.NONE);
    int[] inGroup = new int[d.userCount()];
    int[] listed = new int[d.userCount()];
    TopNScoring.scoreUsers(model, d.byUser(), null, 10, null, 2, (user, items, scores, count) -> {
      int own = 0;
      for (int r = 0; r < count; r++) if (Planted.groupOf(items[r], groups) == Planted.groupOf(user, groups)) own++;
      inGroup[user] = own;
      listed[user] = count;
    }, Progress.NONE);
    for (int u = 0; u < d.userCount(); u++) {
      assertThat(listed[u]).isEqualTo(10);
      assertThat(inGroup[u]).as("user %d's top-10 in own group", u).isGreaterThanOrEqualTo(10);
    }
  }

  @Test
  void reportsEveryIteration() {
    Interactions d = Planted.groups(60, 40, 2, 5, 1L);
    List<String> notes = new ArrayList<>();
    AtomicInteger lastDone = new AtomicInteger();
    new Als(SMALL.withIterations(3)).fit(d, new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        assertThat(phase).isEqualTo("als");
        assertThat(total).isEqualTo(3);
        assertThat(unit).isEqualTo("iterations");
        lastDone.set((int) done);
      }

      @Override public void note(String phase, String message) {
        notes.add(message);
      }
    });
    assertThat(notes).hasSize(3);
    assertThat(notes.get(2)).startsWith("iteration 3/3 loss=").endsWith(" s)");
    assertThat(lastDone.get()).isEqualTo(3);
  }

  @Test
  void usersWithoutHistoryGetZeroFactors() {
    Interactions d = Planted.groups(40, 20, 2, 5, 2L);
    SparseMatrix m = d.byUser();
    int[] ptr = m.ptr().clone();
    // Empty the last user's row.
    int last = m.rows() - 1;
    ptr[last + 1] = ptr[last];
    Interactions emptied = d.withMatrix(new SparseMatrix(m.rows(), m.columns(), ptr, m.cols(), m.vals()));
    AlsModel model = new Als(SMALL).fit(emptied, Progress.NONE);
    assertThat(model.userVector(last)).containsOnly(0f);
  }

  @Test
  void emptyDataIsAModelError() {
    Interactions empty = new Interactions(IdMap.sequential(3), IdMap.sequential(2),
        new SparseMatrix(3, 2, new int[4], new int[0], new float[0]));
    assertThatThrownBy(() -> new Als(SMALL).fit(empty, Progress.NONE)).isInstanceOf(ModelException.class)
        .hasMessageContaining("no interactions");
  }

  @Test
  void paramsAreStoredWithTheirNames() {
    Als als = new Als(SMALL);
    assertThat(als.name()).isEqualTo("als");
    assertThat(als.params()).containsEntry("factors", 8).containsEntry("confidence", "LOG")
        .containsEntry("cgSteps", 3).containsEntry("seed", 7L).doesNotContainKey("threads");
  }
}
