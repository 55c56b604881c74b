package larder.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import larder.serve.PredictionReader;
import larder.store.Store;

/**
 * Serving throughput and latency of one user's top-10 look-up, three ways against the same published batch:
 * {@code sql} a bare prepared statement on the view, one connection per client thread (the floor: the
 * database alone), {@code reader} Larder's read side in process (a snapshot read with the batch check). Each
 * client thread asks for random users of the job in a closed loop for a fixed time. {@code users} writes the
 * same sample as request paths for an HTTP load generator, which measures the HTTP API ({@code bench/serve.sh}).
 *
 * <pre>
 * java -cp larder-bench-benchmarks.jar larder.bench.ServeBench sql|reader|users --db DB --job J
 *     [--threads 8] [--seconds 10] [--users 10000] [--out paths.txt]
 * </pre>
 * Prints {@code SERVE mode=... requests=... per_s=... p50_ms=... p99_ms=...}.
 */
public final class ServeBench {
  interface Lookup extends AutoCloseable {
    /** Answers one user; returns the number of items, so the work cannot be skipped. */
    int ask(String user) throws Exception;

    @Override default void close() throws Exception {}
  }

  /** One lookup per client thread, so a thread's connection or statement is its own. */
  interface LookupFactory {
    Lookup open() throws Exception;
  }

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    String db = a.text("db", "larder.db");
    String job = a.text("job", "shop");
    int threads = a.integer("threads", 8);
    int seconds = a.integer("seconds", 10);
    try (Store store = Store.openExisting(db)) {
      String[] users = users(store, job, a.integer("users", 10_000));
      PredictionReader reader = new PredictionReader(store);
      String sql = "SELECT rank, item_id, score FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank LIMIT 10";
      LookupFactory lookups = switch (a.command) {
        case "sql" -> () -> {
          Connection c = store.connection();
          PreparedStatement ps = c.prepareStatement(sql);
          return new Lookup() {
            @Override public int ask(String user) throws Exception {
              ps.setString(1, job);
              ps.setString(2, user);
              int n = 0;
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) n++;
              }
              return n;
            }

            @Override public void close() throws Exception {
              ps.close();
              c.close();
            }
          };
        };
        case "reader" -> () -> user -> reader.recommend(job, user, 10).items().size();
        case "users" -> {
          // The sample as request paths, one per line, for an HTTP load generator (bench/serve.sh uses wrk).
          try (java.io.PrintWriter w = new java.io.PrintWriter(a.text("out", "users.txt"), "UTF-8")) {
            for (String u : users) w.println("/v1/recommendations/" + job + "/" + u + "?limit=10");
          }
          yield null;
        }
        default -> throw new IllegalArgumentException("mode: sql, reader or users");
      };
      if (lookups == null) return;
      // Warm up (JIT, pools, caches), then measure.
      run(lookups, users, threads, Math.max(2, seconds / 3), a.command + "-warmup", false);
      run(lookups, users, threads, seconds, a.command, true);
    }
  }

  private static void run(LookupFactory lookups, String[] users, int threads, int seconds, String mode, boolean print)
      throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong requests = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long[][] latencies = new long[threads][];
    int[] counts = new int[threads];
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        SplittableRandom rnd = new SplittableRandom(id);
        long[] lat = new long[1 << 16];
        int n = 0;
        try (Lookup lookup = lookups.open()) {
          while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
              if (lookup.ask(users[rnd.nextInt(users.length)]) <= 0) failures.incrementAndGet();
            } catch (Exception e) {
              if (failures.incrementAndGet() == 1) System.err.println(mode + ": " + e);
            }
            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
            lat[n++] = System.nanoTime() - t0;
          }
        } catch (Exception e) {
          System.err.println(mode + ": " + e);
        } finally {
          latencies[id] = lat;
          counts[id] = n;
          requests.addAndGet(n);
          done.countDown();
        }
      });
      th.setDaemon(true);
      th.start();
    }
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!print) return;
    long[] all = new long[(int) requests.get()];
    int k = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(latencies[t], 0, all, k, counts[t]);
      k += counts[t];
    }
    Arrays.sort(all);
    System.out.printf(Locale.ROOT, "SERVE mode=%s threads=%d seconds=%.1f requests=%d failures=%d per_s=%.0f p50_ms=%.3f p99_ms=%.3f%n",
        mode, threads, elapsed, all.length, failures.get(), all.length / elapsed, pct(all, 0.50) / 1e6, pct(all, 0.99) / 1e6);
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /** Up to {@code n} users with a list in the job's current batch, spread over the id range. */
  private static String[] users(Store store, String job, int n) {
    return store.read("sample users", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT user_id FROM larder_recommendations WHERE job = ? AND rank = 1 ORDER BY user_id")) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getString(1));
        }
      }
      if (out.isEmpty()) throw new IllegalStateException("job " + job + " has no lists in " + store.name());
      int step = Math.max(1, out.size() / n);
      List<String> pick = new ArrayList<>();
      for (int i = 0; i < out.size() && pick.size() < n; i += step) pick.add(out.get(i));
      return pick.toArray(new String[0]);
    });
  }
}
