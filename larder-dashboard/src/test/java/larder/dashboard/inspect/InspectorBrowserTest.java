package larder.dashboard.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import larder.core.Progress;
import larder.dashboard.DashboardTest;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.http.ApiKeys;
import larder.http.LarderHttp;
import larder.serve.PredictionReader;
import org.junit.jupiter.api.Test;

/**
 * The recommendation inspector in a browser, against a store filled by Larder's own jobs: a recommendations job
 * ({@code recs}, item-kNN with similar items) taking segment fallback from a segments job ({@code seg}) whose
 * source has one customer more than the recommendations' source. Every list on the page is checked against the
 * JSON API's answer for the same id, fetched by the test.
 */
class InspectorBrowserTest extends DashboardTest {
  static final String RECS = "recs";
  /** A customer of the segments job only: no list of their own, so their segment's list. */
  static final String SEGMENT_ONLY = "newcomer-7";
  /** A user with a list of their own whose id needs escaping in HTML and percent-encoding in addresses. */
  static final String ODD_USER = "Zo\u00eb \"quoted\" & 'single' <b>not bold</b> \u30e6\u30fc\u30b6\u30fc "
      + "\u9577".repeat(120) + " end";
  static final String SCRIPT = "<script>alert(1)</script>";
  /** Breaks out of an attribute if the value were not escaped there. */
  static final String ATTRIBUTE_BREAKER = "\" autofocus onfocus=\"alert(2)\" x=\"'><img src=x onerror=alert(3)>";
  static final ObjectMapper JSON = new ObjectMapper();

  long recsBatch;

