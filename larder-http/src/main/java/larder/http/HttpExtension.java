package larder.http;

import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Routes served beside the API by the same server, behind the same keys: the dashboard's pages. Every request
 * passes {@link LarderHttp}'s key check first: reads need a read key, anything but GET and HEAD an admin key.
 */
public interface HttpExtension {
  void register(JavalinDefaultRoutingApi routes, ServeContext served);
}
