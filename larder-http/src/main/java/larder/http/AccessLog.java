package larder.http;

import larder.core.Printable;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@value #LOGGER}: method, path, status, time in microseconds and body bytes,
 * e.g. {@code GET /v1/recommendations/shop/u1 200 812us 1342B}; in a JSON log the same as the fields
 * {@code method}, {@code path}, {@code route}, {@code status}, {@code micros} and {@code bytes}. Jetty calls it once
 * the response is complete, so the time and bytes are the whole exchange's, and requests Jetty refused itself are
 * logged too. The query string is never written: it may hold a key ({@code ?key=}). Turned off with
 * {@code --log-level larder.http.access=off}, after which a request costs one level check.
 */
final class AccessLog implements RequestLog {
  static final String LOGGER = "larder.http.access";
  /** The request attribute holding the matched route template, set once the route has run. */
  static final String ROUTE = "larder.route";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public void log(Request request, Response response) {
    if (!LOG.isInfoEnabled()) return;
    long micros = (System.nanoTime() - request.getBeginNanoTime()) / 1_000;
    String method = request.getMethod();
    String path = Printable.escape(request.getHttpURI().getPath()); // the client's text: no control characters in the log
    int status = response.getStatus();
    long bytes = Response.getContentBytesWritten(response);
    Object route = request.getAttribute(ROUTE);
    LOG.atInfo().setMessage("{} {} {} {}us {}B").addArgument(method).addArgument(path).addArgument(status)
        .addArgument(micros).addArgument(bytes)
        .addKeyValue("method", method).addKeyValue("path", path).addKeyValue("route", route == null ? "unmatched" : route)
        .addKeyValue("status", status).addKeyValue("micros", micros).addKeyValue("bytes", bytes).log();
  }
}
