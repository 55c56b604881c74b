package larder.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Latency> latency = new ConcurrentHashMap<>();

  private static final class Latency {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();

    Latency() {
      for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
    }
  }

  void record(String route, int status, long nanos) {
    requests.computeIfAbsent(label(route) + ",status=\"" + status + "\"", k -> new LongAdder()).increment();
    Latency l = latency.computeIfAbsent(label(route), k -> new Latency());
    double seconds = nanos / 1e9;
    for (int i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) l.buckets[i].increment();
    l.count.increment();
    l.nanos.add(nanos);
  }

  /** The counters in the Prometheus text exposition format. */
  void write(StringBuilder out) {
    out.append("# HELP larder_http_requests_total HTTP requests answered, by route and status.\n");
    out.append("# TYPE larder_http_requests_total counter\n");
    new TreeMap<>(requests).forEach((k, v) -> out.append("larder_http_requests_total{").append(k).append("} ")
        .append(v.sum()).append('\n'));
    out.append("# HELP larder_http_request_seconds Time to answer a request, by route.\n");
    out.append("# TYPE larder_http_request_seconds histogram\n");
    new TreeMap<>(latency).forEach((k, l) -> {
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append("larder_http_request_seconds_bucket{").append(k).append(",le=\"").append(BUCKETS[i]).append("\"} ")
            .append(l.buckets[i].sum()).append('\n');
      }
      long n = l.count.sum();
      out.append("larder_http_request_seconds_bucket{").append(k).append(",le=\"+Inf\"} ").append(n).append('\n');
      out.append("larder_http_request_seconds_sum{").append(k).append("} ")
          .append(String.format(Locale.ROOT, "%.6f", l.nanos.sum() / 1e9)).append('\n');
      out.append("larder_http_request_seconds_count{").append(k).append("} ").append(n).append('\n');
    });
  }

  private static String label(String route) {
    return "route=\"" + route.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
