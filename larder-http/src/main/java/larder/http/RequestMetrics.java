package larder.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counts and latency histograms per route, in the Prometheus text format: what an operator needs to
 * see that the API is fast and answering, without a metrics library for a dozen counters.
 *
 * <pre>
 * larder_http_requests_total{route="/v1/recommendations/{job}/{user}",status="200"} 1234
 * larder_http_request_seconds_bucket{route="...",le="0.005"} 1200
 * larder_http_request_seconds_sum{route="..."} 1.87
 * larder_http_request_seconds_count{route="..."} 1234
 * </pre>
 */
final class RequestMetrics {
  /** Upper bounds of the latency buckets, in seconds. */
  static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

  /**
   * Per route: its label, counts per status code and its latency. Looked up by the matched endpoint (an object
   * Javalin keeps per route), so recording a request builds no strings.
   */
  private final Map<Object, Route> routes = new ConcurrentHashMap<>();

  private static final class Route {
    final String label;
    final AtomicReferenceArray<LongAdder> byStatus = new AtomicReferenceArray<>(600);
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();

    Route(String route) {
      label = "route=\"" + route.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
    }
  }

  /**
   * Records one answered request.
   *
   * @param key what identifies the route (the matched endpoint, or the method for requests no route matched)
   * @param route the route template ("/v1/recommendations/{job}/{user}"), or "unmatched"
   */
  void record(Object key, String route, int status, long nanos) {
    Route r = routes.get(key);
    if (r == null) r = routes.computeIfAbsent(key, k -> new Route(route));
    int slot = status >= 0 && status < 600 ? status : 0;
    LongAdder n = r.byStatus.get(slot);
    if (n == null) {
      r.byStatus.compareAndSet(slot, null, new LongAdder());
      n = r.byStatus.get(slot);
    }
    n.increment();
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) r.buckets[i].increment();
    r.count.increment();
    r.nanos.add(nanos);
  }

  /** The counters in the Prometheus text exposition format. */
  void write(StringBuilder out) {
    // two keys may name one route (unmatched requests of each method): their series are summed
    Map<String, long[]> requests = new TreeMap<>();
    Map<String, long[]> latency = new TreeMap<>(); // buckets..., count, nanos
    for (Route r : routes.values()) {
      for (int s = 0; s < r.byStatus.length(); s++) {
        LongAdder n = r.byStatus.get(s);
        if (n != null) requests.computeIfAbsent(r.label + ",status=\"" + s + "\"", k -> new long[1])[0] += n.sum();
      }
      long[] l = latency.computeIfAbsent(r.label, k -> new long[BUCKETS.length + 2]);
      for (int i = 0; i < BUCKETS.length; i++) l[i] += r.buckets[i].sum();
      l[BUCKETS.length] += r.count.sum();
      l[BUCKETS.length + 1] += r.nanos.sum();
    }
    out.append("# HELP larder_http_requests_total HTTP requests answered, by route and status.\n");
    out.append("# TYPE larder_http_requests_total counter\n");
    requests.forEach((k, v) -> out.append("larder_http_requests_total{").append(k).append("} ").append(v[0]).append('\n'));
    out.append("# HELP larder_http_request_seconds Time to answer a request, by route.\n");
    out.append("# TYPE larder_http_request_seconds histogram\n");
    latency.forEach((k, l) -> {
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append("larder_http_request_seconds_bucket{").append(k).append(",le=\"").append(BUCKETS[i]).append("\"} ")
            .append(l[i]).append('\n');
      }
      long n = l[BUCKETS.length];
      out.append("larder_http_request_seconds_bucket{").append(k).append(",le=\"+Inf\"} ").append(n).append('\n');
      out.append("larder_http_request_seconds_sum{").append(k).append("} ")
          .append(String.format(Locale.ROOT, "%.6f", l[BUCKETS.length + 1] / 1e9)).append('\n');
      out.append("larder_http_request_seconds_count{").append(k).append("} ").append(n).append('\n');
    });
  }
}
