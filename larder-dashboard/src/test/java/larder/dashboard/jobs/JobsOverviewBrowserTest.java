package larder.dashboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import larder.core.BatchKind;
import larder.core.DurationText;
import larder.core.Progress;
import larder.dashboard.DashboardTest;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.jobs.config.LarderConfig;
import larder.jobs.schedule.ConfigSchedules;
import larder.serve.Schedules;
import org.junit.jupiter.api.Test;

/**
 * The jobs overview in a browser, against batches published by Larder's own jobs: a recommendations job whose
 * current batch is 31 h old (allowed: 26 h), a segments job, an import whose latest run failed with a message
 * carrying a script, and a configured job that never ran.
 */
class JobsOverviewBrowserTest extends DashboardTest {
  static final Duration MAX_AGE = Duration.ofHours(26);
  static final String SCRIPT = "<script>window.pwned=1</script>";
  static final String FAILURE = SCRIPT + " churn.csv:3: field 'p': 'x' is not a number\nsecond line, not shown";
  static final String READ_KEY = "read-key-0123456789abcdef";
  static final String ADMIN_KEY = "admin-key-0123456789abcdef";

  LarderConfig config;

  @Override
  protected void publish() throws Exception {
    for (int v = 1; v <= 2; v++) {
      new SyntheticShop(ShopParams.of(300, 60, 4_000, 41L + v)).writeCsv(dir.resolve("interactions-" + v + ".csv"),
          Progress.NONE);
    }
    StringBuilder churn = new StringBuilder("customer_id,p,band\n");
    for (int i = 0; i < 50; i++) churn.append('c').append(i).append(',').append(1 - i / 100.0).append(",\n");
    Files.writeString(dir.resolve("churn.csv"), churn);
    config = config(yaml("interactions-1.csv"));
    runJobs(config, "shop");                                 // batch 1
    runJobs(config, "seg");                                  // 2
    runJobs(config, "churn");                                // 3
    runJobs(config(yaml("interactions-2.csv")), "shop");     // 4
    long failed = failRun("churn", BatchKind.SCORES, "import", FAILURE);
    backdate(1, NOW.minus(Duration.ofHours(56)), NOW.minus(Duration.ofHours(55)));
    backdate(2, NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofHours(3)));
    backdate(3, NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)));
    backdate(4, NOW.minus(Duration.ofHours(32)), NOW.minus(Duration.ofHours(31)));
    backdate(failed, NOW.minus(Duration.ofMinutes(70)), null);
  }

  private static String yaml(String interactions) {
    String transactions = "{ file: interactions-1.csv, columns: { customer: user_id, timestamp: timestamp,"
        + " amount: amount, order: order_id } }";
    return """
        jobs:
          shop:
            source: { file: %s, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: 20 }
            top_n: 10
            evaluate: { holdout: 0.2 }
            threads: 1
            schedule: "0 3 * * *"
          seg:
            type: segments
            source: %s
            kmeans: { k: 3 }
            threads: 1
          churn:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p, label: band } }
          weekly:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p } }
            schedule: "0 6 * * MON"
        """.formatted(interactions, transactions);
  }

  @Override
  protected HttpOptions options() {
    return HttpOptions.defaults().withMaxAge(MAX_AGE);
  }

  @Override
  protected Schedules schedules() {
    return new ConfigSchedules(config);
  }

  @Test
  void rowsEqualTheBatchTablesWithAgesFromTheFixedClockAndStaleAsText() throws Exception {
    Map<String, List<String>> expected = new TreeMap<>();
    try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
        "SELECT job, batch_id, published_at FROM larder_batches WHERE is_current ORDER BY job")) {
      while (rs.next()) {
        Instant published = store.dialect().getInstant(rs, "published_at");
        expected.put(rs.getString("job"), List.of(Long.toString(rs.getLong("batch_id")),
            DurationText.human(Duration.between(published, NOW)) + " of " + DurationText.human(MAX_AGE)));
      }
    }
    assertThat(expected).containsOnlyKeys("churn", "seg", "shop");
    try (Visit v = open("/")) {
      Map<String, List<String>> shown = new TreeMap<>();
      Map<String, String> status = new LinkedHashMap<>();
      for (Locator row : v.page.locator("#jobs tbody tr").all()) {
        String job = row.locator("th.job .name").innerText();
        status.put(job, row.locator("td.status").innerText().strip());
        if (!row.locator("td.batch").innerText().isBlank()) {
          shown.put(job, List.of(row.locator("td.batch").innerText(), row.locator("td.age").innerText()));
        }
      }
      assertThat(shown).isEqualTo(expected);
      assertThat(shown.get("shop").get(1)).isEqualTo("31.0 h of 26.0 h");
      // stale is a word on the page, not only a colour
      assertThat(status).containsEntry("shop", "stale").containsEntry("seg", "ok").containsEntry("churn", "failed")
          .containsEntry("weekly", "never ran");
      Locator shop = v.page.locator("#jobs tbody tr[data-job=shop]");
      assertThat(shop.locator("td.change").innerText()).as("ndcg change from batch 1").matches("[+\u2212\u00b1]\\d\\.\\d{3}");
      assertThat(shop.locator("td.next").innerText()).isEqualTo("2026-03-03 03:00 UTC, in 15.0 h");
      assertThat(v.page.locator("#jobs tbody tr[data-job=seg] td.next").innerText()).isEqualTo("not scheduled");
      assertThat(shop.locator(".kind").innerText()).isEqualTo("recommendations");
      assertThat(v.page.title()).isEqualTo("Jobs · Larder");
      assertThat(v.page.evaluate("() => document.documentElement.scrollWidth")).as("fits the window's width")
          .isEqualTo(WIDTH);
      Object overflow = v.page.evaluate("() => { const s = document.querySelector('#jobs .scroll');"
          + " return s.scrollWidth - s.clientWidth; }");
      assertThat(((Number) overflow).intValue()).as("px the table needs scrolling at 1280 px").isNotPositive();
      v.screenshot("jobs-overview");
      assertThat(v.errors).as("console errors").isEmpty();
      assertThat(v.foreign).as("requests to anything but the server").isEmpty();
    }
  }

  @Test
  void aFailureMessageWithAScriptIsShownAsTextAndNeverRuns() throws Exception {
    try (Visit v = open("/")) {
      Locator failure = v.page.locator("#jobs tbody tr[data-job=churn] td.failure");
      assertThat(failure.innerText()).contains(SCRIPT + " churn.csv:3").contains("2026-03-02 10:50 UTC")
          .doesNotContain("second line");
      assertThat(v.page.locator("#jobs script").count()).isZero();
      assertThat(v.page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
      assertThat(v.errors).isEmpty();
    }
    String html = get(base, "/", null).body();
    assertThat(html).contains("&lt;script&gt;window.pwned=1&lt;/script&gt;").doesNotContain(SCRIPT);
  }

  @Test
  void theTableReloadsFromItsFragmentSendingTheCsrfTokenItCarries() {
    try (Visit v = open("/")) {
      Locator section = v.page.locator("#jobs");
      assertThat(section.getAttribute("hx-trigger")).isEqualTo("every 30s");
      assertThat(section.getAttribute("hx-get")).isEqualTo("/fragments/jobs");
      String token = v.page.locator("meta[name=csrf-token]").getAttribute("content");
      String before = section.innerText();
      Response r = v.page.waitForResponse(res -> res.url().endsWith("/fragments/jobs"),
          () -> v.page.evaluate("() => htmx.ajax('GET', '/fragments/jobs', {target: '#jobs', swap: 'outerHTML'})"));
      assertThat(r.status()).isEqualTo(200);
      Request sent = r.request();
      assertThat(sent.headers()).containsEntry("x-csrf-token", token).containsEntry("hx-request", "true");
      v.page.waitForFunction("() => document.querySelectorAll('#jobs tbody tr').length === 4");
      assertThat(v.page.locator("#jobs").innerText()).isEqualTo(before);
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  void withKeysPagesAreRefusedUntilABrowserPresentsAReadKeyOnce() throws Exception {
    try (LarderHttp keyed = startServer(options().withKeys(new ApiKeys(List.of(READ_KEY), List.of(ADMIN_KEY))))) {
      String at = "http://127.0.0.1:" + keyed.port();
      for (String path : List.of("/", "/fragments/jobs", "/?key=not-a-key-0123456789")) {
        HttpResponse<String> refused = get(at, path, null);
        assertThat(refused.statusCode()).as(path).isEqualTo(401);
        assertThat(refused.body()).as(path).doesNotContain("shop");
      }
      assertThat(get(at, "/", READ_KEY).statusCode()).as("the API's header works for pages too").isEqualTo(200);
      assertThat(get(at, "/favicon.ico", null).statusCode()).as("holds nothing of the store's").isEqualTo(200);

      try (Visit v = openAt(at, "/")) {
        assertThat(v.page.locator("h1").innerText()).isEqualTo("this API needs a key");
        assertThat(v.page.locator("body").innerText()).contains("/?key=YOUR_KEY").doesNotContain("shop");
        v.screenshot("refused");
      }
      try (Visit v = openAt(at, "/?key=" + READ_KEY)) {
        assertThat(v.page.url()).as("the key leaves the address bar").isEqualTo(at + "/");
        assertThat(v.page.locator("#jobs tbody tr").count()).isEqualTo(4);
        Cookie cookie = v.context.cookies().stream().filter(c -> c.name.equals("larder_key")).findFirst().orElseThrow();
        assertThat(cookie.httpOnly).isTrue();
        assertThat(cookie.sameSite).hasToString("STRICT");
        assertThat(v.page.locator("header .role").count()).as("no admin badge for a read key").isZero();
        // the cookie never authorises a write to the JSON API: a page of another site could send it
        Object status = v.page.evaluate("() => fetch('/v1/jobs/shop/rollback', {method: 'POST'}).then(r => r.status)");
        assertThat(status).isEqualTo(401);
        v.page.reload();
        assertThat(v.page.locator("#jobs tbody tr").count()).isEqualTo(4);
      }
      assertThat(new larder.serve.PredictionReader(store).current("shop").orElseThrow().id()).isEqualTo(4);
    }
  }

  private static HttpResponse<String> get(String at, String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at + path)).GET();
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
