package larder.http;

import io.javalin.http.Context;
import larder.core.Printable;
import org.eclipse.jetty.ee10.servlet.ServletApiResponse;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request on the logger {@value #LOGGER}: method, path, status, time in microseconds and
 * body bytes, e.g. {@code GET /v1/recommendations/shop/u1 200 812us 1342B}; in a JSON log the same as the fields
 * {@code method}, {@code path}, {@code route}, {@code status}, {@code micros} and {@code bytes}. The query string
 * is never written: it may hold a key ({@code ?key=}). Turned off with {@code --log-level larder.http.access=off},
 * after which a request costs one level check.
 */
final class AccessLog {
  static final String LOGGER = "larder.http.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {}

  static void write(Context ctx, String route, int status, float ms) {
    if (!LOG.isInfoEnabled()) return;
    String method = ctx.method().name();
    String path = Printable.escape(ctx.path()); // a path is the client's text: no control characters in the log
    long micros = (long) (ms * 1000);
    long bytes = bytesWritten(ctx);
    LOG.atInfo().setMessage("{} {} {} {}us {}B").addArgument(method).addArgument(path).addArgument(status)
        .addArgument(micros).addArgument(bytes)
        .addKeyValue("method", method).addKeyValue("path", path).addKeyValue("route", route)
        .addKeyValue("status", status).addKeyValue("micros", micros).addKeyValue("bytes", bytes).log();
  }

  /** The body bytes Jetty wrote (after compression), or -1 when the response is not Jetty's. */
  private static long bytesWritten(Context ctx) {
    return ctx.res() instanceof ServletApiResponse r ? Response.getContentBytesWritten(r.getResponse()) : -1;
  }
}
