package larder.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import larder.store.Store;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server's Micrometer registry, scraped on {@code /metrics} after Larder's own series: the JVM (memory, GC,
 * threads, classes), the process (CPU, uptime, open files), the store's connection pool ({@code hikaricp_*}),
 * Jetty's request threads ({@code jetty_threads_*}) and {@code http_server_requests_seconds} by method, route
 * template and status, the name dashboards for other servers already query.
 *
 * <p>Recording a request looks its timer up by the matched endpoint (an object Javalin keeps per route) and the
 * status code, in a map and an array: no tags, strings or ids are built per request.
 */
final class ServerMeters implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Store store;
  /** Per endpoint (or, for requests no route matched, per method): a timer per status code, made on first use. */
  private final ConcurrentHashMap<Object, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();
  private final Duration[] buckets;

  ServerMeters(Store store) {
    this.store = store;
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    buckets = new Duration[RequestMetrics.BUCKETS.length];
    for (int i = 0; i < buckets.length; i++) buckets[i] = Duration.ofNanos(Math.round(RequestMetrics.BUCKETS[i] * 1e9));
    store.meters().add(registry);
  }

  /** Jetty's request threads: how many exist, are busy, and how many requests wait for one. */
  void bindThreads(QueuedThreadPool pool) {
    Gauge.builder("jetty.threads.config.max", pool, QueuedThreadPool::getMaxThreads)
        .description("The most threads Jetty may start").register(registry);
    Gauge.builder("jetty.threads.current", pool, QueuedThreadPool::getThreads)
        .description("Threads Jetty has started").register(registry);
    Gauge.builder("jetty.threads.busy", pool, QueuedThreadPool::getBusyThreads)
        .description("Threads running a request or Jetty's own work").register(registry);
    Gauge.builder("jetty.threads.jobs", pool, QueuedThreadPool::getQueueSize)
        .description("Requests and tasks waiting for a thread").register(registry);
  }

  /**
   * Records one answered request.
   *
   * @param key the matched endpoint, or the method when no route matched (one series for all such paths)
   * @param route the route template ("/v1/recommendations/{job}/{user}"), or "unmatched"
   */
  void record(Object key, String method, String route, int status, long nanos) {
    AtomicReferenceArray<Timer> byStatus = timers.get(key);
    if (byStatus == null) byStatus = timers.computeIfAbsent(key, k -> new AtomicReferenceArray<>(600));
    int slot = status >= 0 && status < 600 ? status : 0;
    Timer t = byStatus.get(slot);
    if (t == null) {
      t = Timer.builder("http.server.requests").description("HTTP requests answered, by method, route and status")
          .tags("method", method, "route", route, "status", Integer.toString(status))
          .serviceLevelObjectives(buckets).register(registry);
      byStatus.set(slot, t); // a race registers the same timer twice: the registry returns the one it has
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Every series in the Prometheus text format (version 0.0.4). */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    store.meters().remove(registry);
    gc.close();
    registry.close();
  }
}
