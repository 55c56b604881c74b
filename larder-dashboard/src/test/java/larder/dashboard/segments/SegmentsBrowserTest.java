package larder.dashboard.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import larder.core.Progress;
import larder.dashboard.DashboardTest;
import larder.generate.CustomerParams;
import larder.generate.SyntheticCustomers;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.serve.MembersCsv;
import larder.serve.PredictionReader;
import org.junit.jupiter.api.Test;

/**
 * The segments screens in a browser, on a store filled by a real segments job ({@code k: auto}) run on generated
 * transactions twice, the second time on later data with 50 customers gone and 100 new, so the current batch has
 * a previous batch and transitions; and a rule-based job run once. Every figure on the page is compared with the
 * store's tables.
 */
class SegmentsBrowserTest extends DashboardTest {
  static final int CUSTOMERS = 3_000;
  static final int NEW_LATER = 100;
  static final int DEPARTED = 50;
  static final long SEED = 20240901L;
  static final String READ_KEY = "read-key-0123456789abcdef";

  long previousBatch;
  long currentBatch;

  @Override
  protected void publish() throws Exception {
    new SyntheticCustomers(CustomerParams.of(CUSTOMERS, SEED)).writeCsv(dir.resolve("customers-1.csv"), Progress.NONE);
    // the same shop later: same customer types, other behaviour; c0..c49 have gone, 100 are new
    var all = dir.resolve("later-all.csv");
    new SyntheticCustomers(CustomerParams.of(CUSTOMERS + NEW_LATER, SEED).withSeed(SEED + 1)).writeCsv(all, Progress.NONE);
    StringBuilder later = new StringBuilder();
    for (String line : Files.readAllLines(all)) {
      String id = line.substring(0, line.indexOf(','));
      if (!id.equals("customer_id") && Integer.parseInt(id.substring(1)) < DEPARTED) continue;
      later.append(line).append('\n');
    }
    Files.writeString(dir.resolve("customers-2.csv"), later);
    runJobs(config(yaml("customers-1.csv")), "seg", "rfm");
    runJobs(config(yaml("customers-2.csv")), "seg");
    PredictionReader batches = new PredictionReader(store);
    currentBatch = batches.current("seg").orElseThrow().id();
    previousBatch = batches.batches("seg").stream().filter(b -> b.id() < currentBatch).findFirst().orElseThrow().id();
    backdate(previousBatch, NOW.minus(Duration.ofDays(7)), NOW.minus(Duration.ofDays(7)));
    backdate(currentBatch, NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofHours(3)));
  }

  private static String yaml(String transactions) {
    return """
        jobs:
          seg:
            type: segments
            source: { file: %s, columns: { customer: customer_id, timestamp: timestamp, amount: amount, order: order_id } }
            kmeans: { k: auto, k_min: 3, k_max: 6 }
            threads: 1
          rfm:
            type: segments
            source: { file: customers-1.csv, columns: { customer: customer_id, timestamp: timestamp, amount: amount, order: order_id } }
            method: rfm
        """.formatted(transactions);
  }

  @Test
  void segmentTableChartsAndHeatMapEqualTheStore() throws Exception {
    Map<Integer, Long> sizes = query("SELECT segment_id, COUNT(*) FROM larder_segments WHERE job = 'seg'"
        + " GROUP BY segment_id");
    Map<Integer, Long> before = query("SELECT segment_id, COUNT(*) FROM larder_segment_rows WHERE batch_id = "
        + previousBatch + " GROUP BY segment_id");
    long customers = sizes.values().stream().mapToLong(Long::longValue).sum();
    assertThat(customers).isEqualTo(CUSTOMERS + NEW_LATER - DEPARTED);
    try (Visit v = open("/segments/seg")) {
      assertThat(v.page.locator("#batch").getAttribute("data-batch")).isEqualTo(Long.toString(currentBatch));
      assertThat(v.page.locator("#batch").innerText()).contains("compared with batch " + previousBatch)
          .contains("published 2026-03-02 09:00 UTC, 3.0 h ago");

      // the size table sums to the customers in the store, row by row, with the change from the previous batch
      Map<Integer, Long> shown = new TreeMap<>();
      long sum = 0;
      for (Locator row : v.page.locator("#segments tbody tr").all()) {
        int id = Integer.parseInt(row.getAttribute("data-segment"));
        long size = Long.parseLong(row.locator("td.size").getAttribute("data-size"));
        shown.put(id, size);
        sum += size;
        assertThat(row.locator("td.size").innerText()).isEqualTo(String.format("%,d", sizes.get(id)));
        String change = row.locator("td.change").innerText();
        if (before.containsKey(id)) {
          assertThat(change).as("segment %d", id).isEqualTo(SegmentLine.signed(sizes.get(id) - before.get(id)));
        } else {
          assertThat(change).isEqualTo("new");
        }
        assertThat(row.locator("td.recency").innerText()).matches("\\d+");
        assertThat(row.locator("td.monetary").innerText()).matches("[\\d,]+\\.\\d\\d");
      }
      assertThat(shown).isEqualTo(new TreeMap<>(sizes));
      assertThat(sum).isEqualTo(customers);
      assertThat(v.page.locator("#segments tfoot td.total").innerText()).isEqualTo(String.format("%,d", customers));

      // the bar chart has the table's numbers
      assertThat(numbers(v, "sizes-chart", 0)).isEqualTo(new ArrayList<>(shown.values()));

      // the heat map's table and chart cells equal the stored transitions (missing pairs are zero)
      Map<List<String>, Long> stored = new HashMap<>();
      try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
          "SELECT from_segment, to_segment, customers, batch_id FROM larder_segment_transitions WHERE job = 'seg'")) {
        while (rs.next()) {
          assertThat(rs.getLong(4)).isEqualTo(currentBatch);
          stored.put(List.of(key(rs.getObject(1)), key(rs.getObject(2))), rs.getLong(3));
        }
      }
      assertThat(stored).isNotEmpty();
      Map<List<String>, Long> table = new HashMap<>();
      Map<String, Long> rowTotals = new HashMap<>();
      for (Locator cell : v.page.locator("#transitions tbody td").all()) {
        List<String> pair = List.of(cell.getAttribute("data-from"), cell.getAttribute("data-to"));
        long n = Long.parseLong(cell.getAttribute("data-customers"));
        table.put(pair, n);
        rowTotals.merge(pair.get(0), n, Long::sum);
        assertThat(cell.innerText()).startsWith(String.format("%,d (", n));
      }
      Map<List<String>, Long> nonZero = new HashMap<>(table);
      nonZero.values().removeIf(n -> n == 0);
      assertThat(nonZero).isEqualTo(stored);
      // rows are the previous batch's segments (each sums to its size then) and the new customers
      for (var e : before.entrySet()) assertThat(rowTotals.get(e.getKey().toString())).isEqualTo(e.getValue());
      assertThat(rowTotals.get("none")).isEqualTo(NEW_LATER);
      assertThat(table.entrySet().stream().filter(e -> e.getKey().get(1).equals("none")).mapToLong(Map.Entry::getValue)
          .sum()).as("customers who left").isEqualTo(DEPARTED);
      // a cell's row share
      Locator first = v.page.locator("#transitions tbody tr").first().locator("td").first();
      long firstRow = rowTotals.get(first.getAttribute("data-from"));
      assertThat(first.locator(".pct").innerText()).isEqualTo(String.format(java.util.Locale.ROOT, "(%.1f%%)",
          100.0 * Long.parseLong(first.getAttribute("data-customers")) / firstRow));
      @SuppressWarnings("unchecked")
      List<List<Number>> heat = (List<List<Number>>) v.page.evaluate("() => echarts.getInstanceByDom("
          + "document.getElementById('heatmap-chart')).getOption().series[0].data");
      long heatSum = 0, tableSum = 0;
      for (List<Number> d : heat) heatSum += d.get(2).longValue();
      for (long n : table.values()) tableSum += n;
      assertThat(heat).hasSize(table.size());
      assertThat(heatSum).isEqualTo(tableSum);

      // the scatter: a sample of at most 2,000 customers, the same as its table, each with its stored segment
      Object points = v.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('scatter-chart'))"
          + ".getOption().series.reduce((n, s) => n + s.data.length, 0)");
      assertThat(((Number) points).intValue()).isEqualTo(SegmentsScreen.SAMPLE);
      assertThat(v.page.locator("#sample tbody tr").count()).isEqualTo(SegmentsScreen.SAMPLE);
      Locator sampled = v.page.locator("#sample tbody tr").nth(17).locator("td");
      assertThat(query("SELECT segment_id, 1 FROM larder_segments WHERE job = 'seg' AND customer_id = '"
          + sampled.nth(0).textContent() + "'")).containsOnlyKeys(Integer.parseInt(sampled.nth(1).textContent()));
      assertThat(v.page.locator("#scatter-chart").getAttribute("aria-label")).contains("Scatter plot");

      // the k-choice table is the run's, as stored in its metrics; its chart has the same silhouettes
      List<Locator> kRows = v.page.locator("#k-choice tbody tr").all();
      assertThat(kRows).extracting(r -> r.getAttribute("data-k")).containsExactly("3", "4", "5", "6");
      assertThat(v.page.locator("#k-choice .state").count()).isEqualTo(1);
      String metrics = scalar("SELECT metrics FROM larder_batches WHERE batch_id = " + currentBatch);
      for (Locator r : kRows) assertThat(metrics).contains("\"k\":" + r.getAttribute("data-k") + ",");
      assertThat(numbers(v, "k-chart", 0)).hasSize(4);
      String chosen = v.page.locator("#k-choice tbody tr:has(.state)").getAttribute("data-k");
      assertThat(Integer.parseInt(chosen)).isEqualTo(sizes.size());

      for (String chart : List.of("sizes-chart", "scatter-chart", "heatmap-chart", "k-chart")) {
        assertThat(v.page.locator("#" + chart + " svg").count()).as(chart + " drawn as SVG").isEqualTo(1);
      }
      v.screenshot("segments");
      assertThat(v.errors).as("console errors").isEmpty();
      assertThat(v.foreign).as("requests to anything but the server").isEmpty();
    }
  }

  @Test
  void membersPageEqualsTheStoreAndTheMovedInFilterListsOnlyMovers() throws Exception {
    // the segment most customers moved into
    int segment = (int) (long) query("SELECT to_segment, SUM(customers) FROM larder_segment_transitions"
        + " WHERE job = 'seg' AND to_segment IS NOT NULL AND (from_segment IS NULL OR from_segment <> to_segment)"
        + " GROUP BY to_segment ORDER BY 2 DESC LIMIT 1").keySet().iterator().next();
    List<List<String>> expected = members(segment, false);
    List<List<String>> moved = members(segment, true);
    assertThat(moved).isNotEmpty().hasSizeLessThan(expected.size());
    try (Visit v = open("/segments/seg/" + segment)) {
      assertThat(rows(v)).isEqualTo(expected.subList(0, SegmentsScreen.PAGE));
      assertThat(v.page.locator("#batch").innerText()).contains(String.format("%,d moved in since batch %d",
          moved.size(), previousBatch));
      v.page.click("#next");
      v.page.waitForURL("**after=*");
      assertThat(rows(v)).isEqualTo(expected.subList(SegmentsScreen.PAGE, Math.min(expected.size(), 2 * SegmentsScreen.PAGE)));

      v.page.click("#moved-filter");
      v.page.waitForURL("**moved=1");
      List<List<String>> shown = rows(v);
      assertThat(shown).isEqualTo(moved.subList(0, Math.min(moved.size(), SegmentsScreen.PAGE)));
      assertThat(shown).allSatisfy(r -> assertThat(r.get(1)).isNotEqualTo(Integer.toString(segment)));
      assertThat(v.page.locator("#members tbody td.previous").allInnerTexts()).allSatisfy(t ->
          assertThat(t).isNotEqualTo(Integer.toString(segment)));
      assertThat(v.page.locator("#members tbody tr[data-previous=none] td.previous").allInnerTexts())
          .allSatisfy(t -> assertThat(t).isEqualTo("new customer"));
      v.screenshot("members");
      assertThat(v.errors).as("console errors").isEmpty();
      assertThat(v.foreign).isEmpty();
    }
  }

  @Test
  void csvExportIsOneBatchNamedInItsFileName() throws Exception {
    int segment = 1;
    long count = query("SELECT segment_id, COUNT(*) FROM larder_segments WHERE job = 'seg' AND segment_id = 1"
        + " GROUP BY segment_id").get(1);
    try (Visit v = open("/segments/seg/" + segment)) {
      Download d = v.page.waitForDownload(() -> v.page.click("#export"));
      assertThat(d.suggestedFilename()).isEqualTo("seg-segment-1-batch-" + currentBatch + ".csv");
      List<String> lines = Files.readAllLines(d.path());
      assertThat(lines.get(0) + "\n").isEqualTo(MembersCsv.HEADER);
      assertThat(lines).hasSize((int) count + 1);
      List<String> ids = lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList();
      assertThat(ids).isEqualTo(members(segment, false).stream().map(r -> r.get(0)).toList());
      assertThat(v.errors).isEmpty();
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(base + "/segments/seg/1/members.csv")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(r.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"seg-segment-1-batch-" + currentBatch + ".csv\"");
    assertThat(r.headers().firstValue("Larder-Batch")).hasValue(Long.toString(currentBatch));
    assertThat(r.body().lines().count()).isEqualTo(count + 1);

    // with keys, the export is a read like any other: refused without one
    try (LarderHttp keyed = startServer(HttpOptions.defaults().withKeys(new ApiKeys(List.of(READ_KEY), List.of())))) {
      String at = "http://127.0.0.1:" + keyed.port() + "/segments/seg/1/members.csv";
      HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(at)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).doesNotContain("customer_id");
      HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(at))
          .header("Authorization", "Bearer " + READ_KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body().lines().count()).isEqualTo(count + 1);
    }
  }

  @Test
  void aFirstBatchOfRuleSegmentsSaysItHasNoMovesAndNoChoiceOfK() throws Exception {
    Map<Integer, Long> sizes = query("SELECT segment_id, COUNT(*) FROM larder_segments WHERE job = 'rfm'"
        + " GROUP BY segment_id");
    try (Visit v = open("/segments/rfm")) {
      assertThat(v.page.locator("#segments tbody tr").count()).isEqualTo(sizes.size());
      assertThat(v.page.locator("#segments td.change").allInnerTexts()).allSatisfy(t -> assertThat(t).isEmpty());
      assertThat(v.page.locator("#segments th.label").allInnerTexts()).contains("Champions");
      assertThat(v.page.locator("#no-transitions").isVisible()).isTrue();
      assertThat(v.page.locator("#no-k-choice").isVisible()).isTrue();
      assertThat(v.page.locator("#heatmap-chart").count()).isZero();
      assertThat(v.errors).isEmpty();
    }
    try (Visit v = open("/segments/rfm/1")) {
      assertThat(v.page.locator("#moved-filter").count()).as("nothing to have moved from").isZero();
      assertThat(v.page.locator("#batch").innerText()).contains("first batch");
      assertThat(v.errors).isEmpty();
    }
    try (Visit v = open("/segments")) {
      assertThat(v.page.locator("ul.jobs-list a").allInnerTexts()).containsExactly("rfm", "seg");
      v.page.click("ul.jobs-list a:text-is('seg')");
      v.page.waitForURL("**/segments/seg");
      assertThat(v.page.locator("h1").innerText()).isEqualTo("Segments: seg");
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  void whatCannotBeShownIsSaidInOneLineWithItsStatusAndEscaped() throws Exception {
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("/segments/nope", List.of("404", "job 'nope' has no published batch; known segments jobs: rfm, seg"));
    cases.put("/segments/seg/99", List.of("404", "segment 99 is not in batch " + currentBatch + " of job 'seg'"));
    cases.put("/segments/seg/abc", List.of("400", "'abc' is not a segment id"));
    cases.put("/segments/rfm/1?moved=1", List.of("400", "the job's first: no customer moved in"));
    cases.put("/segments/%3Cscript%3Ewindow.pwned=1%3C%2Fscript%3E",
        List.of("404", "job '<script>window.pwned=1</script>' has no published batch"));
    for (var c : cases.entrySet()) {
      try (Visit v = open(c.getKey())) {
        Locator problem = v.page.locator("p.problem");
        assertThat(problem.innerText()).as(c.getKey()).contains(c.getValue().get(1));
        assertThat(v.page.locator("main script").count()).isZero();
        assertThat(v.page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
        assertThat(v.errors).as(c.getKey()).allSatisfy(e -> assertThat(e).contains("status of " + c.getValue().get(0)));
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + c.getKey()))
          .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(Integer.parseInt(c.getValue().get(0)));
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(r.body()).doesNotContain("<script>window.pwned");
    }
  }

  /** The members table as [customer id, previous segment ("none" for a new customer)]. */
  private static List<List<String>> rows(Visit v) {
    List<List<String>> out = new ArrayList<>();
    for (Locator row : v.page.locator("#members tbody tr").all()) {
      out.add(List.of(row.getAttribute("data-customer"), row.getAttribute("data-previous")));
    }
    return out;
  }

  /** A segment's members in customer id order with their previous batch's segment, from the tables. */
  private List<List<String>> members(int segment, boolean movedOnly) throws Exception {
    List<List<String>> out = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT s.customer_id, p.segment_id"
        + " FROM larder_segments s LEFT JOIN larder_segment_rows p ON p.batch_id = ? AND p.customer_id = s.customer_id"
        + " WHERE s.job = 'seg' AND s.segment_id = ? ORDER BY s.customer_id")) {
      ps.setLong(1, previousBatch);
      ps.setInt(2, segment);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String previous = key(rs.getObject(2));
          if (!movedOnly || !previous.equals(Integer.toString(segment))) out.add(List.of(rs.getString(1), previous));
        }
      }
    }
    return out;
  }

  private Map<Integer, Long> query(String sql) throws Exception {
    Map<Integer, Long> out = new LinkedHashMap<>();
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) out.put(rs.getInt(1), rs.getLong(2));
    }
    return out;
  }

  private String scalar(String sql) throws Exception {
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String key(Object segment) {
    return segment == null ? "none" : Integer.toString(((Number) segment).intValue());
  }

  /** Series {@code series} of chart {@code id}, as numbers. */
  private static List<Long> numbers(Visit v, String id, int series) {
    List<?> data = (List<?>) v.page.evaluate("([id, s]) => echarts.getInstanceByDom(document.getElementById(id))"
        + ".getOption().series[s].data", List.of(id, series));
    return data.stream().map(n -> Math.round(((Number) n).doubleValue())).toList();
  }
}
