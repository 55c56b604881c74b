package larder.train.recommend.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import org.junit.jupiter.api.Test;

class KeptModelTest {
  private static final Interactions DATA = RandomInteractions.of(90, 40, 0.15, 11L);

  static List<Recommender> kinds() {
    return List.of(new Popularity(), new ItemKnn(ItemKnnParams.defaults().withNeighbors(7)
            .withWeighting(ItemKnnParams.Weighting.LOG).withThreads(2)),
        new Ease(), new Als(AlsParams.defaults().withFactors(6).withIterations(3).withThreads(2)));
  }

  @Test void everyKindScoresEveryUserBitForBitAfterARoundTrip() {
    for (Recommender r : kinds()) {
      TrainedModel fitted = r.fit(DATA, Progress.NONE);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      KeptModel.write(r, fitted, bytes);
      KeptModel.Kept back = KeptModel.read(new ByteArrayInputStream(bytes.toByteArray()), DATA.byUser(), "test");
      assertThat(back.model().getClass()).isEqualTo(fitted.getClass());
      assertThat(allScores(back.model())).as(r.name()).isEqualTo(allScores(fitted));
      if (r instanceof Als als) assertThat(back.alsParams()).isEqualTo(als.alsParams().withThreads(1));
    }
  }

  @Test void idsAndHistoriesComeBackExactly() {
    IdMap users = new IdMap();
    for (String u : new String[] {"ada", "bö", "", "c,d"}) users.intern(u);
    IdMap items = IdMap.sequential(3);
    ByteArrayOutputStream ids = new ByteArrayOutputStream();
    KeptHistory.writeIds(users, items, ids);
    IdMap[] back = KeptHistory.readIds(new ByteArrayInputStream(ids.toByteArray()), "ids");
    assertThat(back[0].size()).isEqualTo(4);
    for (int u = 0; u < 4; u++) assertThat(back[0].name(u)).isEqualTo(users.name(u));
    assertThat(back[1].name(2)).isEqualTo("2");

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
    assertThatThrownBy(() -> KeptModel.read(new ByteArrayInputStream("{\"json\": 1}".getBytes()), DATA.byUser(),
        "the kept model of batch 7"))
        .isInstanceOf(ModelException.class).hasMessageContaining("the kept model of batch 7 is not");
    ByteArrayOutputStream history = new ByteArrayOutputStream();
    KeptHistory.writeHistory(DATA.byUser(), history);
    assertThatThrownBy(() -> KeptModel.read(new ByteArrayInputStream(history.toByteArray()), DATA.byUser(), "m"))
        .isInstanceOf(ModelException.class).hasMessageContaining("unknown kind 'history'");
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
