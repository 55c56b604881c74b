package larder.dashboard.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import larder.core.BatchMetrics;
import larder.core.LarderException;
import larder.core.Progress;
import larder.dashboard.Csrf;
import larder.dashboard.DashboardTest;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A job's history in a browser, against batches published by Larder's own jobs: three item-kNN runs of a shop
 * on three data sets that passed a gate of min_lift 0.5, then a run whose gate (min_lift 50) failed. The page
 * must equal the store: its rows, its chart's points, the churn between two batches (computed here again from
 * the lists themselves), and a rollback only an admin can make, which the store, the overview, the API and the
 * audit all show. The rollback test runs last: it changes what the job serves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobHistoryBrowserTest extends DashboardTest {
  static final String READ_KEY = "read-key-0123456789abcdef";
  static final String ADMIN_KEY = "admin-key-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void publish() throws Exception {
    for (int v = 1; v <= 3; v++) {
      new SyntheticShop(ShopParams.of(300, 60, 4_000, 70L + v)).writeCsv(dir.resolve("interactions-" + v + ".csv"),
          Progress.NONE);
    }
    for (int v = 1; v <= 3; v++) runJobs(config(yaml("interactions-" + v + ".csv", 10 * v, "0.5")), "shop");
    assertThatThrownBy(() -> runJobs(config(yaml("interactions-3.csv", 40, "50")), "shop"))
        .isInstanceOf(LarderException.class).hasMessageContaining("quality gate failed");
    String seg = """
        jobs:
          seg:
            type: segments
            source: { file: %s, columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }
            kmeans: { k: 3 }
            threads: 1
        """;
    runJobs(config(seg.formatted("interactions-1.csv")), "seg");  // batch 5
    runJobs(config(seg.formatted("interactions-2.csv")), "seg");  // 6
    for (long id = 1; id <= 4; id++) {
      java.time.Instant started = NOW.minus(Duration.ofHours(50 - 12 * id));
      backdate(id, started, started.plusSeconds(42));
      finished(id, started.plusSeconds(42));
    }
  }

  /** Sets when batch {@code id}'s run ended, as {@link #backdate} sets when it began. */
  private void finished(long id, java.time.Instant at) {
    store.write("backdate the end of batch " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET finished_at = ? WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, at);
        ps.setLong(2, id);
        return ps.executeUpdate();
      }
    });
  }

  private static String yaml(String interactions, int neighbors, String minLift) {
    return """
        jobs:
          shop:
            source: { file: %s, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: %d }
            top_n: 10
            keep: 5
            evaluate: { holdout: 0.2, k: 10, gate: { min_lift: %s } }
            threads: 1
        """.formatted(interactions, neighbors, minLift);
  }

  @Test
  @Order(1)
  void rowsEqualTheBatchesInTheStoreAndTheChartHasAPointPerRow() throws Exception {
    Map<Long, String> expected = new java.util.LinkedHashMap<>();
    Map<Long, String> ndcg = new HashMap<>();
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT batch_id, status, metrics"
        + " FROM larder_batches WHERE job = 'shop' AND status IN ('published', 'superseded', 'failed') ORDER BY batch_id DESC")) {
      while (rs.next()) {
        expected.put(rs.getLong(1), rs.getString(2));
        ndcg.put(rs.getLong(1), String.format(Locale.ROOT, "%.4f", BatchMetrics.fromJson(rs.getString(3)).ndcg().orElseThrow()));
      }
    }
    assertThat(expected).containsExactly(Map.entry(4L, "failed"), Map.entry(3L, "published"),
        Map.entry(2L, "superseded"), Map.entry(1L, "superseded"));
    try (Visit v = open("/jobs/shop")) {
      Map<Long, String> shown = new java.util.LinkedHashMap<>();
      for (Locator row : v.page.locator("#history table.history tbody tr").all()) {
        long id = Long.parseLong(row.locator("th.batch").innerText());
        shown.put(id, row.locator("td.states").innerText().strip());
        assertThat(row.locator("td.ndcg").innerText()).as("ndcg of batch %d", id).isEqualTo(ndcg.get(id));
      }
      assertThat(shown).containsExactly(Map.entry(4L, "failed"), Map.entry(3L, "current"), Map.entry(2L, "kept"),
          Map.entry(1L, "kept"));
      Locator failed = v.page.locator("#history tr[data-batch='4']");
      assertThat(failed.locator("td.gate").innerText()).startsWith("failed").contains("is below min_lift 50");
      assertThat(failed.locator("td.finished").innerText()).isEqualTo("2026-03-02 10:00");
      assertThat(failed.locator("td.took").innerText()).isEqualTo("42.0 s");
      assertThat(v.page.locator("#history tr[data-batch='3'] td.gate").innerText()).startsWith("passed");
      assertThat(v.page.locator("#history tr[data-batch='1'] td.model").innerText()).contains("neighbors: 10");
      assertThat(v.page.locator("#history tr[data-batch='1'] td.took").innerText()).isEqualTo("42.0 s");

      Locator chart = v.page.locator("#history-chart");
      assertThat(chart.getAttribute("aria-label")).startsWith("Line chart of NDCG@10, P@10, MAP@10")
          .contains("4 batches (1 to 4); failed runs, drawn as triangles: 4;");
      v.page.waitForFunction("() => echarts.getInstanceByDom(document.getElementById('history-chart')) !== undefined");
      Object points = v.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('history-chart'))"
          + ".getOption().series[0].data.length");
      assertThat(((Number) points).intValue()).isEqualTo(shown.size())
          .isEqualTo(v.page.locator("table.chart-data tbody tr").count());
      Object names = v.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('history-chart'))"
          + ".getOption().series.map(s => s.name)");
      assertThat(names).isEqualTo(List.of("NDCG@10", "P@10", "MAP@10", "popularity NDCG@10", "gate floor NDCG@10"));
      assertThat(chart.locator("svg").count()).as("SVG renderer").isEqualTo(1);
      // the table under the chart has the same numbers, oldest first
      List<String> chartNdcg = v.page.locator("table.chart-data tbody tr td:nth-of-type(2)").allInnerTexts();
      assertThat(chartNdcg).containsExactly(ndcg.get(1L), ndcg.get(2L), ndcg.get(3L), ndcg.get(4L));
      Object symbol = v.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('history-chart'))"
          + ".getOption().series[0].data[3].symbol");
      assertThat(symbol).as("the failed run's point").isEqualTo("triangle");
      assertThat(v.page.locator("button.rollback").count()).as("no admin key, no rollback").isZero();
      assertThat(v.page.locator("#history table.rollbacks").count()).isZero();
      assertThat(v.page.locator("#history p.none").innerText()).isEqualTo("No rollbacks of this job.");
      v.screenshot("history");
      assertThat(v.errors).as("console errors").isEmpty();
      assertThat(v.foreign).as("requests to anything but the server").isEmpty();
    }
  }

  @Test
  @Order(2)
  void compareShowsTheChurnOfTheListsInTheStore() throws Exception {
    double[] churn = churn(1, 3);
    try (Visit v = open("/jobs/shop")) {
      v.page.selectOption("select[name=a]", "1");
      v.page.selectOption("select[name=b]", "3");
      v.page.click("form.compare button[type=submit]");
      v.page.locator("#compare dd.churn-share").waitFor();
      String share = v.page.locator("#compare dd.churn-share").innerText();
      assertThat(share).startsWith(String.format(Locale.ROOT, "%.1f%% (%d of %d users in both batches)",
          100 * churn[1] / churn[0], (long) churn[1], (long) churn[0]));
      assertThat(v.page.locator("#compare dd.jaccard").innerText())
          .isEqualTo(String.format(Locale.ROOT, "%.3f", churn[2]));
      assertThat(churn[1]).as("the three data sets differ, so some lists changed").isGreaterThan(0);
      Locator neighbors = v.page.locator("#compare table.params tr", new com.microsoft.playwright.Page.LocatorOptions()
          .setHasText("neighbors"));
      assertThat(neighbors.innerText()).contains("10").contains("30").contains("changed");
      assertThat(v.page.locator("#compare table.metrics tr[data-metric='model.ndcg']").count()).isEqualTo(1);
      v.screenshot("history-compare");

      // a failed batch has no lists: the comparison says so instead
      Object said = v.page.evaluate("() => fetch('/fragments/jobs/shop/compare?a=1&b=4').then(r => r.text())");
      assertThat((String) said).contains("batch 4 is not a kept batch of job 'shop' (it is failed)");
      assertThat(v.errors).isEmpty();
      assertThat(v.foreign).isEmpty();
    }
  }

  @Test
  @Order(3)
  void aSegmentsJobShowsItsHeadlinePerBatchAndComparesWithoutListChurn() {
    try (Visit v = open("/jobs/seg")) {
      assertThat(v.page.locator("#history tbody tr").count()).isEqualTo(2);
      assertThat(v.page.locator("#history tr[data-batch='6'] td.size").innerText()).endsWith("3 segments");
      v.page.waitForFunction("() => echarts.getInstanceByDom(document.getElementById('history-chart')) !== undefined");
      Object points = v.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('history-chart'))"
          + ".getOption().series[0].data.length");
      assertThat(((Number) points).intValue()).isEqualTo(2);
      assertThat(v.page.locator("table.chart-data thead th").allInnerTexts()).containsExactly("Batch", "Run", "kept their id", "segments");
      assertThat(v.page.locator("table.chart-data tbody tr[data-batch='5'] td").allInnerTexts())
          .as("a first batch has no share that kept its id; its headline is its segment count")
          .containsExactly("published", "", "3.0000");
      v.page.click("form.compare button[type=submit]");
      v.page.locator("#compare table.metrics").waitFor();
      assertThat(v.page.locator("#compare dl.churn").count()).as("no lists, no list churn").isZero();
      assertThat(v.page.locator("#compare h3").innerText()).isEqualTo("Batch 5 against batch 6");
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  @Order(3)
  void theOverviewLinksEachJobToItsHistory() {
    try (Visit v = open("/")) {
      v.page.click("#jobs tr[data-job=shop] th.job a");
      v.page.waitForURL(base + "/jobs/shop");
      assertThat(v.page.locator("h1").innerText()).isEqualTo("History of shop");
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  @Order(3)
  void anUnknownJobIsA404PageSayingSo() throws Exception {
    HttpResponse<String> r = send(base, "GET", "/jobs/nope", null, null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("<p class=\"message error\" role=\"alert\">job 'nope' has no batches");
    HttpResponse<String> script = send(base, "GET", "/jobs/%3Cscript%3Ex()%3C%2Fscript%3E", null, null);
    assertThat(script.statusCode()).isEqualTo(404);
    assertThat(script.body()).contains("&lt;script&gt;x()&lt;/script&gt;").doesNotContain("<script>x()");
  }

  @Test
  @Order(4)
  void withoutAnAdminKeyThereIsNoRollbackAndAForgedPostIsRefusedChangingNothing() throws Exception {
    String token;
    try (Visit v = open("/jobs/shop")) {
      token = v.page.locator("meta[name=csrf-token]").getAttribute("content");
    }
    assertThat(send(base, "POST", "/jobs/shop/rollback?to=1", null, token).statusCode()).as("no admin keys: off")
        .isEqualTo(403);
    try (LarderHttp keyed = startServer(HttpOptions.defaults().withKeys(new ApiKeys(List.of(READ_KEY), List.of(ADMIN_KEY))))) {
      String at = "http://127.0.0.1:" + keyed.port();
      try (Visit v = openAt(at, "/jobs/shop?key=" + READ_KEY)) {
        assertThat(v.page.locator("#history tbody tr").count()).isEqualTo(4);
        assertThat(v.page.locator("button.rollback").count()).as("a read key sees no rollback").isZero();
        String keyedToken = v.page.locator("meta[name=csrf-token]").getAttribute("content");
        Object status = v.page.evaluate("t => fetch('/jobs/shop/rollback?to=1', {method: 'POST', headers: {'"
            + Csrf.HEADER + "': t}}).then(r => r.status)", keyedToken);
        assertThat(status).as("a read key's cookie with the token").isEqualTo(403);
        assertThat(send(at, "POST", "/jobs/shop/rollback?to=1", ADMIN_KEY, null).statusCode())
            .as("an admin key without the page's token").isEqualTo(403);
        assertThat(send(at, "POST", "/jobs/shop/rollback?to=1", ADMIN_KEY, "forged-token").statusCode()).isEqualTo(403);
      }
    }
    assertThat(currentBatch()).isEqualTo(3);
    assertThat(auditRows()).isEmpty();
  }

  @Test
  @Order(5)
  void anAdminRollsBackAfterConfirmingAndTheStoreOverviewApiAndAuditAgree() throws Exception {
    try (LarderHttp keyed = startServer(HttpOptions.defaults().withKeys(new ApiKeys(List.of(READ_KEY), List.of(ADMIN_KEY))))) {
      String at = "http://127.0.0.1:" + keyed.port();
      try (Visit v = openAt(at, "/jobs/shop?key=" + ADMIN_KEY)) {
        assertThat(v.page.locator("button.rollback").count()).as("kept, not current: batches 2 and 1").isEqualTo(2);
        assertThat(v.page.locator("#history tr[data-batch='4'] button.rollback").count()).as("failed").isZero();
        List<String> dialogs = new ArrayList<>();
        // first dismissed: nothing happens; then accepted
        v.page.onceDialog(d -> {
          dialogs.add(d.message());
          d.dismiss();
        });
        v.page.click("#history tr[data-batch='1'] button.rollback");
        assertThat(dialogs).containsExactly("Roll back job shop to batch 1? Readers switch to it at once.");
        assertThat(currentBatch()).as("dismissed").isEqualTo(3);
        v.page.onceDialog(d -> d.accept());
        v.page.click("#history tr[data-batch='1'] button.rollback");
        Locator status = v.page.locator("#history p.message[role=status]");
        status.waitFor();
        assertThat(status.innerText()).isEqualTo("Job shop now serves batch 1 (rolled back from batch 3).");
        assertThat(v.page.locator("#history tr[data-batch='1'] td.states .state").allInnerTexts()).containsExactly("current");
        assertThat(v.page.locator("#history tr[data-batch='3'] td.states .state").allInnerTexts())
            .containsExactly("kept", "rolled back from");
        assertThat(v.page.locator("button.rollback").count()).as("now batches 3 and 2").isEqualTo(2);
        assertThat(v.page.locator("#history tr[data-batch='3'] button.rollback").count()).isEqualTo(1);
        Locator audit = v.page.locator("#history table.rollbacks tbody tr");
        assertThat(audit.count()).isEqualTo(1);
        assertThat(audit.locator("td.who").innerText()).isEqualTo(ApiKeys.label(ADMIN_KEY));
        assertThat(audit.locator("td.from").innerText()).isEqualTo("3");
        assertThat(audit.locator("td.to").innerText()).isEqualTo("1");
        v.screenshot("history-rolled-back");
        assertThat(v.errors).isEmpty();
        assertThat(v.foreign).isEmpty();
      }
      assertThat(currentBatch()).isEqualTo(1);
      assertThat(auditRows()).containsExactly(List.of("3", "1", ApiKeys.label(ADMIN_KEY)));
      assertThat(ApiKeys.label(ADMIN_KEY)).matches("key [0-9a-f]{12}").doesNotContain(ADMIN_KEY);
      try (Visit v = openAt(at, "/?key=" + READ_KEY)) {
        assertThat(v.page.locator("#jobs tbody tr[data-job=shop] td.batch").innerText()).isEqualTo("1");
      }
      JsonNode jobs = JSON.readTree(send(at, "GET", "/v1/jobs", READ_KEY, null).body()).get("jobs");
      JsonNode shop = null;
      for (JsonNode j : jobs) if (j.get("job").asText().equals("shop")) shop = j;
      assertThat(shop).isNotNull();
      assertThat(shop.get("batch_id").asLong()).isEqualTo(1);
    }
  }

  /** [users in both, users whose top-N set changed, mean Jaccard] of two batches, from their rows. */
  private double[] churn(long a, long b) throws Exception {
    Map<String, Set<String>> la = lists(a), lb = lists(b);
    int n = Math.min(longest(a), longest(b));
    la = lists(a, n);
    lb = lists(b, n);
    long common = 0, changed = 0;
    double jaccard = 0;
    for (var e : la.entrySet()) {
      Set<String> other = lb.get(e.getKey());
      if (other == null) continue;
      common++;
      Set<String> both = new HashSet<>(e.getValue());
      both.retainAll(other);
      Set<String> either = new HashSet<>(e.getValue());
      either.addAll(other);
      if (!e.getValue().equals(other)) changed++;
      jaccard += (double) both.size() / either.size();
    }
    return new double[] {common, changed, jaccard / common};
  }

  private Map<String, Set<String>> lists(long batch) throws Exception {
    return lists(batch, Integer.MAX_VALUE);
  }

  private Map<String, Set<String>> lists(long batch, int n) throws Exception {
    Map<String, Set<String>> out = new HashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT user_id, item_id FROM larder_rec_rows WHERE batch_id = ? AND rank <= ?")) {
      ps.setLong(1, batch);
      ps.setInt(2, n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
      }
    }
    return out;
  }

  private int longest(long batch) throws Exception {
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT MAX(rank) FROM larder_rec_rows WHERE batch_id = " + batch)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private long currentBatch() throws Exception {
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT batch_id FROM larder_current WHERE job = 'shop'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<List<String>> auditRows() throws Exception {
    List<List<String>> out = new ArrayList<>();
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT from_batch, to_batch, rolled_by, rolled_at FROM larder_rollback_log WHERE job = 'shop' ORDER BY rollback_id")) {
      while (rs.next()) {
        assertThat(rs.getString(4)).isNotBlank();
        out.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return out;
  }

  private static HttpResponse<String> send(String at, String method, String path, String key, String csrf) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) b.header("Authorization", "Bearer " + key);
    if (csrf != null) b.header(Csrf.HEADER, csrf);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
