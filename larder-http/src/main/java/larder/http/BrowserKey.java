package larder.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How a request presents its key. Programs send a header ({@code Authorization: Bearer KEY} or
 * {@code X-Api-Key: KEY}). A browser cannot, so it opens a page once with {@code ?key=KEY}: the server checks the
 * key, keeps it in an HttpOnly, SameSite=Strict cookie that scripts cannot read, and redirects to the same page
 * without it, so the key leaves the address bar.
 *
 * <p>The cookie counts for reads everywhere, and for writes only outside {@code /v1}: the dashboard's own actions,
 * which also demand a CSRF token. A write to the JSON API always needs the header, so a page of another site can
 * never make a browser's cookie roll a job back.
 */
final class BrowserKey {
  static final String COOKIE = "larder_key";
  static final String PARAM = "key";

  private BrowserKey() {}

  /** The key the request presents, or null. */
  static String presented(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).strip();
    String key = ctx.header("X-Api-Key");
    if (key != null && !key.isBlank()) return key.strip();
    if (isWrite(ctx) && ctx.path().startsWith("/v1/")) return null;
    String cookie = ctx.cookie(COOKIE);
    return cookie == null || cookie.isBlank() ? null : URLDecoder.decode(cookie, StandardCharsets.UTF_8);
  }

  /** A page opened with {@code ?key=}: the key to keep in the cookie, or null. */
  static String offered(Context ctx) {
    if (isWrite(ctx) || ctx.path().startsWith("/v1/")) return null;
    String key = ctx.queryParam(PARAM);
    return key == null || key.isBlank() ? null : key.strip();
  }

  /** Keeps {@code key} in the cookie and sends the browser to the same page without {@code ?key=}. */
  static void keepAndRedirect(Context ctx, String key) {
    String secure = "https".equalsIgnoreCase(ctx.scheme()) ? "; Secure" : "";
    ctx.header("Set-Cookie", COOKIE + "=" + URLEncoder.encode(key, StandardCharsets.UTF_8)
        + "; Path=/; HttpOnly; SameSite=Strict" + secure);
    StringJoiner query = new StringJoiner("&");
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (e.getKey().equals(PARAM)) continue;
      for (String v : e.getValue()) {
        query.add(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    ctx.redirect(ctx.path() + (query.length() == 0 ? "" : "?" + query), HttpStatus.SEE_OTHER);
  }

  static boolean isWrite(Context ctx) {
    String m = ctx.method().name();
    return !m.equals("GET") && !m.equals("HEAD");
  }

  /** A browser asking for a page (not the API): it gets a refusal it can read, not JSON. */
  static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return !ctx.path().startsWith("/v1/") && accept != null && accept.contains("text/html");
  }

  /** The refusal as a short HTML page saying how to present a key. */
  static void refusedPage(Context ctx, int status, String message, String hint) {
    ctx.status(status).contentType("text/html; charset=utf-8").result("<!DOCTYPE html><html lang=\"en\"><head>"
        + "<meta charset=\"utf-8\"><title>Larder: " + html(message) + "</title>"
        + "<link rel=\"icon\" href=\"data:,\"></head><body style=\"font-family: system-ui, sans-serif; margin: 2rem\">"
        + "<h1>" + html(message) + "</h1><p>" + (status != 401 ? html(hint)
            : "Open this page once as <code>" + html(ctx.path()) + "?key=YOUR_KEY</code> (a key from LARDER_API_KEYS);"
                + " the key is then kept in a cookie for this site only.") + "</p></body></html>");
  }

  private static String html(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
