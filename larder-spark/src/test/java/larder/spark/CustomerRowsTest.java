package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import larder.core.Transactions;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.rfm.RfmFeatures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Transactions cut into partitions by customer, reduced to RFM per partition and merged give exactly what the
 * local rules give for the whole (refunds, orders over several rows, rows after the as-of instant, customers
 * left out); and the k-means sample is a seeded subset in id order.
 */
class CustomerRowsTest {
  @Property(tries = 60)
  void rfmOfThePartsMergedIsTheRfmOfTheWhole(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 1, max = 9) int parts, @ForAll boolean orderIds, @ForAll boolean average) {
    Random r = new Random(seed);
    Transactions.Builder b = new Transactions.Builder();
    int customers = 1 + r.nextInt(60);
    int rows = 1 + r.nextInt(400);
    long t0 = 1_700_000_000L;
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(customers);
      double amount = r.nextInt(10) == 0 ? -r.nextInt(50) - 0.01 * r.nextInt(100) : r.nextInt(80) + 0.01 * r.nextInt(100);
      b.add("c" + c, t0 + r.nextInt(90) * 86_400L + r.nextInt(86_400), amount, orderIds ? "o" + c + "-" + r.nextInt(5) : null);
    }
    Transactions t = b.build();
    Monetary mode = average ? Monetary.AVERAGE : Monetary.TOTAL;
    long asOf = r.nextBoolean() ? RfmFeatures.asOfSecond(t, null) : t0 + 45 * 86_400L + r.nextInt(40 * 86_400);
    RfmFeatures whole = RfmFeatures.computeAt(t, asOf, mode);

    List<CustomerRows.RfmPart> computed = new ArrayList<>();
    for (CustomerRows part : CustomerRows.cut(t, parts)) computed.add(part.rfm(asOf, mode));
    RfmFeatures merged = SparkSegments.merge(t, computed, asOf, mode);

    assertThat(merged.size()).isEqualTo(whole.size());
    for (int i = 0; i < whole.size(); i++) assertThat(merged.customers().name(i)).isEqualTo(whole.customers().name(i));
    assertThat(merged.sourceId()).isEqualTo(whole.sourceId());
    assertThat(merged.recencyDays()).isEqualTo(whole.recencyDays());
    assertThat(merged.frequency()).isEqualTo(whole.frequency());
    assertThat(merged.monetary()).isEqualTo(whole.monetary());
    assertThat(merged.customersLeftOut()).isEqualTo(whole.customersLeftOut());
    assertThat(merged.rowsAfterAsOf()).isEqualTo(whole.rowsAfterAsOf());
    assertThat(merged.asOf()).isEqualTo(whole.asOf());
  }

  @Property(tries = 60)
  void theSampleIsASeededSubsetInIdOrder(@ForAll @IntRange(min = 1, max = 5_000) int n,
      @ForAll @IntRange(min = 1, max = 5_000) int want, @ForAll long seed) {
    int m = Math.min(n, want);
    int[] s = SparkSegments.sampleIds(n, m, seed);
    assertThat(s).hasSize(m);
    for (int i = 0; i < m; i++) {
      assertThat(s[i]).isBetween(0, n - 1);
      if (i > 0) assertThat(s[i]).isGreaterThan(s[i - 1]);
    }
    assertThat(SparkSegments.sampleIds(n, m, seed)).isEqualTo(s);
    if (m == n) for (int i = 0; i < n; i++) assertThat(s[i]).isEqualTo(i);
  }
}
