package larder.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticShopTest {

  record Event(int user, int item, long t, int q, double amount, long order) {}

  static List<Event> events(SyntheticShop s) {
    List<Event> out = new ArrayList<>();
    s.forEachEvent((u, i, t, q, a, o) -> out.add(new Event(u, i, t, q, a, o)));
    return out;
  }

  @Test
  void sameSeedSameEventsDifferentSeedDifferent() {
    ShopParams p = ShopParams.of(200, 100, 5_000, 42L);
    List<Event> a = events(new SyntheticShop(p));
    List<Event> b = events(new SyntheticShop(p));
    List<Event> c = events(new SyntheticShop(p.withSeed(43L)));
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
  }

  @Property(tries = 30)
  void exactlyTheRequestedNumberOfEvents(@ForAll @IntRange(min = 1, max = 300) int users,
      @ForAll @IntRange(min = 1, max = 200) int items, @ForAll @LongRange(min = 0, max = 3_000) long n,
      @ForAll long seed) {
    SyntheticShop s = new SyntheticShop(ShopParams.of(users, items, n, seed));
    long[] count = {0};
    long[] perUser = new long[users];
    s.forEachEvent((u, i, t, q, a, o) -> {
      count[0]++;
      perUser[u]++;
    });
    assertThat(count[0]).isEqualTo(n);
    for (int u = 0; u < users; u++) {
      assertThat(perUser[u]).isEqualTo(s.eventsOfUser(u));
      if (n >= users) assertThat(perUser[u]).isGreaterThanOrEqualTo(1);
    }
  }

  @Property(tries = 20)
  void eventsAreWellFormed(@ForAll @IntRange(min = 1, max = 100) int users,
      @ForAll @IntRange(min = 1, max = 100) int items, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 30) int days) {
    ShopParams p = ShopParams.of(users, items, 2_000, seed).withDays(days)
        .withStart(Instant.parse("2023-06-15T10:30:00Z"));
    SyntheticShop s = new SyntheticShop(p);
    long start = p.start().getEpochSecond();
    long end = start + days * 86_400L;
    List<Event> ev = events(s);
    for (int k = 0; k < ev.size(); k++) {
      Event e = ev.get(k);
      assertThat(e.item()).isBetween(0, items - 1);
      assertThat(e.t()).isGreaterThanOrEqualTo(start).isLessThan(end);
      assertThat(e.q()).isBetween(1, 3);
      assertThat(Math.round(e.amount() * 100)).isEqualTo(s.priceCentsOfItem(e.item()) * e.q());
      if (k > 0 && ev.get(k - 1).user() == e.user()) {
        Event prev = ev.get(k - 1);
        assertThat(e.t()).isGreaterThanOrEqualTo(prev.t());
        boolean sameDay = Math.floorDiv(e.t(), 86_400L) == Math.floorDiv(prev.t(), 86_400L);
        assertThat(e.order() == prev.order()).isEqualTo(sameDay);
      } else if (k > 0) {
        assertThat(e.user()).isGreaterThan(ev.get(k - 1).user());
        assertThat(e.order()).isGreaterThan(ev.get(k - 1).order());
      }
    }
  }

  @Test
  void popularityIsPowerLaw() {
    SyntheticShop s = new SyntheticShop(ShopParams.of(2_000, 2_000, 200_000, 7L));
    long[] perItem = new long[2_000];
    s.forEachEvent((u, i, t, q, a, o) -> perItem[i]++);
    long[] sorted = perItem.clone();
    Arrays.sort(sorted);
    long top = 0;
    for (int k = 0; k < 20; k++) top += sorted[sorted.length - 1 - k];
    // Zipf(1) over 2,000 items: the top 1% hold about a quarter of all weight; uniform would be 1%.
    assertThat(top / 200_000.0).isGreaterThan(0.15);
    // Ranks are shuffled: the most popular items are not simply the lowest ids.
    long firstHundred = 0;
    for (int i = 0; i < 100; i++) firstHundred += perItem[i];
    assertThat(firstHundred / 200_000.0).isLessThan(0.3);
  }

  @Test
  void flatExponentGivesNearUniformItems() {
    SyntheticShop s = new SyntheticShop(ShopParams.of(500, 100, 100_000, 7L).withItemExponent(0));
    long[] perItem = new long[100];
    s.forEachEvent((u, i, t, q, a, o) -> perItem[i]++);
    long max = Arrays.stream(perItem).max().orElseThrow();
    assertThat(max / 100_000.0).isLessThan(0.02);
  }

  @Test
  void usersFavourTheirPlantedTaste() {
    for (double affinity : new double[] {0.0, 0.5, 0.9}) {
      ShopParams p = ShopParams.of(3_000, 1_000, 150_000, 11L).withTastes(10).withTasteAffinity(affinity);
      SyntheticShop s = new SyntheticShop(p);
      long[] own = {0};
      s.forEachEvent((u, i, t, q, a, o) -> {
        if (s.tasteOfItem(i) == s.tasteOfUser(u)) own[0]++;
      });
      double expected = 0;
      for (int u = 0; u < p.users(); u++) {
        expected += s.eventsOfUser(u) * (affinity + (1 - affinity) * s.groupShare(s.tasteOfUser(u)));
      }
      assertThat(own[0] / (double) p.interactions()).isCloseTo(expected / p.interactions(),
          org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  void activityIsHeavyTailed() {
    SyntheticShop s = new SyntheticShop(ShopParams.of(5_000, 500, 100_000, 3L));
    long[] n = new long[5_000];
    for (int u = 0; u < n.length; u++) n[u] = s.eventsOfUser(u);
    Arrays.sort(n);
    long top = 0;
    for (int k = 0; k < 500; k++) top += n[n.length - 1 - k];
    assertThat(top / 100_000.0).isGreaterThan(0.3); // top 10% of users: well above their 10% head count
    assertThat(n[0]).isGreaterThanOrEqualTo(1);
  }

  @Test
  void interactionsSumQuantitiesPerPair() {
    ShopParams p = ShopParams.of(150, 80, 4_000, 5L);
    SyntheticShop s = new SyntheticShop(p);
    float[][] dense = new float[150][80];
    s.forEachEvent((u, i, t, q, a, o) -> dense[u][i] += q);
    Interactions in = s.interactions();
    assertThat(in.userCount()).isEqualTo(150);
    assertThat(in.itemCount()).isEqualTo(80);
    assertThat(in.users().idOf("u17")).isEqualTo(17);
    assertThat(in.items().name(42)).isEqualTo("i42");
    long nnz = 0;
    for (int u = 0; u < 150; u++) {
      for (int i = 0; i < 80; i++) {
        assertThat(in.byUser().get(u, i)).isEqualTo(dense[u][i]);
        if (dense[u][i] > 0) nnz++;
      }
      int[] cols = Arrays.copyOfRange(in.byUser().cols(), in.byUser().rowStart(u), in.byUser().rowEnd(u));
      assertThat(cols).isSorted();
    }
    assertThat(in.size()).isEqualTo(nnz);
  }

  @Test
  void everyUserAndItemExistsEvenWithoutEvents() {
    Interactions in = new SyntheticShop(ShopParams.of(50, 1_000, 10, 1L)).interactions();
    assertThat(in.userCount()).isEqualTo(50);
    assertThat(in.itemCount()).isEqualTo(1_000);
    assertThat(in.size()).isLessThanOrEqualTo(10);
  }

  @Test
  void csvRoundTripsPlainAndGzip(@TempDir Path dir) throws IOException {
    SyntheticShop s = new SyntheticShop(ShopParams.of(300, 120, 250_000, 9L));
    List<Event> ev = events(s);
    for (String name : new String[] {"events.csv", "events.csv.gz"}) {
      Path f = dir.resolve(name);
      long[] lastProgress = {0};
      int[] calls = {0};
      s.writeCsv(f, (phase, done, total, unit) -> {
        calls[0]++;
        lastProgress[0] = done;
      });
      assertThat(calls[0]).isGreaterThanOrEqualTo(2);
      assertThat(lastProgress[0]).isEqualTo(250_000);
      try (BufferedReader r = reader(f)) {
        assertThat(r.readLine()).isEqualTo("user_id,item_id,timestamp,quantity,amount,order_id");
        for (Event e : ev) {
          String[] f6 = r.readLine().split(",");
          assertThat(f6).hasSize(6);
          assertThat(f6[0]).isEqualTo("u" + e.user());
          assertThat(f6[1]).isEqualTo("i" + e.item());
          assertThat(Instant.parse(f6[2]).getEpochSecond()).isEqualTo(e.t());
          assertThat(f6[2]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
          assertThat(Integer.parseInt(f6[3])).isEqualTo(e.q());
          assertThat(f6[4]).matches("\\d+\\.\\d\\d");
          assertThat(Double.parseDouble(f6[4])).isEqualTo(e.amount());
          assertThat(Long.parseLong(f6[5])).isEqualTo(e.order());
        }
        assertThat(r.readLine()).isNull();
      }
    }
    assertThat(isGzip(dir.resolve("events.csv.gz"))).isTrue();
    assertThat(isGzip(dir.resolve("events.csv"))).isFalse();
  }

  @Test
  void sparkCsvHasIntegerIdsAndCounts(@TempDir Path dir) throws IOException {
    SyntheticShop s = new SyntheticShop(ShopParams.of(40, 30, 1_000, 2L));
    List<Event> ev = events(s);
    Path f = dir.resolve("spark.csv");
    s.writeSparkCsv(f, Progress.NONE);
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).isEqualTo("user,item,count");
    assertThat(lines).hasSize(ev.size() + 1);
    for (int k = 0; k < ev.size(); k++) {
      Event e = ev.get(k);
      assertThat(lines.get(k + 1)).isEqualTo(e.user() + "," + e.item() + "," + e.q());
    }
  }

  @Test
  void itemsCsvNamesEveryItemWithItsTasteAndPrice(@TempDir Path dir) throws IOException {
    SyntheticShop s = new SyntheticShop(ShopParams.of(10, 60, 100, 4L).withTastes(30));
    Path f = dir.resolve("items.csv.gz");
    s.writeItemsCsv(f);
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = reader(f)) {
      for (String line; (line = r.readLine()) != null; ) lines.add(line);
    }
    assertThat(lines.get(0)).isEqualTo("item_id,name,category,price");
    assertThat(lines).hasSize(61);
    for (int i = 0; i < 60; i++) {
      String[] f4 = lines.get(i + 1).split(",");
      assertThat(f4).hasSize(4);
      assertThat(f4[0]).isEqualTo("i" + i);
      assertThat(f4[1]).matches("[A-Z][a-z]+ [A-Z][a-z]+");
      assertThat(f4[2]).isEqualTo(s.tasteName(s.tasteOfItem(i)));
      assertThat(Math.round(Double.parseDouble(f4[3]) * 100)).isEqualTo(s.priceCentsOfItem(i));
    }
    // 30 groups outnumber the word list: names stay distinct per group.
    assertThat(java.util.stream.IntStream.range(0, 30).mapToObj(s::tasteName).distinct().count()).isEqualTo(30);
  }

  @Test
  void paramsAreValidatedByName() {
    assertThatThrownBy(() -> ShopParams.of(0, 10, 10, 1L)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("users");
    assertThatThrownBy(() -> ShopParams.of(10, 10, 10, 1L).withTastes(11))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tastes");
    assertThatThrownBy(() -> ShopParams.of(10, 10, 10, 1L).withTasteAffinity(1.5))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tasteAffinity");
    assertThatThrownBy(() -> ShopParams.of(10, 10, -1, 1L)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("interactions");
    assertThatThrownBy(() -> ShopParams.of(10, 10, 10, 1L).withItemExponent(Double.NaN))
        .isInstanceOf(ConfigException.class).hasMessageContaining("itemExponent");
    assertThatThrownBy(() -> ShopParams.of(10, 10, 10, 1L).withDays(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("days");
    assertThat(ShopParams.of(10, 5, 10, 1L).tastes()).isEqualTo(5);
  }

  @Test
  void fiveMillionEventsStreamQuickly() {
    SyntheticShop s = new SyntheticShop(ShopParams.of(100_000, 20_000, 5_000_000, 1L));
    long t0 = System.nanoTime();
    long[] sum = {0};
    s.forEachEvent((u, i, t, q, a, o) -> sum[0] += i);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(sum[0]).isPositive();
    assertThat(seconds).isLessThan(20); // a few seconds normally; generous for a loaded 2-core CI
  }

  private static BufferedReader reader(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    if (f.toString().endsWith(".gz")) in = new GZIPInputStream(in);
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static boolean isGzip(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }
}
