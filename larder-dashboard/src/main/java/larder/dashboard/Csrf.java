package larder.dashboard;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The token a page's actions must send back, so that a page of another site cannot make a signed-in browser
 * act: it cannot read ours, so it cannot know the token. One random token per server process; pages carry it in
 * {@code <meta name="csrf-token">} and htmx sends it on every request as the {@value #HEADER} header
 * ({@code hx-headers} on the body, set by the layout). A form without htmx may send it as the field
 * {@value #FIELD}. A restart makes open pages' tokens invalid: reloading the page fixes that.
 */
public final class Csrf {
  public static final String HEADER = "X-CSRF-Token";
  public static final String FIELD = "_csrf";

  private final String token;

  Csrf() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  public String token() { return token; }

  /** Whether the request sent the token, compared in constant time. */
  public boolean accepts(Context ctx) {
    String sent = ctx.header(HEADER);
    if (sent == null) sent = ctx.formParam(FIELD);
    return sent != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
  }
}
