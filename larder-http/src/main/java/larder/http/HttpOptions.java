package larder.http;

import java.time.Duration;
import larder.core.ConfigException;

/**
 * How the HTTP API listens and answers.
 *
 * @param host the interface to bind ("127.0.0.1" for local use only, "0.0.0.0" for every interface)
 * @param port the TCP port; 0 picks a free one (see {@link LarderHttp#port()})
 * @param defaultLimit list length when a request gives no {@code limit}: 1 to {@value Routes#MAX_LIMIT}
 * @param maxThreads request threads; each request holds at most one store connection at a time
 * @param maxAge {@code /ready} fails (503) when a job's current batch is older than this; null for no limit
 * @param keys who may read and who may administer
 */
public record HttpOptions(String host, int port, int defaultLimit, int maxThreads, Duration maxAge, ApiKeys keys) {
  public static final int DEFAULT_PORT = 8080;

  public HttpOptions {
    if (host == null || host.isBlank()) throw new ConfigException("--host", host, "must name an interface, e.g. 127.0.0.1");
    if (port < 0 || port > 65_535) throw new ConfigException("--port", port, "must be between 0 and 65535");
    // Beyond the longest list a request may ask for, every request without a limit would be refused (400).
    if (defaultLimit < 1 || defaultLimit > Routes.MAX_LIMIT) {
      throw new ConfigException("--default-limit", defaultLimit, "must be from 1 to " + Routes.MAX_LIMIT
          + ", the longest list a request may ask for", "e.g. --default-limit 10");
    }
    if (maxThreads < 2) throw new ConfigException("--threads", maxThreads, "must be >= 2");
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) throw new ConfigException("--max-age", maxAge, "must be positive");
    if (keys == null) keys = ApiKeys.none();
  }

  /** Local only, port 8080, lists of 10, 32 request threads, no age limit, no keys. */
  public static HttpOptions defaults() {
    return new HttpOptions("127.0.0.1", DEFAULT_PORT, 10, 32, null, ApiKeys.none());
  }

  public HttpOptions withHost(String v) { return new HttpOptions(v, port, defaultLimit, maxThreads, maxAge, keys); }
  public HttpOptions withPort(int v) { return new HttpOptions(host, v, defaultLimit, maxThreads, maxAge, keys); }
  public HttpOptions withDefaultLimit(int v) { return new HttpOptions(host, port, v, maxThreads, maxAge, keys); }
  public HttpOptions withMaxThreads(int v) { return new HttpOptions(host, port, defaultLimit, v, maxAge, keys); }
  public HttpOptions withMaxAge(Duration v) { return new HttpOptions(host, port, defaultLimit, maxThreads, v, keys); }
  public HttpOptions withKeys(ApiKeys v) { return new HttpOptions(host, port, defaultLimit, maxThreads, maxAge, v); }
}
