package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.kept.ItemSide;
import larder.train.recommend.kept.KeptModel;
import larder.train.recommend.kept.UserHistory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A refresh folds ALS users in against the kept item factors ({@link ItemSide.AlsSide#forUsers}): each user's
 * factors are the exact solution of their normal equations over the merged history, checked against the dense
 * textbook solve of {@link AlsFoldInTest}.
 */
class AlsRefreshTest {

  @Property(tries = 40, seed = "20261205")
  void forUsersSolvesEachMergedHistorysNormalEquations(@ForAll @IntRange(min = 1, max = 12) int f,
      @ForAll @IntRange(min = 2, max = 40) int items, @ForAll long seed) {
    Random r = new Random(seed);
    Interactions data = RandomInteractions.of(30, items, 0.1 + 0.3 * r.nextDouble(), seed);
    AlsParams params = new AlsParams(f, 1 + r.nextInt(4), (float) Math.pow(10, -2 + 3 * r.nextDouble()),
        r.nextBoolean(), (float) Math.pow(10, -1 + 2 * r.nextDouble()), AlsParams.Confidence.values()[r.nextInt(2)],
        (float) (0.1 + 5 * r.nextDouble()), 3, seed, 1);
    Als als = new Als(params);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    KeptModel.write(als, als.fit(data, Progress.NONE), bytes);
    ItemSide.AlsSide side = (ItemSide.AlsSide) KeptModel.readItemSide(new ByteArrayInputStream(bytes.toByteArray()),
        "test");

    // Batch users with new rows (repeats, negatives), untouched batch users and new users.
    List<byte[]> histories = new ArrayList<>();
    for (int h = 0, n = 1 + r.nextInt(20); h < n; h++) {
      int u = r.nextInt(data.userCount());
      byte[] old = r.nextInt(4) == 0 ? null : UserHistory.encode(data.byUser(), u);
      int rows = r.nextInt(6);
      int[] newItems = r.ints(rows, 0, items).toArray();
      float[] newValues = new float[rows];
      for (int j = 0; j < rows; j++) newValues[j] = r.nextInt(5) == 0 ? -(1 + r.nextInt(3)) : 1 + r.nextInt(9);
      histories.add(UserHistory.merge(old, newItems, newValues, rows, false));
    }
    SparseMatrix m = UserHistory.matrix(histories, items);
    AlsModel refreshed = (AlsModel) side.forUsers(m, 1 + r.nextInt(2), Progress.NONE);
    assertThat(refreshed.userCount()).isEqualTo(histories.size());
    assertThat(refreshed.itemFactors()).containsExactly(side.itemFactors());

    for (int u = 0; u < histories.size(); u++) {
      UserHistory.Decoded h = UserHistory.decode(histories.get(u), "h");
      AlsFoldInTest.Problem p = new AlsFoldInTest.Problem(f, items, side.itemFactors(), side.params(), h.items(),
          h.values(), side.regularizationScale());
      float[] x = refreshed.userVector(u);
      if (Arrays.stream(p.summed()).noneMatch(v -> v > 0)) {
        assertThat(x).as("no positive value: x = 0").containsOnly(0f);
      } else {
        assertThat(AlsFoldInTest.relativeDistance(x, AlsFoldInTest.gaussianElimination(p.system())))
            .as("user %d", u).isLessThanOrEqualTo(1e-5);
      }
    }
  }
}
