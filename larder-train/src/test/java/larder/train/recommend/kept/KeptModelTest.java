package larder.train.recommend.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import org.junit.jupiter.api.Test;

class KeptModelTest {
  private static final Interactions DATA = RandomInteractions.of(90, 40, 0.15, 11L);

  static List<Recommender> kinds() {
    return List.of(new Popularity(), new ItemKnn(ItemKnnParams.defaults().withNeighbors(7)
            .withWeighting(ItemKnnParams.Weighting.LOG).withThreads(2)),
        new Ease(), new Als(AlsParams.defaults().withFactors(6).withIterations(3).withThreads(2)),
        new ItemKnn(ItemKnnParams.defaults().withNeighbors(5).withNeighborhood(ItemKnnParams.Form.CANDIDATE)
            .withNormalize(ItemKnnParams.Normalize.ROWS).withThreads(2)));
  }

  // An item-kNN model kept before the form existed (version 2) is read as what it was: the history form.
  @Test void aVersionTwoItemKnnModelReadsAsTheHistoryForm() {
    ItemKnn rec = new ItemKnn(ItemKnnParams.defaults().withNeighbors(7).withNeighborhood(ItemKnnParams.Form.HISTORY)
        .withThreads(1));
    ItemKnn.Model fitted = rec.fit(DATA, Progress.NONE);
    ByteArrayOutputStream v2 = new ByteArrayOutputStream();
    try (KeptOutput o = new KeptOutput(v2, "itemknn", 2)) {
      SparseMatrix n = fitted.neighbours();
      o.string("BINARY");
      o.int32(n.rows());
      o.ints(n.ptr(), 0, n.rows() + 1);
      o.ints(n.cols(), 0, (int) n.nonZeros());
      o.floats(n.vals(), 0, (int) n.nonZeros());
    }
    ItemSide side = KeptModel.readItemSide(new ByteArrayInputStream(v2.toByteArray()), "m");
    assertThat(((ItemSide.ItemKnnSide) side).form()).isEqualTo(ItemKnnParams.Form.HISTORY);
    assertThat(allScores(KeptModel.read(side, DATA.byUser(), null, "test").model())).isEqualTo(allScores(fitted));
  }

  // An ALS model kept before weighted regularization (version 2) was trained with one λ, and folds users in so.
  @Test void aVersionTwoAlsModelReadsAsConstantRegularization() {
    AlsParams p = AlsParams.defaults().withFactors(3).withWeightedRegularization(false);
    float[] y = new float[DATA.itemCount() * 3];
    for (int i = 0; i < y.length; i++) y[i] = (float) Math.sin(i);
    ByteArrayOutputStream v2 = new ByteArrayOutputStream();
    try (KeptOutput o = new KeptOutput(v2, "als", 2)) {
      o.int32(3);
      o.int32(p.iterations());
      o.float32(p.regularization());
      o.float32(p.alpha());
      o.string(p.confidence().name());
      o.float32(p.epsilon());
      o.int32(p.cgSteps());
      o.int64(p.seed());
      o.int32(DATA.itemCount());
      o.floats(y);
    }
    ItemSide.AlsSide side = (ItemSide.AlsSide) KeptModel.readItemSide(new ByteArrayInputStream(v2.toByteArray()), "m");
    assertThat(side.params()).isEqualTo(p.withThreads(1));
    float[] folded = side.foldIn(1).solve(new int[] {1, 4}, new float[] {2, 1});
    AlsModel model = AlsModel.of(0, DATA.itemCount(), 3, new float[0], y);
    assertThat(folded).containsExactly(new larder.train.recommend.als.AlsFoldIn(model, p).solve(new int[] {1, 4},
        new float[] {2, 1}));
  }

