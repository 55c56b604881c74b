package larder.dashboard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.dashboard.Dashboard;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.publish.RefreshLoader;
import larder.serve.Schedules;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's pages, as HTML, for a job whose base (31 h old, allowed 26 h) serves with a refresh published
 * 10 minutes ago: the overview shows the refresh and its age and the job as fresh; the history marks the refresh
 * as one, offers no rollback to it and leaves it out of the batches to compare.
 */
class RefreshPagesTest {
  static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
  static final String ADMIN_KEY = "admin-key-0123456789abcdef";

  @Test
  void theOverviewShowsTheRefreshAndTheHistoryMarksItAsNoRollbackTarget() throws Exception {
    try (TestStore db = TestStore.sqlite()) {
      Store store = db.open(Store::open);
      Publisher pub = new Publisher(store);
      BatchInfo old = publish(pub), base = publish(pub);
      BatchInfo refresh;
      IdMap items = new IdMap();
      items.intern("i9");
      try (RefreshLoader r = pub.beginRefresh("shop", "test", BatchParams.NONE)) {
        r.putList("u1", new int[] {0}, new float[] {1f}, 1, items);
        refresh = r.publish();
      }
      publishedAt(store, old.id(), NOW.minus(Duration.ofHours(40)));
      publishedAt(store, base.id(), NOW.minus(Duration.ofHours(31)));
      publishedAt(store, refresh.id(), NOW.minus(Duration.ofMinutes(10)));
      HttpOptions options = HttpOptions.defaults().withHost("127.0.0.1").withPort(0).withMaxAge(Duration.ofHours(26))
          .withKeys(new ApiKeys(List.of(), List.of(ADMIN_KEY)));
      try (LarderHttp server = LarderHttp.start(store, options, new Dashboard(Clock.fixed(NOW, ZoneOffset.UTC), Schedules.NONE))) {
        String at = "http://127.0.0.1:" + server.port();

        String row = element(get(at + "/fragments/jobs"), "<tr[^>]*data-job=\"shop\"[^>]*>", "</tr>");
        assertThat(cell(row, "batch")).isEqualTo(Long.toString(base.id()));
        assertThat(cell(row, "age")).isEqualTo("31.0 h of 26.0 h<div class=\"refresh\">refreshed by batch " + refresh.id()
            + ", 10 min ago</div>");
        assertThat(cell(row, "status")).as("as fresh as its refresh").contains(">ok<").doesNotContain("stale");

        String page = get(at + "/jobs/shop");
        String history = element(page, "<table class=\"history\">", "</table>");
        String refreshRow = element(history, "<tr data-batch=\"" + refresh.id() + "\"[^>]*>", "</tr>");
        assertThat(refreshRow).contains(">current<").contains(">refresh of batch " + base.id() + "<")
            .contains("1 user re-scored").doesNotContain("Roll back");
        String baseRow = element(history, "<tr data-batch=\"" + base.id() + "\"[^>]*>", "</tr>");
        assertThat(baseRow).contains(">current<").doesNotContain("refresh of").doesNotContain("Roll back");
        String oldRow = element(history, "<tr data-batch=\"" + old.id() + "\"[^>]*>", "</tr>");
        assertThat(oldRow).as("a kept full batch stays a rollback target").contains(">kept<").contains("Roll back");
        String choices = element(page, "<select name=\"a\">", "</select>");
        assertThat(choices).contains("value=\"" + base.id() + "\"").contains("value=\"" + old.id() + "\"")
            .doesNotContain("value=\"" + refresh.id() + "\"");
        assertThat(element(page, "<select name=\"b\">", "</select>")).as("compared against the base by default")
            .containsPattern("value=\"" + base.id() + "\" selected");
      }
    }
  }

  private static BatchInfo publish(Publisher pub) {
    IdMap users = new IdMap(), items = new IdMap();
    for (String u : List.of("u1", "u2")) users.intern(u);
    items.intern("i1");
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < 2; u++) sink.accept(u, new int[] {0}, new float[] {1f}, 1);
      return w.publish(3);
    }
  }

  private static void publishedAt(Store store, long id, Instant at) {
    store.write("backdate batch " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET published_at = ?, created_at = ? WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, at);
        store.dialect().setInstant(ps, 2, at.minusSeconds(60));
        ps.setLong(3, id);
        return ps.executeUpdate();
      }
    });
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  /** The first piece of {@code html} from a match of {@code start} (a regex) to the next {@code end}. */
  private static String element(String html, String start, String end) {
    Matcher m = Pattern.compile(start).matcher(html);
    assertThat(m.find()).as("%s in %s", start, html).isTrue();
    int to = html.indexOf(end, m.end());
    return html.substring(m.start(), to + end.length());
  }

  /** The text of the {@code <td class="css">} of a row. */
  private static String cell(String row, String css) {
    Matcher m = Pattern.compile("<td class=\"(?:[^\"]* )?" + css + "\"[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row);
    assertThat(m.find()).as("%s in %s", css, row).isTrue();
    return m.group(1).replaceAll("<time>|</time>", "").strip();
  }
}
