package larder.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.core.Transactions;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCustomersTest {

  record Row(int customer, long t, double amount, long order) {}

  static List<Row> rows(SyntheticCustomers g) {
    List<Row> out = new ArrayList<>();
    g.forEachRow((c, t, a, o) -> out.add(new Row(c, t, a, o)));
    return out;
  }

  @Test
  void sameParametersSameRowsOtherSeedOtherRowsSameTypes() {
    CustomerParams p = CustomerParams.of(300, 4);
    SyntheticCustomers a = new SyntheticCustomers(p);
    SyntheticCustomers later = new SyntheticCustomers(p.withSeed(5));
    assertThat(rows(new SyntheticCustomers(p))).isEqualTo(rows(a));
    assertThat(rows(later)).isNotEqualTo(rows(a));
    int moved = 0;
    for (int c = 0; c < 300; c++) {
      assertThat(later.typeOf(c)).isEqualTo(a.typeOf(c)); // typeSeed unchanged
      if (later.planted(c).recencyDays() != a.planted(c).recencyDays()) moved++;
    }
    assertThat(moved).isGreaterThan(150);
    SyntheticCustomers reshuffled = new SyntheticCustomers(p.withTypeSeed(99));
    int sameType = 0;
    for (int c = 0; c < 300; c++) if (reshuffled.typeOf(c) == a.typeOf(c)) sameType++;
    assertThat(sameType).isLessThan(200);
  }

  @Test
  void typesFollowTheirSharesAndPlantedBehaviour() {
    SyntheticCustomers g = new SyntheticCustomers(CustomerParams.of(20_000, 8));
    List<CustomerType> types = g.params().types();
    int[] count = new int[types.size()];
    List<List<Double>> rec = new ArrayList<>();
    List<List<Double>> ord = new ArrayList<>();
    for (int t = 0; t < types.size(); t++) {
      rec.add(new ArrayList<>());
      ord.add(new ArrayList<>());
    }
    for (int c = 0; c < 20_000; c++) {
      SyntheticCustomers.Planted p = g.planted(c);
      count[p.type()]++;
      rec.get(p.type()).add((double) p.recencyDays());
      ord.get(p.type()).add((double) p.orders());
    }
    double shares = types.stream().mapToDouble(CustomerType::share).sum();
    for (int t = 0; t < types.size(); t++) {
      CustomerType ty = types.get(t);
      assertThat(count[t] / 20_000.0).isCloseTo(ty.share() / shares, within(0.015));
      // Medians of the planted draws sit at the type's medians (recency is floored to whole days).
      assertThat(median(rec.get(t))).isCloseTo(ty.recencyMedianDays(), within(0.15 * ty.recencyMedianDays() + 1));
      assertThat(median(ord.get(t))).isCloseTo(Math.max(1, ty.ordersMedian()), within(0.15 * ty.ordersMedian() + 0.5));
    }
  }

  @Property(tries = 20)
  void rowsMatchThePlantedValues(@ForAll @IntRange(min = 1, max = 300) int customers,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 0, max = 100) int refundPercent) {
    CustomerParams p = CustomerParams.of(customers, seed).withRefundRate(refundPercent / 100.0)
        .withEnd(Instant.parse("2023-07-01T00:00:00Z"));
    SyntheticCustomers g = new SyntheticCustomers(p);
    long end = p.end().getEpochSecond();
    Map<Long, Double> orderNet = new HashMap<>();
    Map<Long, Integer> orderOwner = new HashMap<>();
    long[] lastPurchase = new long[customers];
    int[] refunds = {0};
    int[] lastCustomer = {-1};
    g.forEachRow((c, t, a, o) -> {
      assertThat(c).isGreaterThanOrEqualTo(lastCustomer[0]);
      lastCustomer[0] = c;
      assertThat(t).isLessThan(end);
      assertThat(a).isNotZero();
      assertThat(Math.abs(a * 100 - Math.round(a * 100))).isLessThan(1e-6); // whole cents
      orderNet.merge(o, a, Double::sum);
      assertThat(orderOwner.computeIfAbsent(o, k -> c)).isEqualTo(c);
      if (a > 0) lastPurchase[c] = Math.max(lastPurchase[c], t);
      else refunds[0]++;
    });
    int[] orders = new int[customers];
    for (Map.Entry<Long, Double> e : orderNet.entrySet()) {
      assertThat(e.getValue()).isGreaterThan(0.0); // refunds are partial: every order stays a purchase
      orders[orderOwner.get(e.getKey())]++;
    }
    for (int c = 0; c < customers; c++) {
      SyntheticCustomers.Planted pl = g.planted(c);
      assertThat(orders[c]).isEqualTo(pl.orders());
      assertThat(Math.floorDiv(end - 1 - lastPurchase[c], 86_400L)).isEqualTo(pl.recencyDays());
    }
    if (refundPercent == 0) assertThat(refunds[0]).isZero();
    if (refundPercent == 100) assertThat(refunds[0]).isEqualTo(orderNet.size());
  }

  @Test
  void transactionsHaveDenseIdsInCustomerOrder() {
    SyntheticCustomers g = new SyntheticCustomers(CustomerParams.of(50, 2));
    Transactions t = g.transactions();
    assertThat(t.customerCount()).isEqualTo(50);
    assertThat(t.customers().idOf("c17")).isEqualTo(17);
    assertThat(t.hasOrderIds()).isTrue();
    assertThat(t.size()).isEqualTo(rows(g).size());
  }

  @Test
  void csvRoundTripsPlainAndGzip(@TempDir Path dir) throws IOException {
    SyntheticCustomers g = new SyntheticCustomers(CustomerParams.of(400, 6).withRefundRate(0.2));
    List<Row> rows = rows(g);
    for (String name : new String[] {"tx.csv", "tx.csv.gz"}) {
      Path f = dir.resolve(name);
      long[] last = {0};
      g.writeCsv(f, (phase, done, total, unit) -> last[0] = done);
      assertThat(last[0]).isEqualTo(rows.size());
      try (BufferedReader r = reader(f)) {
        assertThat(r.readLine()).isEqualTo("customer_id,timestamp,amount,order_id");
        for (Row row : rows) {
          String[] v = r.readLine().split(",");
          assertThat(v).hasSize(4);
          assertThat(v[0]).isEqualTo("c" + row.customer());
          assertThat(v[1]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
          assertThat(Instant.parse(v[1]).getEpochSecond()).isEqualTo(row.t());
          assertThat(v[2]).matches("-?\\d+\\.\\d\\d");
          assertThat(Double.parseDouble(v[2])).isEqualTo(row.amount());
          assertThat(v[3]).isEqualTo("o" + row.order());
        }
        assertThat(r.readLine()).isNull();
      }
    }
    try (InputStream in = Files.newInputStream(dir.resolve("tx.csv.gz"))) {
      assertThat(in.read()).isEqualTo(0x1f);
    }
    assertThat(rows.stream().filter(r -> r.amount() < 0).count()).isPositive();
    Path types = dir.resolve("types.csv");
    g.writeTypesCsv(types);
    List<String> lines = Files.readAllLines(types);
    assertThat(lines.get(0)).isEqualTo("customer_id,type");
    assertThat(lines).hasSize(401);
    assertThat(lines.get(8)).isEqualTo("c7," + g.typeName(g.typeOf(7)));
  }

  @Test
  void paramsAreValidatedByName() {
    assertThatThrownBy(() -> CustomerParams.of(0, 1)).isInstanceOf(ConfigException.class).hasMessageContaining("customers");
    assertThatThrownBy(() -> CustomerParams.of(5, 1).withRefundRate(2)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("refundRate");
    assertThatThrownBy(() -> CustomerParams.of(5, 1).withTypes(List.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("types");
    assertThatThrownBy(() -> new CustomerType("x", 0, 1, 0, 1, 0, 1, 0, 0)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("customer_type.x.share");
    assertThatThrownBy(() -> new CustomerType("x", 1, 1, 5, 1, 0, 1, 0, 0)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("sigma");
  }

  @Test
  void aMillionCustomersStreamQuickly() {
    SyntheticCustomers g = new SyntheticCustomers(CustomerParams.of(1_000_000, 3));
    long t0 = System.nanoTime();
    long[] n = {0};
    g.forEachRow((c, t, a, o) -> n[0]++);
    assertThat(n[0]).isGreaterThan(2_000_000);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30); // a few seconds normally; generous for a loaded CI
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static BufferedReader reader(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    if (f.toString().endsWith(".gz")) in = new GZIPInputStream(in);
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