  // Weighted λ needs the training data's scale at fold-in: kept beside the parameters, and refused when unknown.
  @Test void aWeightedAlsModelKeepsItsRegularizationScale() {
    Als als = (Als) kinds().get(3);
    AlsModel fitted = als.fit(DATA, Progress.NONE);
    assertThat(fitted.regularizationScale())
        .isEqualTo(AlsParams.regularizationScale(DATA.userCount(), DATA.itemCount(), DATA.size())).isGreaterThan(1);
    ItemSide.AlsSide side = (ItemSide.AlsSide) KeptModel.readItemSide(
        new ByteArrayInputStream(modelBytes(als, fitted)), "m");
    assertThat(side.params().weightedRegularization()).isTrue();
    assertThat(side.regularizationScale()).isEqualTo((float) fitted.regularizationScale());
    AlsModel unknown = AlsModel.of(0, DATA.itemCount(), 6, new float[0], fitted.itemFactors());
    assertThatThrownBy(() -> KeptModel.write(als, unknown, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale");
  }

  @Test void everyKindScoresEveryUserBitForBitAfterARoundTrip() {
    for (Recommender r : kinds()) {
      TrainedModel fitted = r.fit(DATA, Progress.NONE);
      KeptModel.Kept back = roundTrip(r, fitted, DATA.byUser());
      assertThat(back.model().getClass()).isEqualTo(fitted.getClass());
      assertThat(allScores(back.model())).as(r.name()).isEqualTo(allScores(fitted));
      if (r instanceof Als als) assertThat(back.alsParams()).isEqualTo(als.alsParams().withThreads(1));
    }
  }

  @Test void theModelArtifactHoldsNoUserSide() {
    Interactions twice = RandomInteractions.of(180, 40, 0.15, 12L);
    for (Recommender r : kinds()) {
      byte[] small = modelBytes(r, r.fit(DATA, Progress.NONE));
      byte[] large = modelBytes(r, r.fit(twice, Progress.NONE));
      // Twice the users, the same items: only the item side's own content (e.g. neighbour lists) may change.
      assertThat((double) large.length).as(r.name()).isCloseTo(small.length, org.assertj.core.data.Percentage
          .withPercentage(10));
    }
    Als als = (Als) kinds().get(3);
    ItemSide side = KeptModel.readItemSide(new ByteArrayInputStream(modelBytes(als, als.fit(DATA, Progress.NONE))),
        "m");
    assertThat(side).isInstanceOf(ItemSide.AlsSide.class);
    assertThat(side.itemCount()).isEqualTo(DATA.itemCount());
    assertThat(((ItemSide.AlsSide) side).itemFactors()).hasSize(DATA.itemCount() * 6);
  }

  @Test void alsNeedsItsOwnBatchsUserFactors() {
    Als als = (Als) kinds().get(3);
    AlsModel fitted = als.fit(DATA, Progress.NONE);
    ItemSide side = KeptModel.readItemSide(new ByteArrayInputStream(modelBytes(als, fitted)), "m");
    ByteArrayOutputStream users = new ByteArrayOutputStream();
    KeptModel.writeUserFactors(fitted, users);
    SparseMatrix fewer = RandomInteractions.of(89, 40, 0.15, 11L).byUser();
    assertThatThrownBy(() -> KeptModel.read(side, fewer, new ByteArrayInputStream(users.toByteArray()), "batch 4"))
        .isInstanceOf(ModelException.class)
        .hasMessage("the kept user factors of batch 4 holds 90 users × 6 factors, where the batch has 89 users and"
            + " its model 6 factors");
    assertThatThrownBy(() -> KeptModel.read(side, DATA.byUser(), new ByteArrayInputStream(modelBytes(als, fitted)),
        "batch 4")).isInstanceOf(ModelException.class).hasMessageContaining("holds 'als' version 3, not 'als-users'");
    SparseMatrix wider = RandomInteractions.of(90, 41, 0.15, 11L).byUser();
    assertThatThrownBy(() -> KeptModel.read(side, wider, new ByteArrayInputStream(users.toByteArray()), "batch 4"))
        .isInstanceOf(ModelException.class).hasMessageContaining("the kept histories of batch 4 have 41 items");
  }

  @Test void idsAndHistoriesComeBackExactly() {
    IdMap users = new IdMap();
    for (String u : new String[] {"ada", "bö", "", "c,d"}) users.intern(u);
    IdMap items = IdMap.sequential(3);
    ByteArrayOutputStream userIds = new ByteArrayOutputStream();
    KeptHistory.writeUserIds(users, userIds);
    IdMap back = KeptHistory.readUserIds(new ByteArrayInputStream(userIds.toByteArray()), "user ids");
    assertThat(back.size()).isEqualTo(4);
    for (int u = 0; u < 4; u++) assertThat(back.name(u)).isEqualTo(users.name(u));
    ByteArrayOutputStream itemIds = new ByteArrayOutputStream();
    KeptHistory.writeItemIds(items, itemIds);
    IdMap itemsBack = KeptHistory.readItemIds(new ByteArrayInputStream(itemIds.toByteArray()), "item ids");
    assertThat(itemsBack.size()).isEqualTo(3);
    assertThat(itemsBack.name(2)).isEqualTo("2");
    assertThatThrownBy(() -> KeptHistory.readItemIds(new ByteArrayInputStream(userIds.toByteArray()), "the item ids"))
        .isInstanceOf(ModelException.class)
        .hasMessage("the item ids holds 'user-ids' version 2, not 'item-ids' version 2");

    ByteArrayOutputStream history = new ByteArrayOutputStream();
    KeptHistory.writeHistory(DATA.byUser(), history);
    SparseMatrix m = KeptHistory.readHistory(new ByteArrayInputStream(history.toByteArray()), "history");
    assertThat(m.rows()).isEqualTo(DATA.userCount());
    assertThat(m.columns()).isEqualTo(DATA.itemCount());
    assertThat(m.ptr()).isEqualTo(DATA.byUser().ptr());
    assertThat(m.cols()).isEqualTo(java.util.Arrays.copyOf(DATA.byUser().cols(), (int) DATA.size()));
    assertThat(m.vals()).isEqualTo(java.util.Arrays.copyOf(DATA.byUser().vals(), (int) DATA.size()));
  }

  @Test void bytesThatAreNotAKeptArtifactAreRefusedByName() {
    assertThatThrownBy(() -> KeptModel.readItemSide(new ByteArrayInputStream("{\"json\": 1}".getBytes()),
        "the kept model of batch 7"))
        .isInstanceOf(ModelException.class).hasMessageContaining("the kept model of batch 7 is not");
    ByteArrayOutputStream history = new ByteArrayOutputStream();
    KeptHistory.writeHistory(DATA.byUser(), history);
    assertThatThrownBy(() -> KeptModel.readItemSide(new ByteArrayInputStream(history.toByteArray()), "m"))
        .isInstanceOf(ModelException.class).hasMessageContaining("format version 1 of 'history'");
    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    new KeptOutput(v1, "als", 1).close();
    assertThatThrownBy(() -> KeptModel.readItemSide(new ByteArrayInputStream(v1.toByteArray()), "the kept model"))
        .isInstanceOf(ModelException.class)
        .hasMessage("the kept model has format version 1 of 'als'; this Larder reads version 2 or 3");
  }

  @Test void refreshRefusesADecayingPopularityAndNamesTheSetting() {
    assertThat(KeptModel.refreshable(new Popularity(PopularityParams.defaults().withHalfLife(Duration.ofDays(14)))))
        .startsWith("model.half_life decays each interaction by its age");
    for (Recommender r : kinds()) assertThat(KeptModel.refreshable(r)).as(r.name()).isNull();
  }

  /** The model written and read back for the batch's own users, through its artifacts as a batch keeps them. */
  static KeptModel.Kept roundTrip(Recommender r, TrainedModel fitted, SparseMatrix history) {
    ItemSide side = KeptModel.readItemSide(new ByteArrayInputStream(modelBytes(r, fitted)), "test");
    ByteArrayInputStream users = null;
    if (fitted instanceof AlsModel als) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      KeptModel.writeUserFactors(als, out);
      users = new ByteArrayInputStream(out.toByteArray());
    }
    return KeptModel.read(side, history, users, "test");
  }

  static byte[] modelBytes(Recommender r, TrainedModel fitted) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    KeptModel.write(r, fitted, bytes);
    return bytes.toByteArray();
  }

  /** Every user's score of every item, as raw float bits: equal arrays mean the same lists and the same scores. */
  static int[] allScores(TrainedModel m) {
    int n = m.itemCount();
    int block = m.preferredBlock();
    int[] bits = new int[m.userCount() * n];
    UserScorer s = m.newUserScorer();
    int[] users = new int[block];
    float[] out = new float[block * n];
    for (int u0 = 0; u0 < m.userCount(); u0 += block) {
      int count = Math.min(block, m.userCount() - u0);
      for (int j = 0; j < count; j++) users[j] = u0 + j;
      s.score(users, count, out);
      for (int j = 0; j < count * n; j++) bits[u0 * n + j] = Float.floatToRawIntBits(out[j]);
    }
    return bits;
  }
}
