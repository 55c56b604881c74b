package larder.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.util.List;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.LarderException;
import larder.core.NotFoundException;
import larder.core.Printable;
import larder.core.StoreException;
import larder.serve.ApiJson;
import larder.serve.PredictionReader;
import larder.serve.SegmentReader;
import larder.store.Store;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: the same answers as the CLI and the SQL views, as JSON over HTTP, for applications that would
 * rather call a URL than hold a database connection. Every answer comes from one batch, read in one snapshot;
 * the API only reads (but for the admin endpoints), so any number of servers can run against one store while jobs publish.
 *
 * <pre>
 * GET /v1/recommendations/{job}/{user}?limit=10     a user's list (their segment's or the fallback list when unknown)
 * GET /v1/similar-items/{job}/{item}?limit=10       items similar to an item
 * GET /v1/segments/{job}/customers/{customer}       a customer's segment
 * GET /v1/segments/{job}/profiles                   the segments of the current batch
 * GET /v1/segments/{job}/transitions                customers moved since the previous batch
 * GET /v1/segments/{job}/members/{segment}?after=&amp;limit=1000   a page of members; ?format=csv streams them all
 * GET /v1/scores/{job}/entities/{entity}           an entity's imported score and label
 * GET /v1/scores/{job}/top?limit=&amp;label=             the highest scores, optionally of one label
 * GET /v1/jobs                                      every job's current batch
 * GET /v1/jobs/{job}/batches                        a job's batches, newest first
 * GET /v1/status?max_age=26h                        freshness: 503 when a job's batch is older
 * GET /health   GET /ready   GET /metrics           liveness; store reachable and (with max age) fresh; metrics
 * GET /openapi.yaml                                 this list as an OpenAPI 3 document
 * POST /v1/events                                   admin: record interactions, left out of lists until a run
 * POST /v1/jobs/{job}/rollback?to=BATCH             admin: serve an earlier kept batch again
 * </pre>
 * {@link HttpExtension}s add routes beside these (the dashboard's pages), behind the same key check.
 * With {@link ApiKeys} set, requests need a key (see there); without, the API is open, so it binds to 127.0.0.1
 * unless told otherwise. {@code /ready} is open to load balancers but tells its details only as {@link Disclosure}
 * allows.
 * Errors are JSON {@code {"error": ..., "hint": ...}} with 400 (bad parameter), 404 (unknown job, user or item),
 * 503 (store unreachable) or 500.
 * Each answered request is a line of the access log ({@link AccessLog}) and a sample of the request series on
 * {@code /metrics} (Larder's own and Micrometer's, {@link ServerMeters}); a failed one is logged with its cause.
 */
public final class LarderHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LarderHttp.class);
  private final Javalin app;
  private final List<String> endpoints;
  private final ServerMeters meters;

  private LarderHttp(Javalin app, List<String> endpoints, ServerMeters meters) {
    this.app = app;
    this.endpoints = endpoints;
    this.meters = meters;
  }

  /** The endpoints served, as "GET /v1/jobs" (the OpenAPI document must describe each). */
  public List<String> endpoints() { return List.copyOf(endpoints); }

  /**
   * Starts serving {@code store}, with the routes of {@code extensions} beside the API; the caller keeps owning
   * the store and closes it after this.
   */
  public static LarderHttp start(Store store, HttpOptions options, HttpExtension... extensions) {
    java.net.InetAddress address = ListenAddress.of(options.host());
    Disclosure disclosure = new Disclosure(options.keys(), address.isLoopbackAddress());
    store.allowConnections(options.maxThreads());
    PredictionReader predictions = new PredictionReader(store);
    SegmentReader segments = new SegmentReader(store);
    RequestMetrics metrics = new RequestMetrics();
    ServerMeters meters = new ServerMeters(store);
    Routes routes = new Routes(store, predictions, segments, metrics, options, disclosure, meters);
    Javalin app = Javalin.create(config -> {
      config.jetty.host = options.host();
      config.jetty.port = options.port();
      // Jetty runs its acceptor and selectors on the same pool: request threads come on top of those.
      int jettyOwn = 4 + Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
      QueuedThreadPool threads = new QueuedThreadPool(options.maxThreads() + jettyOwn, 2);
      // Jetty's default reserve of idle threads lets the thread that read a request run it while a reserved one
      // takes over reading (no hand-off and no wake-up per request): without it a list cost the server 91-100 µs
      // of CPU, with it 69-78 µs (BENCHMARKS.md, serving).
      threads.setName("larder-http");
      config.jetty.threadPool = threads;
      meters.bindThreads(threads);
      config.jetty.modifyServer(server -> server.setRequestLog(new AccessLog()));
      config.startup.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
      config.requestLogger.http((ctx, ms) -> {
        var endpoint = matched(ctx);
        String route = endpoint == null ? "unmatched" : endpoint.path;
        int status = ctx.status().getCode();
        long nanos = (long) (ms * 1e6);
        Object key = endpoint == null ? ctx.method() : endpoint;
        metrics.record(key, route, status, nanos);
        meters.record(key, ctx.method().name(), route, status, nanos);
        ctx.attribute(AccessLog.ROUTE, route);
      });
      config.routes.before(ctx -> authorize(ctx, options.keys()));
      routes.register(config.routes);
      ServeContext served = new ServeContext(store, options);
      for (HttpExtension e : extensions) e.register(config.routes, served);
      config.routes.exception(LarderException.class, (e, ctx) -> error(e, ctx, disclosure));
      config.routes.exception(Refused.class, (e, ctx) -> {
        if (BrowserKey.wantsPage(ctx)) {
          BrowserKey.refusedPage(ctx, e.status, e.getMessage(), e.hint);
        } else {
          problem(ctx, e.status, e.getMessage(), e.hint);
        }
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error(Printable.escape(ctx.method() + " " + ctx.path() + " failed: " + e), e);
        problem(ctx, 500, "internal error: " + e.getClass().getSimpleName(), "see the server's log");
      });
      config.routes.error(404, ctx -> {
        // Our own 404s (unknown job, user) are JSON already; this answers paths no route matches.
        // Pages answer their own 404s as HTML.
        String type = String.valueOf(ctx.res().getContentType());
        if (!type.startsWith("application/json") && !type.startsWith("text/html")) {
          problem(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path(), "the endpoints are listed in the README");
        }
      });
    });
    try {
      app.start();
    } catch (RuntimeException e) {
      meters.close();
      // The address was checked above, so a failed bind is the port (Javalin reports every bind failure as one).
      if (causedBy(e, java.net.BindException.class) || causedBy(e, io.javalin.util.JavalinBindException.class)) {
        throw new ConfigException("--port", options.port(), "cannot listen on " + options.host() + ":" + options.port()
            + " (" + rootMessage(e) + ")", "choose another port with --port, or stop what uses this one");
      }
      throw e;
    }
    return new LarderHttp(app, routes.endpoints, meters);
  }

  /** The port the server listens on (the chosen one when started with port 0). */
  public int port() { return app.port(); }

  @Override public void close() {
    try {
      app.stop();
    } finally {
      meters.close();
    }
  }

  /**
   * Checks the request's key against what the path needs: any write (not GET or HEAD) needs an admin key, reads a
   * read key. {@code /health}, {@code /ready}, {@code /openapi.yaml}, the favicon and {@code /assets/} (files that
   * hold nothing of the store's) are open. A page opened with {@code ?key=} keeps the key in a cookie
   * ({@link BrowserKey}).
   */
  private static void authorize(Context ctx, ApiKeys keys) {
    String path = ctx.path();
    boolean admin = BrowserKey.isWrite(ctx);
    if (admin && !keys.adminEnabled()) {
      throw new Refused(403, "admin endpoints are off", "start larder serve with LARDER_ADMIN_KEYS set to enable them");
    }
    if (!admin && (!keys.readProtected() || path.equals("/health") || path.equals("/ready") || path.equals("/openapi.yaml")
        || path.equals("/favicon.ico") || path.startsWith("/assets/"))) {
      return;
    }
    String offered = BrowserKey.offered(ctx);
    if (offered != null && keys.mayRead(offered)) {
      BrowserKey.keepAndRedirect(ctx, offered);
      ctx.skipRemainingHandlers();
      return;
    }
    String key = offered != null ? offered : BrowserKey.presented(ctx);
    if (key == null) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new Refused(401, "this API needs a key", "send Authorization: Bearer KEY (or X-Api-Key: KEY);"
          + " in a browser, open the page once with ?key=KEY");
    }
    if (admin ? !keys.mayAdmin(key) : !keys.mayRead(key)) {
      if (admin && keys.mayRead(key)) throw new Refused(403, "this key may read but not administer", "use an admin key");
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw new Refused(401, "the key is not valid", "check the key the server was started with");
    }
  }

  static String presentedKey(Context ctx) {
    return BrowserKey.presented(ctx);
  }

  /** A request refused before any work: 401 or 403. */
  static final class Refused extends RuntimeException {
    final int status;
    final String hint;

    Refused(int status, String message, String hint) {
      super(message, null, false, false);
      this.status = status;
      this.hint = hint;
    }
  }

  private static void error(LarderException e, Context ctx, Disclosure disclosure) {
    if (e instanceof StoreException && !disclosure.details(ctx)) {
      // The store's location and the driver's text are for the operator, not for whoever asked.
      log(ctx, e.getMessage());
      problem(ctx, 503, "the store is unavailable", "the server's log says why");
      return;
    }
    int status = e instanceof NotFoundException ? 404
        : e instanceof ConfigException || e instanceof InputException ? 400
        : e instanceof StoreException ? 503 : 500;
    problem(ctx, status, e.getMessage(), e.hint());
  }

  /**
   * Sends an error as JSON. Messages echo what the request said (a path, a parameter): their control and
   * invisible characters are escaped, so an answer or a log line shows them rather than obeying them.
   */
  static void problem(Context ctx, int status, String message, String hint) {
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("error", Printable.escape(message));
    if (hint != null && !hint.isBlank()) body.put("hint", Printable.escape(hint));
    body.put("status", status);
    ctx.status(status).json(body);
  }

  /** A warning in the server's log about a failed request, with the request's text escaped. */
  private static void log(Context ctx, String what) {
    LOG.warn(Printable.escape(ctx.method() + " " + ctx.path() + " failed: " + what));
  }

  /**
   * The endpoint that answered, or null: paths no route matches (and requests refused before their route ran)
   * share one series, not one per path.
   */
  private static io.javalin.router.Endpoint matched(Context ctx) {
    try {
      return ctx.endpoints().matchedHttpEndpoint();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
