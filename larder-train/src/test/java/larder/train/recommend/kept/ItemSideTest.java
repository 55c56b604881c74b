package larder.train.recommend.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.eval.RandomInteractions;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.score.TopNScoring;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A refresh scores users from the kept item side and their histories alone ({@link ItemSide#forUsers}): for the
 * history-scored kinds that is exactly what the batch's model gives, bit for bit.
 */
class ItemSideTest {

  /** Item-kNN, EASE or popularity with random settings. */
  static Recommender historyScored(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> new ItemKnn(ItemKnnParams.defaults().withNeighbors(1 + r.nextInt(12)).withShrink(r.nextInt(3) * 5f)
          .withSimilarity(ItemKnnParams.Similarity.values()[r.nextInt(2)])
          .withWeighting(ItemKnnParams.Weighting.values()[r.nextInt(3)])
          .withNeighborhood(ItemKnnParams.Form.values()[r.nextInt(2)])
          .withNormalize(ItemKnnParams.Normalize.values()[r.nextInt(2)]).withThreads(1 + r.nextInt(2)));
      case 1 -> new Ease(new EaseParams(1f + r.nextInt(100), 20_000, 1 + r.nextInt(2)));
      default -> new Popularity(new PopularityParams(PopularityParams.Count.values()[r.nextInt(2)]));
    };
  }

  static ItemSide keep(Recommender r, TrainedModel fitted) {
    return KeptModel.readItemSide(new ByteArrayInputStream(KeptModelTest.modelBytes(r, fitted)), "test");
  }

  /** Each listed key's top-n as "item=scorebits" strings. */
  static Map<Integer, List<String>> lists(TrainedModel m, SparseMatrix seen, int[] users, int n, BitSet allowed,
      int[] keyOf) {
    Map<Integer, List<String>> out = new ConcurrentHashMap<>();
    TopNScoring.scoreUsers(m, seen, users, n, allowed, 2, (u, items, scores, count) -> {
      List<String> l = new ArrayList<>();
      for (int j = 0; j < count; j++) l.add(items[j] + "=" + Integer.toHexString(Float.floatToRawIntBits(scores[j])));
      out.put(keyOf == null ? u : keyOf[u], l);
    }, Progress.NONE);
    return new TreeMap<>(out);
  }

  // Some of a batch's users, in any order, scored from the item side and their kept histories alone, get the
  // lists and scores the batch's model gave them.
  @Property(tries = 60)
  void forUsersScoresABatchsUsersAsItsModelDid(@ForAll @IntRange(min = 2, max = 90) int users,
      @ForAll @IntRange(min = 2, max = 50) int items, @ForAll long seed) {
    Random r = new Random(seed);
    Interactions data = RandomInteractions.of(users, items, 0.05 + 0.3 * r.nextDouble(), seed);
    Recommender rec = historyScored(r);
    TrainedModel fitted = rec.fit(data, Progress.NONE);
    ItemSide side = keep(rec, fitted);
    int[] picked = r.ints(0, users).distinct().limit(1 + r.nextInt(users)).toArray();
    List<byte[]> kept = new ArrayList<>();
    for (int u : picked) kept.add(UserHistory.encode(data.byUser(), u));
    SparseMatrix rows = UserHistory.matrix(kept, side.itemCount());
    TrainedModel refreshed = side.forUsers(rows, 1 + r.nextInt(2), Progress.NONE);
    assertThat(refreshed.userCount()).isEqualTo(picked.length);

    BitSet allowed = null;
    if (r.nextBoolean()) {
      allowed = new BitSet();
      for (int i = 0; i < items; i++) if (r.nextInt(4) > 0) allowed.set(i);
    }
    int n = 1 + r.nextInt(items + 2);
    assertThat(lists(refreshed, rows, null, n, allowed, picked)).as(rec.name())
        .isEqualTo(lists(fitted, data.byUser(), picked, n, allowed, null));
  }

  // A user's merged history (old + new rows) scored through the item side equals the model's formula written out
  // over that history: item-kNN Σ_j w(r_j)·S_ji, EASE Σ_j B_ji, each summed over the history in ascending j as the
  // scorers do, popularity the kept scores.
  @Property(tries = 60)
  void aMergedHistoryScoresAsTheModelsFormulaOverIt(@ForAll @IntRange(min = 2, max = 60) int users,
      @ForAll @IntRange(min = 2, max = 40) int items, @ForAll boolean newUser, @ForAll long seed) {
    Random r = new Random(seed);
    Interactions data = RandomInteractions.of(users, items, 0.05 + 0.3 * r.nextDouble(), seed);
    Recommender rec = historyScored(r);
    TrainedModel fitted = rec.fit(data, Progress.NONE);
    ItemSide side = keep(rec, fitted);
    int u = r.nextInt(users);
    int rowsNew = 1 + r.nextInt(6);
    int[] newItems = r.ints(rowsNew, 0, items).toArray();
    float[] newValues = new float[rowsNew];
    for (int j = 0; j < rowsNew; j++) newValues[j] = 1 + r.nextInt(5);
    byte[] merged = UserHistory.merge(newUser ? null : UserHistory.encode(data.byUser(), u), newItems, newValues,
        rowsNew, false);
    SparseMatrix row = UserHistory.matrix(List.of(merged), items);
    float[] got = new float[items];
    side.forUsers(row, 1, Progress.NONE).newUserScorer().score(new int[] {0}, 1, got);
    float[] want = formula(side, UserHistory.decode(merged, "merged"));
    assertThat(KeptModelTest.allScores(side.forUsers(row, 1, Progress.NONE))).as(side.kind())
        .containsExactly(bitsOf(want));
    assertThat(bitsOf(got)).containsExactly(bitsOf(want));
    // And a fresh scorer of the fitted model's own item side over that history, nothing read back.
    TrainedModel fresh;
    if (fitted instanceof ItemKnn.Model k) {
      fresh = ItemKnn.Model.of(ItemKnn.weighted(row, ((ItemKnn) rec).itemKnnParams().weighting()), k.neighbours(),
          k.form(), k.normalize());
    } else if (fitted instanceof Ease.Model e) {
      fresh = Ease.Model.of(row.mapValues(v -> 1f), e.weights());
    } else {
      fresh = Popularity.Model.of(1, ((Popularity.Model) fitted).itemScores());
    }
    float[] direct = new float[items];
    fresh.newUserScorer().score(new int[] {0}, 1, direct);
    assertThat(bitsOf(got)).containsExactly(bitsOf(direct));
  }

  /** The slow obvious score of every item for one history. */
  static float[] formula(ItemSide side, UserHistory.Decoded h) {
    int n = side.itemCount();
    float[] s = new float[n];
    if (side instanceof ItemSide.PopularitySide p) return p.scores().clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < h.size(); j++) {
        int item = h.items()[j];
        if (side instanceof ItemSide.EaseSide e) {
          s[i] += e.b()[item][i];
        } else if (side instanceof ItemSide.ItemKnnSide k) {
          float w = switch (k.weighting()) {
            case BINARY -> 1f;
            case WEIGHTS -> h.values()[j];
            case LOG -> (float) Math.log1p(Math.max(0f, h.values()[j]));
          };
          SparseMatrix nb = k.neighbours();
          // history form: item votes for i when i is in item's list; candidate form: when item is in i's list
          boolean history = k.form() == ItemKnnParams.Form.HISTORY;
          int list = history ? item : i, other = history ? i : item;
          double sum = 0;
          for (int q = nb.rowStart(list); q < nb.rowEnd(list); q++) sum += nb.vals()[q];
          for (int q = nb.rowStart(list); q < nb.rowEnd(list); q++) {
            if (nb.cols()[q] != other) continue;
            float v = k.normalize() == ItemKnnParams.Normalize.ROWS && sum > 0 ? (float) (nb.vals()[q] / sum)
                : nb.vals()[q];
            s[i] += w * v;
          }
        }
      }
    }
    return s;
  }

  static int[] bitsOf(float[] v) {
    return UserHistoryTest.bits(v);
  }

  /** Users who touch only their group's items (user u and item i: group = id mod groups), with counts. */
  static Interactions planted(int users, int items, int groups, int perUser, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ptr = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    List<Float> vals = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      int g = u % groups;
      int[] picked = r.ints(0, items / groups).distinct().limit(perUser).map(k -> k * groups + g).sorted().toArray();
      for (int i : picked) {
        cols.add(i);
        vals.add(1f + r.nextInt(20));
      }
      ptr[u + 1] = cols.size();
    }
    float[] v = new float[vals.size()];
    for (int j = 0; j < v.length; j++) v[j] = vals.get(j);
    return new Interactions(IdMap.sequential(users), IdMap.sequential(items), new SparseMatrix(users, items, ptr,
        cols.stream().mapToInt(Integer::intValue).toArray(), v));
  }

  // A new user who touched three items of one planted group, and an old user of another group who has now
  // turned to it, get that group's items from every personal kind, ALS by fold-in.
  @Test void usersWithNewInteractionsGetTheirGroupsItems() {
    int groups = 4;
    Interactions data = planted(400, 200, groups, 10, 7L);
    List<Recommender> kinds = List.of(new ItemKnn(ItemKnnParams.defaults().withNeighbors(20).withThreads(2)),
        new Ease(new EaseParams(50f, 20_000, 2)),
        new Als(AlsParams.defaults().withFactors(8).withIterations(10).withRegularization(0.05f).withThreads(2)));
    for (Recommender rec : kinds) {
      ItemSide side = keep(rec, rec.fit(data, Progress.NONE));
      List<byte[]> histories = new ArrayList<>();
      int[] groupOf = new int[2 * groups];
      for (int g = 0; g < groups; g++) {
        // A new user: three items of group g.
        histories.add(UserHistory.merge(null, new int[] {g, groups + g, 2 * groups + g}, new float[] {3, 1, 2}, 3,
            false));
        groupOf[2 * g] = g;
        // User (g + 1) % groups of the batch, who belongs to another group, now buys group g's items heavily.
        int u = (g + 1) % groups;
        int[] items = new int[20];
        float[] values = new float[20];
        for (int j = 0; j < 20; j++) {
          items[j] = (5 + j) * groups + g;
          values[j] = 40;
        }
        histories.add(UserHistory.merge(UserHistory.encode(data.byUser(), u), items, values, 20, false));
        groupOf[2 * g + 1] = g;
      }
      SparseMatrix rows = UserHistory.matrix(histories, data.itemCount());
      int n = 5;
      Map<Integer, List<String>> got = lists(side.forUsers(rows, 2, Progress.NONE), rows, null, n, null, null);
      for (int r = 0; r < rows.rows(); r++) {
        int g = groupOf[r];
        assertThat(got.get(r)).as("%s, history %d", rec.name(), r).hasSize(n);
        for (String entry : got.get(r)) {
          int item = Integer.parseInt(entry.substring(0, entry.indexOf('=')));
          assertThat(item % groups).as("%s, history %d lists %s", rec.name(), r, got.get(r)).isEqualTo(g);
          assertThat(rows.contains(r, item)).as("seen items are left out").isFalse();
        }
      }
    }
  }

  // The candidate form kept and read back scores every batch user's unchanged history as the full fit did, and
  // lists a new user's items from the candidate lists (here: the group of the three items they touched).
  @Test void theCandidateFormRefreshesAsItsFullFitScores() {
    int groups = 4;
    Interactions data = planted(400, 200, groups, 10, 9L);
    ItemKnn rec = new ItemKnn(ItemKnnParams.defaults().withNeighbors(15)
        .withNeighborhood(ItemKnnParams.Form.CANDIDATE).withWeighting(ItemKnnParams.Weighting.LOG).withThreads(2));
    TrainedModel fitted = rec.fit(data, Progress.NONE);
    ItemSide side = keep(rec, fitted);
    assertThat(((ItemSide.ItemKnnSide) side).form()).isEqualTo(ItemKnnParams.Form.CANDIDATE);
    List<byte[]> kept = new ArrayList<>();
    for (int u = 0; u < data.userCount(); u++) kept.add(UserHistory.encode(data.byUser(), u));
    SparseMatrix rows = UserHistory.matrix(kept, data.itemCount());
    assertThat(KeptModelTest.allScores(side.forUsers(rows, 2, Progress.NONE)))
        .isEqualTo(KeptModelTest.allScores(fitted));
    SparseMatrix newbie = UserHistory.matrix(List.of(UserHistory.merge(null, new int[] {2, 6, 10},
        new float[] {1, 1, 1}, 3, false)), data.itemCount());
    for (String entry : lists(side.forUsers(newbie, 1, Progress.NONE), newbie, new int[] {0}, 5, null, null).get(0)) {
      assertThat(Integer.parseInt(entry.substring(0, entry.indexOf('='))) % groups).isEqualTo(2);
    }
  }

  @Test void historiesOfAnotherCatalogueAreRefused() {
    Interactions data = RandomInteractions.of(20, 10, 0.3, 1L);
    for (Recommender rec : List.of(new Popularity(), new ItemKnn(), new Ease(),
        new Als(AlsParams.defaults().withFactors(3).withIterations(1)))) {
      ItemSide side = keep(rec, rec.fit(data, Progress.NONE));
      assertThat(side.kind()).isEqualTo(rec.name());
      SparseMatrix wide = RandomInteractions.of(3, 11, 0.3, 1L).byUser();
      assertThatThrownBy(() -> side.forUsers(wide, 1, Progress.NONE)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the histories have 11 item columns, the kept model 10 items");
    }
  }

  @Test void anEmptyRefreshGivesAModelOfNoUsers() {
    Interactions data = RandomInteractions.of(20, 10, 0.3, 1L);
    for (Recommender rec : List.of(new Popularity(), new ItemKnn(), new Ease(),
        new Als(AlsParams.defaults().withFactors(3).withIterations(1)))) {
      TrainedModel m = keep(rec, rec.fit(data, Progress.NONE)).forUsers(UserHistory.matrix(List.of(), 10), 1,
          Progress.NONE);
      assertThat(m.userCount()).isZero();
      assertThat(m.itemCount()).isEqualTo(10);
    }
  }
}