  @Override
  protected void publish() throws Exception {
    var shop = dir.resolve("shop.csv");
    new SyntheticShop(ShopParams.of(300, 60, 4_000, 43L)).writeCsv(shop, Progress.NONE);
    String firstRow = Files.readAllLines(shop).get(1);
    String timestamp = firstRow.split(",")[2];
    StringBuilder odd = new StringBuilder();
    String quoted = "\"" + ODD_USER.replace("\"", "\"\"") + "\"";
    for (int i = 1; i <= 5; i++) odd.append(quoted).append(",i").append(i).append(',').append(timestamp).append(",1,10.00,")
        .append(800_000 + i).append('\n');
    Files.writeString(shop, Files.readString(shop) + odd);
    Files.writeString(dir.resolve("customers.csv"), Files.readString(shop)
        + SEGMENT_ONLY + ",i1," + timestamp + ",2,31.00,900001\n" + SEGMENT_ONLY + ",i2," + timestamp + ",1,12.50,900002\n");
    runJobs(config("""
        jobs:
          recs:
            source: { file: shop.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: 20 }
            top_n: 10
            similar_items: 10
            segment_fallback: seg
            threads: 1
          seg:
            type: segments
            source: { file: customers.csv, columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }
            kmeans: { k: 3 }
            threads: 1
        """));
    PredictionReader reader = new PredictionReader(store);
    long segBatch = reader.current("seg").orElseThrow().id();
    recsBatch = reader.current(RECS).orElseThrow().id();
    backdate(segBatch, NOW.minus(Duration.ofHours(6)), NOW.minus(Duration.ofHours(5)));
    backdate(recsBatch, NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofHours(3)));
  }

  // ---------------------------------------------------------------- tests

  @Test
  void aKnownUsersListEqualsTheApisAnswerAndTheAddressCanBeShared() throws Exception {
    String user = firstUserWithAList();
    try (Visit v = open("/inspect")) {
      v.page.locator("table.choose a", new com.microsoft.playwright.Page.LocatorOptions().setHasText(RECS)).click();
      v.page.waitForURL(base + "/jobs/recs/users");
      assertThat(v.page.locator("header nav a[aria-current=page]").innerText()).isEqualTo("Inspector");
      v.page.locator("#user-id").fill(user);
      Response r = v.page.waitForResponse(res -> res.url().contains("/fragments/jobs/recs/users"),
          () -> v.page.locator("form.inspect button").click());
      assertThat(r.status()).isEqualTo(200);
      v.page.waitForURL(base + "/jobs/recs/users?id=" + encode(user));

      JsonNode api = api("/v1/recommendations/recs/" + encode(user));
      assertThat(api.get("source").asText()).isEqualTo("user");
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.page.locator(".user-answer .source .state").innerText()).isEqualTo("own list");
      assertThat(v.page.locator(".user-answer .age").innerText()).isEqualTo("3.0 h");

      JsonNode segment = api("/v1/segments/seg/customers/" + encode(user));
      assertThat(v.page.locator(".user-answer p.segment").innerText())
          .contains("Segment " + segment.get("segment_id").asInt()).contains("job seg, batch " + segment.get("batch_id").asLong())
          .contains("5.0 h old");
      assertThat(v.page.locator(".user-answer p.history").first().innerText())
          .contains(String.format(java.util.Locale.ROOT, "%,.0f orders", segment.get("frequency").asDouble()));

      // the similar items of an item of the list, by following its link
      String item = api.get("items").get(0).get("item_id").asText();
      v.page.waitForResponse(res -> res.url().contains("/fragments/"),
          () -> v.page.locator(".user-answer td.item a").first().click());
      v.page.waitForURL(base + "/jobs/recs/users?id=" + encode(user) + "&item=" + encode(item));
      PlaywrightAssertions.assertThat(v.page.locator(".item-answer h2")).hasText("Similar to " + item);
      assertListEqualsApi(v, ".item-answer", api("/v1/similar-items/recs/" + encode(item)));
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.page.locator("#item-id").inputValue()).isEqualTo(item);
      v.screenshot("inspector");

      // the address in the bar opens the same answer
      v.page.reload();
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.page.locator("#user-id").inputValue()).isEqualTo(user);
      // and Back returns to the answer before the item was asked for
      v.page.goBack();
      v.page.waitForURL(base + "/jobs/recs/users?id=" + encode(user));
      PlaywrightAssertions.assertThat(v.page.locator(".item-answer")).hasText("Type an item id to see the items similar to it.");
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.errors).as("console errors").isEmpty();
      assertThat(v.foreign).as("requests to anything but the server").isEmpty();
    }
  }

  @Test
  void anUnknownUserGetsThePopularListFlaggedAsTheApiDoes() throws Exception {
    String stranger = "nobody-at-all";
    JsonNode api = api("/v1/recommendations/recs/" + stranger);
    assertThat(api.get("source").asText()).isEqualTo("fallback");
    List<String> popular = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT item_id FROM larder_fallback WHERE job = ? ORDER BY rank LIMIT 10")) {
      ps.setString(1, RECS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) popular.add(rs.getString(1));
      }
    }
    assertThat(popular).hasSize(10);
    try (Visit v = open("/jobs/recs/users?id=" + stranger)) {
      assertThat(v.page.locator(".user-answer .source .state").innerText()).isEqualTo("popular fallback");
      assertThat(v.page.locator(".user-answer .source").innerText()).contains("job's popular list");
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.page.locator(".user-answer td.item").allInnerTexts()).isEqualTo(popular);
      assertThat(v.page.locator(".user-answer p.segment").innerText())
          .isEqualTo("None shown: customer 'nobody-at-all' is not in batch 1 of job 'seg' (302 customers).");
      v.screenshot("inspector-popular-fallback");
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  void aCustomerOfTheSegmentsJobOnlyGetsTheirSegmentsList() throws Exception {
    JsonNode api = api("/v1/recommendations/recs/" + SEGMENT_ONLY);
    assertThat(api.get("source").asText()).isEqualTo("segment");
    try (Visit v = open("/jobs/recs/users?id=" + SEGMENT_ONLY)) {
      assertThat(v.page.locator(".user-answer .source .state").innerText()).isEqualTo("segment fallback");
      assertThat(v.page.locator(".user-answer .list-segment").innerText())
          .startsWith(api.get("segment_id").asInt() + " ");
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.page.locator(".user-answer p.segment").innerText()).contains("Segment " + api.get("segment_id").asInt());
      v.screenshot("inspector-segment-fallback");
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  void aLongUnicodeIdWithQuotesAndMarkupIsFoundShownAsTextAndKeptInTheAddress() throws Exception {
    JsonNode api = api("/v1/recommendations/recs/" + encode(ODD_USER).replace("+", "%20"));
    assertThat(api.get("source").asText()).as("the odd user has a list of their own").isEqualTo("user");
    try (Visit v = open("/jobs/recs/users")) {
      v.page.locator("#user-id").fill(ODD_USER);
      v.page.waitForResponse(res -> res.url().contains("/fragments/"), () -> v.page.locator("#user-id").press("Enter"));
      v.page.waitForURL(base + "/jobs/recs/users?id=" + encode(ODD_USER));
      assertThat(v.page.locator(".user-answer h2 code.id").innerText()).isEqualTo(ODD_USER);
      assertThat(v.page.locator(".user-answer b:has-text('not bold')").count()).as("markup in an id is text").isZero();
      assertListEqualsApi(v, ".user-answer", api);
      v.page.reload();
      assertThat(v.page.locator("#user-id").inputValue()).isEqualTo(ODD_USER);
      v.screenshot("inspector-long-id");
      assertListEqualsApi(v, ".user-answer", api);
      assertThat(v.errors).isEmpty();
    }
  }

  @Test
  void aScriptAsTheIdIsShownAsTextAndNeverRuns() throws Exception {
    for (String id : List.of(SCRIPT, ATTRIBUTE_BREAKER)) {
      try (Visit v = open("/jobs/recs/users")) {
        List<String> dialogs = Collections.synchronizedList(new ArrayList<>());
        v.page.onDialog(d -> {
          dialogs.add(d.message());
          d.dismiss();
        });
        v.page.locator("#user-id").fill(id);
        v.page.waitForResponse(res -> res.url().contains("/fragments/"), () -> v.page.locator("form.inspect button").click());
        v.page.waitForURL(base + "/jobs/recs/users?id=" + encode(id));
        assertThat(v.page.locator(".user-answer h2 code.id").innerText()).isEqualTo(id);
        assertThat(v.page.locator(".user-answer .source .state").innerText()).isEqualTo("popular fallback");
        assertThat(v.page.locator("#user-id").inputValue()).isEqualTo(id);
        assertThat(v.page.locator("#inspector script, #inspector img").count()).isZero();
        v.page.reload(); // the same id rendered by the server into the whole page
        assertThat(v.page.locator("#user-id").inputValue()).isEqualTo(id);
        assertThat(v.page.locator("main script, main img").count()).isZero();
        assertThat(dialogs).as("dialogs").isEmpty();
        assertThat(v.errors).isEmpty();
      }
    }
    String html = get("/jobs/recs/users?id=" + encode(SCRIPT)).body();
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(SCRIPT);
  }

  @Test
  void unknownJobsKindsAndItemsAreMessagesNotErrorPages() throws Exception {
    try (Visit v = open("/jobs/recs/users?item=no-such-item")) {
      assertThat(v.page.locator(".item-answer .problem").innerText())
          .contains("item 'no-such-item' has no similar items in batch " + recsBatch + " of job 'recs'");
      assertThat(v.errors).isEmpty();
    }
    try (Visit v = open("/jobs/no-such-job/users?id=u1")) {
      assertThat(v.page.locator("main .problem").innerText()).contains("job 'no-such-job' has no published batch")
          .contains("pick one of the recommendations jobs named above");
      assertThat(v.page.locator("nav.switch a").allInnerTexts()).containsExactly(RECS);
      v.screenshot("inspector-unknown-job");
      v.page.locator("nav.switch a").click();
      v.page.waitForURL(base + "/jobs/recs/users?id=u1");
      assertThat(v.page.locator(".user-answer .source .state").innerText()).isEqualTo("own list");
      assertThat(v.errors).isEmpty();
    }
    try (Visit v = open("/jobs/seg/users")) {
      assertThat(v.page.locator("main .problem").innerText()).contains("job 'seg' serves segments, not recommendations");
    }
    String markupJob = "<img src=x onerror=alert(4)>";
    try (Visit v = open("/jobs/" + encode(markupJob).replace("+", "%20") + "/users")) {
      assertThat(v.page.locator("main .problem").innerText()).contains("job '" + markupJob + "' has no published batch");
      assertThat(v.page.title()).isEqualTo("Inspector \u00b7 " + markupJob + " \u00b7 Larder");
      assertThat(v.page.locator("main img").count()).isZero();
      assertThat(v.errors).isEmpty();
    }
    HttpResponse<String> fragment = get("/fragments/jobs/no-such-job/users?id=u1");
    assertThat(fragment.statusCode()).isEqualTo(200);
    assertThat(fragment.body()).contains("job 'no-such-job' has no published batch; known jobs: recs");
  }

  @Test
  void withKeysTheInspectorAndItsFragmentNeedAReadKey() throws Exception {
    String readKey = "read-key-0123456789abcdef";
    try (LarderHttp keyed = startServer(options().withKeys(new ApiKeys(List.of(readKey), List.of())))) {
      String at = "http://127.0.0.1:" + keyed.port();
      String user = firstUserWithAList();
      String item = api("/v1/recommendations/recs/" + user).get("items").get(0).get("item_id").asText();
      for (String path : List.of("/inspect", "/jobs/recs/users?id=" + user, "/fragments/jobs/recs/users?id=" + user)) {
        HttpResponse<String> refused = get(at, path, null);
        assertThat(refused.statusCode()).as(path).isEqualTo(401);
        assertThat(refused.body()).as(path).doesNotContain(item);
      }
      HttpResponse<String> page = get(at, "/jobs/recs/users?id=" + user, readKey);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains(">" + item + "</a>");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The ranked table in {@code section} equals the API's items: ranks, items, exact and shown scores, batch. */
  private static void assertListEqualsApi(Visit v, String section, JsonNode api) {
    Locator rows = v.page.locator(section + " table.ranked tbody tr");
    rows.first().waitFor();
    JsonNode items = api.get("items");
    assertThat(items.size()).isPositive();
    assertThat(rows.count()).isEqualTo(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode want = items.get(i);
      Locator row = rows.nth(i);
      assertThat(row.locator("td.rank").innerText()).isEqualTo(Integer.toString(want.get("rank").asInt()));
      assertThat(row.locator("td.item").innerText()).isEqualTo(want.get("item_id").asText());
      float score = (float) want.get("score").asDouble();
      assertThat(Float.parseFloat(row.locator("td.score").getAttribute("data-score"))).isEqualTo(score);
      assertThat(Double.parseDouble(row.locator("td.score").innerText().replace(",", "")))
          .isCloseTo(score, within(Math.abs(score) * 1e-3 + 1e-9));
    }
    assertThat(v.page.locator(section + " .batch-id").innerText()).isEqualTo(api.get("batch_id").asText());
  }

  private String firstUserWithAList() throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT user_id FROM larder_recommendations WHERE job = ? AND user_id LIKE 'u%' ORDER BY user_id LIMIT 1")) {
      ps.setString(1, RECS);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return get(base, path, null);
  }

  private static HttpResponse<String> get(String at, String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at + path)).GET();
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
