package larder.train.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.train.kernel.TileScorer;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring.ScoringSummary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TopNScoringTest {

  /** A dense table of scores with few distinct values (many ties) and the odd NaN. */
  static final class TableModel implements TrainedModel {
    final float[][] scores;
    final int block;
    final int failOnUser;
    final int items;

    TableModel(float[][] scores, int items, int block, int failOnUser) {
      this.scores = scores;
      this.items = items;
      this.block = block;
      this.failOnUser = failOnUser;
    }

    static TableModel random(int users, int items, int block, long seed) {
      Random r = new Random(seed);
      float[][] s = new float[users][items];
      for (float[] row : s) {
        for (int i = 0; i < items; i++) row[i] = r.nextInt(20) == 0 ? Float.NaN : r.nextInt(5) - 2;
      }
      return new TableModel(s, items, block, -1);
    }

    @Override public int userCount() { return scores.length; }
    @Override public int itemCount() { return items; }
    @Override public int preferredBlock() { return block; }

    @Override public UserScorer newUserScorer() {
      return (users, count, out) -> {
        int items = itemCount();
        Arrays.fill(out, 42f); // stale scratch must not leak into results
        for (int j = 0; j < count; j++) {
          if (users[j] == failOnUser) throw new IllegalStateException("planted failure for user " + failOnUser);
          System.arraycopy(scores[users[j]], 0, out, j * items, items);
        }
      };
    }

    @Override public ItemScorer newItemScorer() {
      return (item, out) -> {
        for (int i = 0; i < out.length; i++) out[i] = -Math.abs(i - item) + (i % 3);
      };
    }
  }

  /** Collects lists keyed by user; thread-safe and copying, as the contract asks. */
  static final class Collect implements TopNSink {
    final Map<Integer, List<float[]>> lists = new TreeMap<>();

    @Override public synchronized void accept(int key, int[] items, float[] scores, int count) {
      assertThat(lists).doesNotContainKey(key);
      List<float[]> rows = new ArrayList<>();
      for (int r = 0; r < count; r++) rows.add(new float[] {items[r], scores[r]});
      lists.put(key, rows);
    }
  }

  static SparseMatrix randomSeen(int users, int items, Random r) {
    int[] ptr = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) if (r.nextInt(4) == 0) cols.add(i);
      ptr[u + 1] = cols.size();
    }
    float[] vals = new float[cols.size()];
    Arrays.fill(vals, 1f);
    return new SparseMatrix(users, items, ptr, cols.stream().mapToInt(Integer::intValue).toArray(), vals);
  }

  /** Sort every candidate and take the first n: the obvious answer. */
  static Map<Integer, List<float[]>> oracle(TableModel m, SparseMatrix seen, int[] users, int n, BitSet allowed) {
    Map<Integer, List<float[]>> out = new TreeMap<>();
    int[] todo = users != null ? users : IntStream.range(0, m.userCount()).toArray();
    for (int u : todo) {
      float[] row = m.scores[u];
      List<float[]> rows = IntStream.range(0, m.itemCount())
          .filter(i -> seen == null || !seen.contains(u, i))
          .filter(i -> allowed == null || allowed.get(i))
          .filter(i -> !Float.isNaN(row[i]))
          .boxed()
          .sorted(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i))
          .limit(n)
          .map(i -> new float[] {i, row[i]})
          .toList();
      if (!rows.isEmpty()) out.put(u, rows);
    }
    return out;
  }

  static void assertSameLists(Map<Integer, List<float[]>> got, Map<Integer, List<float[]>> want) {
    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
    for (var e : want.entrySet()) {
      List<float[]> g = got.get(e.getKey());
      assertThat(g).hasSameSizeAs(e.getValue());
      for (int r = 0; r < g.size(); r++) assertThat(g.get(r)).containsExactly(e.getValue().get(r));
    }
  }

  @Property(tries = 200)
  void userListsEqualTheSortThenTakeOracle(@ForAll @IntRange(min = 0, max = 25) int users,
      @ForAll @IntRange(min = 0, max = 30) int items, @ForAll @IntRange(min = 0, max = 35) int n,
      @ForAll @IntRange(min = 1, max = 7) int block, @ForAll long seed) {
    Random r = new Random(seed);
    TableModel m = TableModel.random(users, items, block, seed);
    checkUserLists(m, m, users, items, n, r);
  }

  @Property(tries = 200)
  void tiledScorerListsEqualTheSortThenTakeOracle(@ForAll @IntRange(min = 0, max = 25) int users,
      @ForAll @IntRange(min = 0, max = 70) int items, @ForAll @IntRange(min = 0, max = 35) int n,
      @ForAll @IntRange(min = 1, max = 9) int block, @ForAll @IntRange(min = 1, max = 20) int tile,
      @ForAll long seed) {
    Random r = new Random(seed);
    TableModel m = TableModel.random(users, items, block, seed);
    checkUserLists(new Tiled(m, tile, false), m, users, items, n, r);
  }

  @Property(tries = 200)
  void aScorerMaySkipTilesBelowTheFloorAndTheListsStayTheSame(@ForAll @IntRange(min = 0, max = 25) int users,
      @ForAll @IntRange(min = 0, max = 70) int items, @ForAll @IntRange(min = 0, max = 35) int n,
      @ForAll @IntRange(min = 1, max = 9) int block, @ForAll @IntRange(min = 1, max = 20) int tile,
      @ForAll long seed) {
    Random r = new Random(seed);
    TableModel m = TableModel.random(users, items, block, seed);
    checkUserLists(new Tiled(m, tile, true), m, users, items, n, r);
  }

  /**
   * The table's scores handed out as a {@link TileScorer} would: tiles of a given width, slots visited in
   * an interleaved order, scores in a scratch array whose cells outside the tile hold stale values (high
   * ones, which a consumer reading outside its tile would keep). With {@code skip}, a tile whose every score
   * is below the consumer's floor is left out, as the Vector API kernel does.
   */
  static final class Tiled implements TrainedModel {
    final TableModel table;
    final int tile;
    final boolean skip;

    Tiled(TableModel table, int tile, boolean skip) {
      this.table = table;
      this.tile = tile;
      this.skip = skip;
    }

    @Override public int userCount() { return table.userCount(); }
    @Override public int itemCount() { return table.itemCount(); }
    @Override public int preferredBlock() { return table.preferredBlock(); }

    interface Both extends UserScorer, TileScorer {}

    @Override public UserScorer newUserScorer() {
      int items = itemCount();
      float[] scratch = new float[items];
      return new Both() {
        @Override public void score(int[] users, int count, float[] out) {
          throw new AssertionError("a tile scorer must be driven tile by tile");
        }

        @Override public void scoreTiles(int[] users, int count, TileConsumer consumer) {
          for (int from = 0; from < items; from += tile) {
            int to = Math.min(items, from + tile);
            for (int j = count - 1; j >= 0; j--) {
              float[] row = table.scores[users[j]];
              if (skip) {
                float floor = consumer.floor(j);
                if (IntStream.range(from, to).noneMatch(i -> row[i] >= floor)) continue;
              }
              Arrays.fill(scratch, Float.MAX_VALUE);
              System.arraycopy(row, from, scratch, from, to - from);
              consumer.accept(j, scratch, from, to);
            }
          }
        }
      };
    }
  }

  /**
   * Allowed items at a random density: mostly allowed (a deny list, blanked in the scores), mostly not (a
   * small catalogue, offered one by one), or all; ids past the catalogue are ignored.
   */
  static BitSet randomAllowed(int items, Random r) {
    int percent = new int[] {0, 10, 50, 90, 100}[r.nextInt(5)];
    BitSet allowed = new BitSet();
    for (int i = 0; i < items + 3; i++) if (r.nextInt(100) < percent) allowed.set(i);
    return allowed;
  }

  @Test
  void itemsInSkippedTilesAreNeverOfferedFromStaleScratch() {
    // Falling scores with a late spike: the top-2 fills early, the middle tiles fall below the floor and are
    // skipped, the spike's tile is handed over. A small catalogue (every 5th item) takes the allowed-list path,
    // a short deny list the blanking path; both must step over the skipped tiles' items.
    int items = 64;
    float[][] scores = new float[1][items];
    for (int i = 0; i < items; i++) scores[0][i] = 10 - i * 0.1f;
    scores[0][60] = 20;
    TableModel m = new TableModel(scores, items, 1, -1);
    BitSet everyFifth = new BitSet();
    for (int i = 0; i < items; i += 5) everyFifth.set(i);
    BitSet denyOne = new BitSet();
    denyOne.set(0, items);
    denyOne.clear(7);
    for (BitSet allowed : List.of(everyFifth, denyOne)) {
      Collect sink = new Collect();
      TopNScoring.scoreUsers(new Tiled(m, 4, true), null, null, 2, allowed, 1, sink, Progress.NONE);
      assertSameLists(sink.lists, oracle(m, null, null, 2, allowed));
    }
  }

  static void checkUserLists(TrainedModel scored, TableModel m, int users, int items, int n, Random r) {
    SparseMatrix seen = r.nextBoolean() ? randomSeen(users, items, r) : null;
    BitSet allowed = r.nextBoolean() ? randomAllowed(items, r) : null;
    int[] subset = null;
    if (users > 0 && r.nextBoolean()) subset = r.ints(r.nextInt(users + 1), 0, users).distinct().toArray();

    Map<Integer, List<float[]>> want = oracle(m, seen, subset, n, allowed);
    for (int threads : new int[] {1, 2}) {
      Collect sink = new Collect();
      ScoringSummary summary = TopNScoring.scoreUsers(scored, seen, subset, n, allowed, threads, sink,
          Progress.NONE);
      assertSameLists(sink.lists, want);
      assertThat(summary.keys()).isEqualTo(subset == null ? users : subset.length);
      assertThat(summary.rows()).isEqualTo(want.values().stream().mapToLong(List::size).sum());
      for (var e : sink.lists.entrySet()) {
        List<float[]> list = e.getValue();
        assertThat(list).hasSizeLessThanOrEqualTo(n).isNotEmpty();
        for (int k = 0; k < list.size(); k++) {
          int item = (int) list.get(k)[0];
          assertThat(list.get(k)[1]).isNotNaN();
          if (seen != null) assertThat(seen.contains(e.getKey(), item)).isFalse();
          if (allowed != null) assertThat(allowed.get(item)).isTrue();
          if (k > 0) assertThat(list.get(k)[1]).isLessThanOrEqualTo(list.get(k - 1)[1]);
        }
        assertThat(list.stream().mapToInt(x -> (int) x[0]).distinct().count()).isEqualTo(list.size());
      }
    }
  }

  @Property(tries = 50)
  void similarItemsLeaveTheItemOutAndMatchTheOracle(@ForAll @IntRange(min = 0, max = 40) int items,
      @ForAll @IntRange(min = 0, max = 12) int n) {
    TableModel m = new TableModel(new float[1][items], items, 1, -1);
    Collect sink = new Collect();
    ScoringSummary summary = TopNScoring.scoreSimilarItems(m, n, 2, sink, Progress.NONE);
    assertThat(summary.keys()).isEqualTo(items);
    for (int item = 0; item < items; item++) {
      float[] out = new float[items];
      m.newItemScorer().score(item, out);
      int self = item;
      List<Integer> want = IntStream.range(0, items).filter(i -> i != self).boxed()
          .sorted(Comparator.<Integer>comparingDouble(i -> -out[i]).thenComparingInt(i -> i)).limit(n).toList();
      List<Integer> got = sink.lists.getOrDefault(item, List.of()).stream().map(x -> (int) x[0]).toList();
      assertThat(got).containsExactlyElementsOf(want);
    }
  }

  @Property(tries = 80)
  void filteredSimilarItemsListOnlyAllowedItemsAndOnlyForThem(@ForAll @IntRange(min = 0, max = 40) int items,
      @ForAll @IntRange(min = 0, max = 12) int n, @ForAll long seed) {
    TableModel m = new TableModel(new float[1][items], items, 1, -1);
    BitSet allowed = randomAllowed(items, new Random(seed));
    Collect sink = new Collect();
    ScoringSummary summary = TopNScoring.scoreSimilarItems(m, n, allowed, 2, sink, Progress.NONE);
    assertThat(summary.keys()).isEqualTo(items);
    for (int item = 0; item < items; item++) {
      if (!allowed.get(item)) {
        assertThat(sink.lists).doesNotContainKey(item);
        continue;
      }
      float[] out = new float[items];
      m.newItemScorer().score(item, out);
      int self = item;
      List<Integer> want = IntStream.range(0, items).filter(i -> i != self && allowed.get(i)).boxed()
          .sorted(Comparator.<Integer>comparingDouble(i -> -out[i]).thenComparingInt(i -> i)).limit(n).toList();
      List<Integer> got = sink.lists.getOrDefault(item, List.of()).stream().map(x -> (int) x[0]).toList();
      assertThat(got).containsExactlyElementsOf(want);
    }
    assertThat(summary.rows()).isEqualTo(sink.lists.values().stream().mapToLong(List::size).sum());
  }

  @Test
  void workerFailureReachesTheCallerAndStopsTheOthers() {
    float[][] scores = new float[5000][3];
    TableModel m = new TableModel(scores, 3, 4, 17);
    AtomicInteger accepted = new AtomicInteger();
    assertThatThrownBy(() -> TopNScoring.scoreUsers(m, null, null, 2, null, 2,
        (k, i, s, c) -> accepted.incrementAndGet(), Progress.NONE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("planted failure for user 17");
    assertThat(accepted.get()).isLessThan(5000);
  }

  @Test
  void sinkFailureReachesTheCaller() {
    TableModel m = TableModel.random(50, 10, 4, 3L);
    RuntimeException boom = new RuntimeException("sink is full");
    assertThatThrownBy(() -> TopNScoring.scoreUsers(m, null, null, 2, null, 2,
        (k, i, s, c) -> { throw boom; }, Progress.NONE)).isSameAs(boom);
  }

  @Test
  void progressReachesTheTotal() {
    TableModel m = TableModel.random(9000, 2, 64, 5L);
    List<long[]> updates = new ArrayList<>();
    Progress p = (phase, done, total, unit) -> {
      synchronized (updates) { updates.add(new long[] {done, total}); }
      assertThat(phase).isEqualTo("score");
      assertThat(unit).isEqualTo("users");
    };
    TopNScoring.scoreUsers(m, null, null, 1, null, 2, (k, i, s, c) -> {}, p);
    assertThat(updates).hasSizeBetween(2, 10);
    assertThat(updates.get(updates.size() - 1)).containsExactly(9000, 9000);
  }
}
