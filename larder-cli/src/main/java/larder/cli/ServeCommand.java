package larder.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import larder.core.DurationText;
import larder.dashboard.Dashboard;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {"Serve the store's current batches over HTTP (JSON), and the dashboard"
    + " (HTML pages at /), until stopped.",
    "Jobs may publish while it serves, and several servers may share one store.",
    "Set LARDER_API_KEYS (comma-separated, >= 16 characters each) to require a key on reads, and",
    "LARDER_ADMIN_KEYS to enable the admin endpoints (POST /v1/jobs/{job}/rollback)."})
final class ServeCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Interface to listen on; 0.0.0.0 for every interface (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--threads", defaultValue = "32", description = "Request threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--default-limit", defaultValue = "10", description = "List length when a request gives no limit (default ${DEFAULT-VALUE}).")
  int defaultLimit;

  @Option(names = "--max-age", paramLabel = "DURATION",
      description = "GET /ready answers 503 when a job's batch is older, e.g. 26h (default: no limit).")
  String maxAge;

  @Option(names = "--config", paramLabel = "CONFIG", description = "The jobs' config: the dashboard shows each"
      + " scheduled job's next run, and the config's jobs that never ran; its store is served unless --db is given.")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    // Keys come from the environment, not options: command lines are visible to every user of the machine.
    ApiKeys keys = ApiKeys.parse(System.getenv("LARDER_API_KEYS"), System.getenv("LARDER_ADMIN_KEYS"));
    HttpOptions options = new HttpOptions(host, port, defaultLimit, threads,
        maxAge == null ? null : DurationText.parse("--max-age", maxAge), keys);
    ConfigJobs jobs = ConfigJobs.of(config);
    CountDownLatch stopped = new CountDownLatch(1);
    try (Store s = Store.openExisting(store.resolve(jobs.store()));
        LarderHttp http = LarderHttp.start(s, options, new Dashboard(Clock.systemUTC(), jobs.schedules()))) {
      String base = "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + http.port();
      System.out.printf("serving %s on %s (Ctrl-C to stop)%s%n", s.name(), base,
          !keys.readProtected() ? "" : keys.adminEnabled() ? "; API keys required, admin endpoints on" : "; API keys required");
      System.out.printf("  %s/ (dashboard%s)%n", base, keys.readProtected() ? ": open it once as /?key=KEY" : "");
      System.out.printf("  %s/v1/jobs%n  %s/v1/recommendations/{job}/{user}%n  %s/v1/segments/{job}/customers/{customer}%n"
          + "  %s/v1/status?max_age=26h%n  %s/metrics%n  %s/openapi.yaml (every endpoint)%n", base, base, base, base, base, base);
      System.out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "larder-serve-stop"));
      stopped.await();
    }
    return 0;
  }
}
