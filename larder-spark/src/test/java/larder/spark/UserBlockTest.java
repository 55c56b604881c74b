package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import larder.core.SparseMatrix;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Cutting users into partitions on the driver: every user once, in partition id mod count, rows unchanged. */
class UserBlockTest {

  @Property(tries = 200)
  void everyUserLandsOnceInItsHashPartitionWithItsRow(@ForAll @IntRange(min = 0, max = 300) int users,
      @ForAll @IntRange(min = 1, max = 17) int parts, @ForAll long seed) {
    SparseMatrix m = random(users, 40, seed);
    int[] seen = new int[users];
    for (int p = 0; p < parts; p++) {
      UserBlock b = UserBlock.of(m, p, parts);
      assertThat(b.part()).isEqualTo(p);
      SparseMatrix h = b.history();
      assertThat(h.columns()).isEqualTo(m.columns());
      for (int r = 0; r < b.users().length; r++) {
        int u = b.users()[r];
        assertThat(Math.floorMod(Integer.hashCode(u), parts)).isEqualTo(p); // HashPartitioner's choice
        seen[u]++;
        assertThat(Arrays.copyOfRange(h.cols(), h.rowStart(r), h.rowEnd(r)))
            .containsExactly(Arrays.copyOfRange(m.cols(), m.rowStart(u), m.rowEnd(u)));
        assertThat(Arrays.copyOfRange(h.vals(), h.rowStart(r), h.rowEnd(r)))
            .containsExactly(Arrays.copyOfRange(m.vals(), m.rowStart(u), m.rowEnd(u)));
      }
    }
    for (int u = 0; u < users; u++) assertThat(seen[u]).as("user %d", u).isEqualTo(1);
  }

  @Property(tries = 300)
  void aClusterGetsEnoughBlocksThatNoneOutgrowsItsTask(@ForAll @IntRange(min = 0, max = 2_000_000_000) int interactions,
      @ForAll @IntRange(min = 0, max = 200_000_000) int users) {
    int blocks = LarderSparkEngine.blocksFor(interactions, users);
    long bytes = 8L * interactions + 48L * users;
    assertThat((long) blocks * LarderSparkEngine.MAX_BLOCK_BYTES).isGreaterThanOrEqualTo(bytes); // enough
    assertThat((long) Math.max(0, blocks - 1) * LarderSparkEngine.MAX_BLOCK_BYTES).isLessThan(Math.max(1, bytes)); // no more
    // half a billion interactions of ten million users: about 4.5 GB of blocks, 67 of at most 64 MiB
    assertThat(LarderSparkEngine.blocksFor(500_000_000L, 10_000_000)).isEqualTo(67);
  }

  /** Rows of 0 to 5 distinct increasing items. */
  private static SparseMatrix random(int rows, int columns, long seed) {
    Random r = new Random(seed);
    int[] ptr = new int[rows + 1];
    int[] cols = new int[rows * 5];
    float[] vals = new float[rows * 5];
    int at = 0;
    for (int u = 0; u < rows; u++) {
      int[] items = r.ints(r.nextInt(6), 0, columns).distinct().sorted().toArray();
      for (int i : items) {
        cols[at] = i;
        vals[at++] = 1 + r.nextInt(5);
      }
      ptr[u + 1] = at;
    }
    return new SparseMatrix(rows, columns, ptr, Arrays.copyOf(cols, at), Arrays.copyOf(vals, at));
  }
}
