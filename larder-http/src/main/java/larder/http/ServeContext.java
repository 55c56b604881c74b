package larder.http;

import io.javalin.http.Context;
import larder.store.Store;

/** What an {@link HttpExtension} serves from, and who is asking. */
public final class ServeContext {
  private final Store store;
  private final HttpOptions options;

  ServeContext(Store store, HttpOptions options) {
    this.store = store;
    this.options = options;
  }

  public Store store() { return store; }

  public HttpOptions options() { return options; }

  /** Whether the request carries an admin key (header or browser cookie), so admin actions may be offered. */
  public boolean mayAdmin(Context ctx) {
    return options.keys().adminEnabled() && options.keys().mayAdmin(BrowserKey.presented(ctx));
  }

  /** Who the request is, as the rollback audit records it: the presented key's label ({@link ApiKeys#label}). */
  public String actor(Context ctx) {
    return ApiKeys.label(BrowserKey.presented(ctx));
  }
}
