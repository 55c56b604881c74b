package larder.train.segment.rfm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Transactions;
import larder.generate.CustomerParams;
import larder.generate.SyntheticCustomers;
import net.jqwik.api.ForAll;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RfmFeaturesTest {

  private static long t(String iso) { return Instant.parse(iso).getEpochSecond(); }

  /** A few customers whose RFM values are worked out by hand below. */
  private static Transactions tiny(boolean orderIds) {
    Transactions.Builder b = new Transactions.Builder();
    // a: order A1 of two rows, order A2 partly refunded a day later, order A3 after the as-of instant.
    b.add("a", t("2024-03-01T10:00:00Z"), 30.00, orderIds ? "A1" : null);
    b.add("a", t("2024-03-01T10:00:00Z"), 20.00, orderIds ? "A1" : null);
    b.add("a", t("2024-03-05T09:00:00Z"), 40.00, orderIds ? "A2" : null);
    b.add("a", t("2024-03-06T00:00:00Z"), -10.00, orderIds ? "A2" : null);
    b.add("a", t("2024-03-11T08:00:00Z"), 100.00, orderIds ? "A3" : null);
    // b: B1 refunded in full (no purchase), B2 a purchase, and a refund booked on an order of its own.
    b.add("b", t("2024-03-09T13:00:00Z"), 25.00, orderIds ? "B1" : null);
    b.add("b", t("2024-03-09T14:00:00Z"), -25.00, orderIds ? "B1" : null);
    b.add("b", t("2024-02-10T00:00:00Z"), 15.00, orderIds ? "B2" : null);
    b.add("b", t("2024-03-10T11:00:00Z"), -5.00, orderIds ? "BR" : null);
    // c: only a refund. d: only a purchase after the as-of instant.
    b.add("c", t("2024-03-02T00:00:00Z"), -12.00, orderIds ? "C1" : null);
    b.add("d", t("2024-03-11T00:00:00Z"), 60.00, orderIds ? "D1" : null);
    // e: an order refunded in full up to a rounding residue (0.1 + 0.2 - 0.3 = 5.6e-17).
    b.add("e", t("2024-03-03T00:00:00Z"), 0.10, orderIds ? "E1" : null);
    b.add("e", t("2024-03-03T00:00:00Z"), 0.20, orderIds ? "E1" : null);
    b.add("e", t("2024-03-04T00:00:00Z"), -0.30, orderIds ? "E1" : null);
    return b.build();
  }

  @Test
  void handComputedWithOrderIds() {
    Instant asOf = Instant.parse("2024-03-10T12:00:00Z");
    RfmFeatures r = RfmFeatures.compute(tiny(true), asOf, Monetary.TOTAL);
    assertThat(r.asOf()).isEqualTo(asOf);
    assertThat(r.size()).isEqualTo(2);
    assertThat(r.customers().name(0)).isEqualTo("a");
    assertThat(r.customers().name(1)).isEqualTo("b");
    assertThat(r.sourceId()).containsExactly(0, 1);
    // a: purchases A1 and A2; last purchase 03-05 09:00 (the refund on 03-06 does not count) -> 5 days 3 hours.
    // b: only B2 (B1 nets to 0); 02-10 00:00 to 03-10 12:00 in a leap year -> 29 days 12 hours.
    assertThat(r.recencyDays()).containsExactly(5, 29);
    assertThat(r.frequency()).containsExactly(2, 1);
    // a: 30 + 20 + 40 - 10 = 80 (A3 is after as-of). b: 25 - 25 + 15 - 5 = 10.
    assertThat(r.monetary()).containsExactly(new double[] {80, 10}, within(1e-9));
    assertThat(r.customersLeftOut()).isEqualTo(3); // c, d and e
    assertThat(r.rowsAfterAsOf()).isEqualTo(2);

    RfmFeatures avg = RfmFeatures.compute(tiny(true), asOf, Monetary.AVERAGE);
    assertThat(avg.monetary()).containsExactly(new double[] {40, 10}, within(1e-9));
  }

  @Test
  void withoutOrderIdsEveryRowIsAnOrder() {
    RfmFeatures r = RfmFeatures.compute(tiny(false), Instant.parse("2024-03-10T12:00:00Z"), Monetary.TOTAL);
    // a: three positive rows; b: 25 on 03-09 13:00 and 15 -> 2 purchases, last 03-09 13:00 -> 0 days 23 hours;
    // e: two positive rows (0.10, 0.20) on 03-03 -> 2 purchases, net spend floored at 0.
    assertThat(r.customers().name(2)).isEqualTo("e");
    assertThat(r.frequency()).containsExactly(3, 2, 2);
    assertThat(r.recencyDays()).containsExactly(5, 0, 7);
    assertThat(r.monetary()).containsExactly(new double[] {80, 10, 0}, within(1e-9));
    assertThat(r.customersLeftOut()).isEqualTo(2);
  }

  @Test
  void defaultAsOfIsTheEndOfTheLatestDay() {
    RfmFeatures r = RfmFeatures.compute(tiny(true), null, Monetary.TOTAL);
    assertThat(r.asOf()).isEqualTo(Instant.parse("2024-03-11T23:59:59Z"));
    assertThat(r.rowsAfterAsOf()).isZero();
    // Now A3 (03-11 08:00) and D1 count: the latest buyers have recency 0.
    assertThat(r.customers().idOf("d")).isEqualTo(2);
    assertThat(r.recencyDays()[0]).isZero();
    assertThat(r.recencyDays()[2]).isZero();
    assertThat(r.frequency()[0]).isEqualTo(3);
    assertThat(r.customersLeftOut()).isEqualTo(2); // c and e
  }

  @Test
  void asOfBeforeTheFirstTransactionNamesBothDates() {
    assertThatThrownBy(() -> RfmFeatures.compute(tiny(true), Instant.parse("2024-01-01T00:00:00Z"), Monetary.TOTAL))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rfm.as_of").hasMessageContaining("2024-01-01").hasMessageContaining("2024-02-10")
        .satisfies(e -> assertThat(((ConfigException) e).hint()).contains("2024-03-11T23:59:59Z"));
    assertThatThrownBy(() -> RfmFeatures.compute(new Transactions.Builder().build(), null, Monetary.TOTAL))
        .isInstanceOf(InputException.class).hasMessageContaining("no rows");
  }

  @Test
  void nobodyLeftOutKeepsTheSourceIds() {
    Transactions tx = new Transactions.Builder().add("x", 100, 5, null).add("y", 200, 7, "o").build();
    RfmFeatures r = RfmFeatures.compute(tx, null, Monetary.TOTAL);
    assertThat(r.customers()).isSameAs(tx.customers());
    assertThat(r.rowMajor()).containsExactly(0, 1, 5, 0, 1, 7);
  }

  @Property(tries = 5, edgeCases = EdgeCasesMode.NONE)
  void generatedCustomersHaveExactlyThePlantedRecencyAndFrequency(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SyntheticCustomers g = new SyntheticCustomers(CustomerParams.of(1_500, seed).withRefundRate(0.3));
    double[] spend = new double[1_500];
    g.forEachRow((c, time, amount, order) -> spend[c] += amount);
    RfmFeatures r = RfmFeatures.compute(g.transactions(), null, Monetary.TOTAL);
    assertThat(r.customersLeftOut()).isZero();
    assertThat(r.asOf()).isEqualTo(CustomerParams.DEFAULT_END.minusSeconds(1));
    for (int i = 0; i < r.size(); i++) {
      SyntheticCustomers.Planted p = g.planted(r.sourceId()[i]);
      assertThat(r.recencyDays()[i]).isEqualTo(p.recencyDays());
      assertThat(r.frequency()[i]).isEqualTo(p.orders());
      assertThat(r.monetary()[i]).isCloseTo(spend[r.sourceId()[i]], within(1e-6));
    }
  }

  /** The fast computation against a slow, obvious one with maps, on random rows. */
  @Property(tries = 60)
  void agreesWithAnObviousImplementation(@ForAll @IntRange(min = 1, max = 400) int rows,
      @ForAll @IntRange(min = 1, max = 30) int customers, @ForAll @IntRange(min = 1, max = 12) int ordersPerCustomer,
      @ForAll boolean orderIds, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Transactions.Builder b = new Transactions.Builder();
    long base = t("2024-01-01T00:00:00Z");
    for (int i = 0; i < rows; i++) {
      int c = rnd.nextInt(customers);
      double amount = rnd.nextDouble() < 0.25 ? -rnd.nextInt(1, 5000) / 100.0 : rnd.nextInt(0, 5000) / 100.0;
      b.add("c" + c, base + rnd.nextLong(100 * 86_400L), amount, orderIds ? "o" + rnd.nextInt(ordersPerCustomer) : null);
    }
    Transactions tx = b.build();
    long asOf = base + rnd.nextLong(100 * 86_400L);
    long first = Long.MAX_VALUE;
    for (int i = 0; i < tx.size(); i++) first = Math.min(first, tx.epochSecond(i));
    if (asOf < first) asOf = first;

    Map<Integer, Map<Long, double[]>> orders = new TreeMap<>(); // net, gross, last positive time
    Map<Integer, Double> spend = new HashMap<>();
    for (int i = 0; i < tx.size(); i++) {
      if (tx.epochSecond(i) > asOf) continue;
      int c = tx.customer(i);
      spend.merge(c, tx.amount(i), Double::sum);
      double[] o = orders.computeIfAbsent(c, k -> new HashMap<>())
          .computeIfAbsent(tx.orderKey(i), k -> new double[] {0, 0, Double.NEGATIVE_INFINITY});
      o[0] += tx.amount(i);
      if (tx.amount(i) > 0) {
        o[1] += tx.amount(i);
        o[2] = Math.max(o[2], tx.epochSecond(i));
      }
    }
    RfmFeatures r = RfmFeatures.compute(tx, Instant.ofEpochSecond(asOf), Monetary.AVERAGE);
    int kept = 0;
    for (int c = 0; c < tx.customerCount(); c++) {
      int f = 0;
      double last = Double.NEGATIVE_INFINITY;
      for (double[] o : orders.getOrDefault(c, Map.of()).values()) {
        if (o[0] > 1e-9 * o[1]) {
          f++;
          last = Math.max(last, o[2]);
        }
      }
      int i = r.customers().idOf(tx.customers().name(c));
      if (f == 0) {
        assertThat(i).isEqualTo(-1);
        continue;
      }
      kept++;
      assertThat(r.frequency()[i]).isEqualTo(f);
      assertThat(r.recencyDays()[i]).isEqualTo((double) Math.floorDiv(asOf - (long) last, 86_400L));
      assertThat(r.monetary()[i]).isCloseTo(Math.max(0, spend.get(c)) / f, within(1e-9));
    }
    assertThat(r.size()).isEqualTo(kept);
    assertThat(r.customersLeftOut()).isEqualTo(tx.customerCount() - kept);
  }
}
