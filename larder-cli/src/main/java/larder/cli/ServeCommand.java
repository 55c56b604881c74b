package larder.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {"Serve the store's current batches over HTTP (JSON) until stopped.",
    "Read-only: jobs may publish while it serves, and several servers may share one store."})
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

  @Override
  public Integer call() throws InterruptedException {
    HttpOptions options = new HttpOptions(host, port, defaultLimit, threads);
    CountDownLatch stopped = new CountDownLatch(1);
    try (Store s = Store.openExisting(store.resolve()); LarderHttp http = LarderHttp.start(s, options)) {
      String base = "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + http.port();
      System.out.printf("serving %s on %s (Ctrl-C to stop)%n", s.name(), base);
      System.out.printf("  %s/v1/jobs%n  %s/v1/recommendations/{job}/{user}%n  %s/v1/segments/{job}/customers/{customer}%n"
          + "  %s/v1/status?max_age=26h%n  %s/metrics%n", base, base, base, base, base);
      System.out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "larder-serve-stop"));
      stopped.await();
    }
    return 0;
  }
}
