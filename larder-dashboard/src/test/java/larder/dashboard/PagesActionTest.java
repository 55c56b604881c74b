package larder.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

/**
 * The base every action (rollback, later) stands on: a POST registered with {@link Pages#action} runs only for an
 * admin key, by header or by the browser's cookie, and only with this server's CSRF token.
 */
class PagesActionTest {
  static final String READ_KEY = "read-key-0123456789abcdef";
  static final String ADMIN_KEY = "admin-key-0123456789abcdef";

  @Test
  void anActionRunsOnlyForAnAdminWithTheCsrfToken() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Csrf csrf = new Csrf();
    HttpOptions options = HttpOptions.defaults().withPort(0).withKeys(new ApiKeys(List.of(READ_KEY), List.of(ADMIN_KEY)));
    try (TestStore db = TestStore.sqlite(); Store store = Store.open(db.location());
        LarderHttp server = LarderHttp.start(store, options, (routes, served) ->
            new Pages(routes, served, new Assets(), csrf).action("/test/act", "message.jte", (ctx, frame) -> {
              ran.incrementAndGet();
              return "done <b>" + ctx.queryParam("what") + "</b>";
            }))) {
      String at = "http://127.0.0.1:" + server.port() + "/test/act?what=%3Ci%3E";
      String token = csrf.token();

      assertThat(post(at, "Authorization", "Bearer " + ADMIN_KEY, null).statusCode()).as("no token").isEqualTo(403);
      assertThat(post(at, "Authorization", "Bearer " + ADMIN_KEY, "not-the-token").statusCode()).isEqualTo(403);
      assertThat(post(at, "Authorization", "Bearer " + READ_KEY, token).statusCode()).as("read key").isEqualTo(403);
      assertThat(post(at, null, null, token).statusCode()).as("no key").isEqualTo(401);
      assertThat(post(at, "Cookie", "larder_key=" + ADMIN_KEY, null).statusCode()).as("cookie, no token").isEqualTo(403);
      assertThat(ran).as("refused before the action ran").hasValue(0);

      HttpResponse<String> ok = post(at, "Cookie", "larder_key=" + ADMIN_KEY, token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("<p class=\"message\" role=\"status\">done &lt;b&gt;&lt;i&gt;&lt;/b&gt;</p>\n");
      assertThat(post(at, "Authorization", "Bearer " + ADMIN_KEY, token).statusCode()).isEqualTo(200);
      assertThat(ran).hasValue(2);
    }
  }

  private static HttpResponse<String> post(String url, String header, String value, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
    if (header != null) b.header(header, value);
    if (token != null) b.header(Csrf.HEADER, token);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
