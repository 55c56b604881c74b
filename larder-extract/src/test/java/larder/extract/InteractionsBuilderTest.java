package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class InteractionsBuilderTest {

  /** The obvious version: a map from "user\titem" to the running sum, max time and row count. */
  static final class Oracle {
    final Map<String, double[]> pairs = new HashMap<>();
    long below;
    long kept;

    void add(String u, String i, float w, long t, float min) {
      if (w < min) { below++; return; }
      kept++;
      double[] s = pairs.computeIfAbsent(u + "\t" + i, k -> new double[] {0, Long.MIN_VALUE, 0});
      s[0] += w;
      if (t != Long.MIN_VALUE) s[1] = Math.max(s[1], t);
      s[2]++;
    }
  }

  @Property(tries = 200)
  void aggregationEqualsNaiveMap(@ForAll long seed, @ForAll @IntRange(min = 0, max = 400) int rows,
      @ForAll @IntRange(min = 1, max = 30) int nUsers, @ForAll @IntRange(min = 1, max = 30) int nItems,
      @ForAll boolean withTimes, @ForAll boolean withMin, @ForAll boolean binary) {
    Random r = new Random(seed);
    float min = withMin ? 2.5f : Float.NEGATIVE_INFINITY;
    InteractionsBuilder b = new InteractionsBuilder(4).minWeight(min).binary(binary); // tiny: forces growth
    Oracle o = new Oracle();
    boolean anyTime = false;
    for (int k = 0; k < rows; k++) {
      String u = "u" + r.nextInt(nUsers);
      String i = "item-" + r.nextInt(nItems);
      float w = r.nextInt(11) / 2f;
      long t = withTimes && r.nextInt(4) > 0 ? r.nextInt(1_000_000) : InteractionsBuilder.NO_TIME;
      boolean kept = b.add(u, i, w, t);
      assertThat(kept).isEqualTo(w >= min);
      if (kept && t != InteractionsBuilder.NO_TIME) anyTime = true;
      o.add(u, i, w, t, min);
    }
    Interactions in = b.build();
    SparseMatrix m = in.byUser();
    assertThat(in.size()).isEqualTo(o.pairs.size());
    assertThat(b.belowMinWeight()).isEqualTo(o.below);
    assertThat(b.rows()).isEqualTo(o.kept);
    assertThat(b.duplicatesMerged()).isEqualTo(o.kept - o.pairs.size());
    assertThat(b.lastSeen() != null).isEqualTo(anyTime);
    for (int u = 0; u < in.userCount(); u++) {
      assertThat(m.rowLength(u)).isPositive(); // only kept rows are interned
      for (int k = m.rowStart(u); k < m.rowEnd(u); k++) {
        if (k > m.rowStart(u)) assertThat(m.cols()[k]).isGreaterThan(m.cols()[k - 1]);
        double[] s = o.pairs.get(in.users().name(u) + "\t" + in.items().name(m.cols()[k]));
        assertThat(s).isNotNull();
        assertThat(m.vals()[k]).isEqualTo(binary ? 1f : (float) s[0]);
        if (b.lastSeen() != null) assertThat(b.lastSeen()[k]).isEqualTo((long) s[1]);
      }
    }
  }

  @Test
  void idsAreInternedInFirstSeenOrder() {
    InteractionsBuilder b = new InteractionsBuilder();
    b.add("carol", "x", 1, InteractionsBuilder.NO_TIME);
    b.add("alice", "y", 1, InteractionsBuilder.NO_TIME);
    b.add("carol", "y", 2, InteractionsBuilder.NO_TIME);
    Interactions in = b.build();
    assertThat(List.of(in.users().name(0), in.users().name(1))).containsExactly("carol", "alice");
    assertThat(in.items().idOf("y")).isEqualTo(1);
    assertThat(in.byUser().get(0, 1)).isEqualTo(2f);
    assertThat(in.byUser().get(1, 0)).isZero();
  }

  @Test
  void fiveMillionRowsBuildInSeconds() {
    String[] users = new String[200_000];
    for (int k = 0; k < users.length; k++) users[k] = "user" + k;
    String[] items = new String[20_000];
    for (int k = 0; k < items.length; k++) items[k] = "item" + k;
    Random r = new Random(1);
    long t0 = System.nanoTime();
    InteractionsBuilder b = new InteractionsBuilder();
    for (int k = 0; k < 5_000_000; k++) {
      b.add(users[r.nextInt(users.length)], items[r.nextInt(items.length)], 1f, 1_700_000_000L + k);
    }
    Interactions in = b.build();
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(in.size() + b.duplicatesMerged()).isEqualTo(5_000_000);
    double total = 0;
    for (float v : in.byUser().vals()) total += v;
    assertThat(total).isEqualTo(5_000_000.0);
    assertThat(seconds).isLessThan(30); // a few seconds normally; generous for a loaded 2-core CI
  }
}
