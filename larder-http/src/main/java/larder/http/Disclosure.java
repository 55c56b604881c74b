package larder.http;

import io.javalin.http.Context;

/**
 * Who may see details that help an attacker more than a load balancer: the store's location, the database
 * driver's error text, which jobs are stale. {@code /ready} answers everyone (load balancers send no key), so it
 * tells only its status unless the caller may read the API: with keys set, a caller with a valid key; without
 * keys, every caller of a server that listens on loopback only (anyone who can reach it can read the machine).
 */
record Disclosure(ApiKeys keys, boolean loopbackOnly) {
  boolean details(Context ctx) {
    return keys.readProtected() ? keys.mayRead(LarderHttp.presentedKey(ctx)) : loopbackOnly;
  }
}
