package larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The builder against the obvious per-row record of what was added, across its blocks of rows. */
class TransactionsBuilderTest {

  @Test
  void rowsComeBackAsAddedWithIdsInFirstSeenOrderAcrossBlocks() {
    for (int rows : new int[] {0, 1, 65_535, 65_536, 65_537, 200_003}) {
      Random r = new Random(rows);
      Transactions.Builder b = new Transactions.Builder();
      Map<String, Integer> firstSeen = new LinkedHashMap<>();
      String[] ids = new String[rows];
      long[] times = new long[rows];
      double[] amounts = new double[rows];
      String[] orders = new String[rows];
      for (int k = 0; k < rows; k++) {
        // Runs of one customer, as exports often have them, and repeats far apart.
        ids[k] = k > 0 && r.nextInt(3) > 0 ? ids[k - 1] : "c" + r.nextInt(Math.max(1, rows / 4));
        firstSeen.putIfAbsent(ids[k], firstSeen.size());
        times[k] = r.nextLong();
        amounts[k] = r.nextGaussian();
        orders[k] = r.nextInt(5) == 0 ? null : "o" + r.nextInt(1000);
        b.add(new String(ids[k]), times[k], amounts[k], orders[k]); // equal, not the same, strings
      }
      Transactions t = b.build();
      assertThat(t.size()).isEqualTo(rows);
      assertThat(b.rows()).isEqualTo(rows);
      assertThat(t.customerCount()).isEqualTo(firstSeen.size());
      for (var e : firstSeen.entrySet()) assertThat(t.customers().idOf(e.getKey())).isEqualTo(e.getValue());
      boolean anyOrder = false;
      for (int k = 0; k < rows; k++) {
        assertThat(t.customers().name(t.customer(k))).isEqualTo(ids[k]);
        assertThat(t.epochSecond(k)).isEqualTo(times[k]);
        assertThat(t.amount(k)).isEqualTo(amounts[k]);
        long key = orders[k] == null ? Long.MIN_VALUE + k : Transactions.Builder.hash(orders[k]);
        assertThat(t.orderKey(k)).isEqualTo(key);
        anyOrder |= orders[k] != null;
      }
      assertThat(t.hasOrderIds()).isEqualTo(anyOrder);
    }
  }
}
