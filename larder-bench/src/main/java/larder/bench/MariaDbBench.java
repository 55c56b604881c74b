package larder.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Random;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import larder.core.BatchKind;
import larder.core.IdMap;
import larder.core.TopNSink;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.BatchLoad;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;

/**
 * MySQL/MariaDB store: the load of one batch of recommendation rows (LOAD DATA LOCAL from memory, and the INSERT
 * fallback) against the {@code mariadb} client's own {@code LOAD DATA LOCAL INFILE} of the same rows as a file into a
 * bare table of the same shape; then point look-ups of one user's list through a bare prepared statement on the row
 * table (over the text protocol, and prepared on the server), the view, and the in-process reader
 * ({@link PredictionReader}), interleaved in rounds. With {@code publish} first, {@link #publish}.
 * <pre>
 *   mariadb-bench --db jdbc:mariadb://127.0.0.1:3306/bench?user=root --users 100000 --n 10 --runs 2 --lookups 20000
 * </pre>
 */
public final class MariaDbBench {
  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    if (argv.length > 0 && argv[0].equals("publish")) {
      publish(a);
      return;
    }
    String db = a.text("db", "jdbc:mariadb://127.0.0.1:3306/larder_bench?user=root");
    String database = db.replaceAll("jdbc:mariadb://[^/]*/([^?]*).*", "$1");
    int users = a.integer("users", 100_000);
    int n = a.integer("n", 10);
    int itemCount = a.integer("items", 20_000);
    BenchLists generated = BenchLists.of(users, n, itemCount);
    IdMap userIds = generated.userIds();
    IdMap items = generated.items();
    int[][] lists = generated.lists();
    float[][] scores = generated.scores();
    Path tsv = Files.createTempFile("larder-bench-", ".tsv");
    try (BufferedWriter w = Files.newBufferedWriter(tsv, StandardCharsets.UTF_8)) {
      for (int u = 0; u < users; u++) {
        for (int r = 0; r < n; r++) {
          w.write("1\t" + userIds.name(u) + "\t" + (r + 1) + "\t" + items.name(lists[u][r]) + "\t"
              + Double.toString(scores[u][r]) + "\n");
        }
      }
    }
    long rows = (long) users * n;
    try (Store store = Store.open(db); Store inserts = Store.open(db + "&allowLocalInfile=false")) {
      Store.execute(store.connection(), "DROP TABLE IF EXISTS bench_rec_rows",
          "CREATE TABLE bench_rec_rows LIKE larder_rec_rows");
      for (int run = 0; run < a.integer("runs", 2); run++) {
        Store.execute(store.connection(), "TRUNCATE bench_rec_rows");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("mariadb", "--local-infile=1", "-h", "127.0.0.1", "-u", "root", database, "-e",
            "LOAD DATA LOCAL INFILE '" + tsv + "' INTO TABLE bench_rec_rows CHARACTER SET utf8mb4"
                + " (batch_id, user_id, `rank`, item_id, score)").inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("the mariadb client failed");
        double cli = (System.nanoTime() - t0) / 1e9;
        double local = load(store, userIds, items, lists, scores, n, run == 0);
        double insert = load(inserts, userIds, items, lists, scores, n, false);
        System.out.printf("LOAD rows=%d cli_s=%.2f local_s=%.2f insert_s=%.2f local/cli=%.2f insert/cli=%.2f"
            + " local_rows_per_s=%.0f%n", rows, cli, local, insert, local / cli, insert / cli, rows / local);
      }
      long batch = store.read("the batch", c -> {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(batch_id) FROM larder_batch"
            + " WHERE job = 'bench' AND status = 'published'")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      reads(store, batch, users, a.integer("lookups", 20_000));
    } finally {
      Files.deleteIfExists(tsv);
    }
  }

  /** Loads one batch; the first one kept and made current (for the reads), the others removed. Returns seconds. */
  private static double load(Store store, IdMap userIds, IdMap items, int[][] lists, float[][] scores, int n,
      boolean keep) throws SQLException {
    long batch = store.write("record a benchmark batch", c -> {
      try (PreparedStatement ps = store.dialect().prepareReturningKey(c, "INSERT INTO larder_batch (job, kind, model,"
          + " created_at, status) VALUES ('bench', 'recommendations', 'bench', ?, 'staging')", "batch_id")) {
        store.dialect().setInstant(ps, 1, Schema.now());
        return store.dialect().insertedKey(ps);
      }
    });
    long t0 = System.nanoTime();
    try (BatchLoad load = store.startLoad(batch)) {
      for (int u = 0; u < lists.length; u++) load.addList(RowTable.RECOMMENDATIONS, userIds.name(u), lists[u], scores[u], n, items);
      load.finish();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (keep) {
      store.write("publish the benchmark batch", c -> {
        Store.execute(c, "UPDATE larder_batch SET status = 'published', published_at = NOW(6) WHERE batch_id = " + batch,
            "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('bench', " + batch + ", NOW(6))"
                + " ON DUPLICATE KEY UPDATE batch_id = VALUES(batch_id)");
        return null;
      });
    } else {
      store.dropRows(batch);
    }
    return s;
  }

  private static void reads(Store store, long batch, int users, int lookups) throws SQLException {
    PredictionReader reader = new PredictionReader(store);
    Random random = new Random(7);
    long[] bare = new long[lookups];
    long[] view = new long[lookups];
    long[] inProcess = new long[lookups];
    long[] bareServer = new long[lookups];
    try (Connection c = store.connection();
        Connection sc = store.unpooledConnection(props("useServerPrepStmts", "true"));
        PreparedStatement bs = sc.prepareStatement("SELECT `rank`, item_id, score FROM larder_rec_rows"
            + " WHERE batch_id = ? AND user_id = ? ORDER BY `rank`");
        PreparedStatement b = c.prepareStatement("SELECT `rank`, item_id, score FROM larder_rec_rows"
            + " WHERE batch_id = ? AND user_id = ? ORDER BY `rank`");
        PreparedStatement v = c.prepareStatement("SELECT `rank`, item_id, score FROM larder_recommendations"
            + " WHERE job = 'bench' AND user_id = ? ORDER BY `rank`")) {
      for (int i = 0; i < lookups; i++) {
        String user = "user-" + random.nextInt(Math.min(users, 20_000));
        long t0 = System.nanoTime();
        b.setLong(1, batch);
        b.setString(2, user);
        drain(b);
        long t1 = System.nanoTime();
        v.setString(1, user);
        drain(v);
        long t2 = System.nanoTime();
        if (reader.recommend("bench", user, 10).items().isEmpty()) throw new IllegalStateException("no list for " + user);
        long t3 = System.nanoTime();
        bs.setLong(1, batch);
        bs.setString(2, user);
        drain(bs);
        bareServer[i] = System.nanoTime() - t3;
        bare[i] = t1 - t0;
        view[i] = t2 - t1;
        inProcess[i] = t3 - t2;
      }
    }
    double mb = median(bare), mv = median(view), mr = median(inProcess), ms = median(bareServer);
    System.out.printf("READ lookups=%d bare_us=%.0f bare_server_prepared_us=%.0f view_us=%.0f reader_us=%.0f"
        + " view/bare=%.2f reader_speed/bare=%.2f reader_speed/bare_server_prepared=%.2f%n",
        lookups, mb / 1e3, ms / 1e3, mv / 1e3, mr / 1e3, mv / mb, mb / mr, ms / mr);
  }

  /**
   * Publishing through {@link Publisher} (begin, rows, the switch) against the {@code mariadb} client's
   * {@code LOAD DATA LOCAL INFILE} of the same rows from a file, in the same run: {@code --segments} customers of a
   * segments job, then {@code --users} x {@code --n} recommendation rows. Each side keeps its previous run's rows in
   * its table during the next load (the client's bare tables get the run number as batch id), as Larder's shared
   * row tables do; rows two runs old are deleted after the timing, and InnoDB's purge of them is waited out
   * before the next one. Prints wall seconds, the process CPU seconds and the load average beside each.
   */
  private static void publish(Args a) throws Exception {
    String db = a.text("db", "jdbc:mariadb://127.0.0.1:3306/larder_bench?user=root");
    String database = db.replaceAll("jdbc:mariadb://[^/]*/([^?]*).*", "$1");
    int users = a.integer("users", 1_000_000);
    int n = a.integer("n", 10);
    int customers = a.integer("segments", 1_000_000);
    int runs = a.integer("runs", 2);
    int itemCount = 50_000;
    IdMap userIds = BenchLists.ids("user-", Math.max(users, customers));
    IdMap items = BenchLists.ids("item-", itemCount);
    Path recTsv = Files.createTempFile("larder-bench-rec-", ".tsv");
    Path segTsv = Files.createTempFile("larder-bench-seg-", ".tsv");
    int[] segment = new int[customers];
    float[] distance = new float[customers];
    try (BufferedWriter w = Files.newBufferedWriter(segTsv, StandardCharsets.UTF_8)) {
      for (int c = 0; c < customers; c++) {
        segment[c] = 1 + (int) ((c * 2_654_435_761L) % 8 + 8) % 8;
        distance[c] = (c % 1000) / 250f;
        w.write(userIds.name(c) + "\t" + segment[c] + "\t" + Double.toString(distance[c]) + "\t\\N\t\\N\t\\N\t\\N\n");
      }
    }
    int[] list = new int[n];
    float[] sc = new float[n];
    try (BufferedWriter w = Files.newBufferedWriter(recTsv, StandardCharsets.UTF_8)) {
      for (int u = 0; u < users; u++) {
        BenchLists.fill(u, list, sc, itemCount);
        for (int r = 0; r < n; r++) {
          w.write(userIds.name(u) + "\t" + (r + 1) + "\t" + items.name(list[r]) + "\t" + Double.toString(sc[r]) + "\n");
        }
      }
    }
    System.out.printf("# files: rec %d rows %.0f MB, segments %d rows %.0f MB%n", (long) users * n,
        Files.size(recTsv) / 1e6, customers, Files.size(segTsv) / 1e6);
    try (Store store = Store.open(db)) {
      Publisher publisher = new Publisher(store);
      Store.execute(store.connection(), "DROP TABLE IF EXISTS bench_rec_rows", "DROP TABLE IF EXISTS bench_segment_rows",
          "CREATE TABLE bench_rec_rows LIKE larder_rec_rows", "CREATE TABLE bench_segment_rows LIKE larder_segment_rows");
      long[] previous = {-1, -1};
      for (int run = 1; run <= runs; run++) {
        for (String kind : new String[] {"segments", "recommendations"}) {
          boolean seg = kind.equals("segments");
          if (seg && customers == 0 || !seg && users == 0) continue;
          String table = seg ? "bench_segment_rows" : "bench_rec_rows";
          String cols = seg ? "(customer_id, segment_id, distance, recency_days, frequency, monetary, rfm_score)"
              : "(user_id, `rank`, item_id, score)";
          Times cli = Times.start();
          Process p = new ProcessBuilder("mariadb", "--local-infile=1", "-h", "127.0.0.1", "-u", "root", database, "-e",
              "LOAD DATA LOCAL INFILE '" + (seg ? segTsv : recTsv) + "' INTO TABLE " + table + " CHARACTER SET utf8mb4 "
                  + cols + " SET batch_id = " + run).inheritIO().start();
          if (p.waitFor() != 0) throw new IllegalStateException("the mariadb client failed");
          String cliTimes = cli.stop();
          Times larder = Times.start();
          BatchLoader b = publisher.begin("bench-" + kind, seg ? BatchKind.SEGMENTS : BatchKind.RECOMMENDATIONS,
              "bench", null);
          long id = b.batchId();
          if (seg) {
            b.segments().writeAssignment(new SegmentAssignment(sub(userIds, customers), segment, distance, null));
            List<SegmentProfile> profiles = new ArrayList<>();
            for (int k = 1; k <= 8; k++) {
              profiles.add(new SegmentProfile(k, "segment " + k, customers / 8, 0.125, null, null, null, null, null,
                  null, Map.of("x", (double) k)));
            }
            b.segments().writeProfiles(profiles);
            b.segments().writeTransitions(List.of());
          } else {
            TopNSink sink = b.recommendations().userSink(userIds, items);
            int[] l = new int[n];
            float[] s = new float[n];
            for (int u = 0; u < users; u++) {
              BenchLists.fill(u, l, s, itemCount);
              sink.accept(u, l, s, n);
            }
          }
          b.publish(1_000);
          String larderTimes = larder.stop();
          System.out.printf("PUBLISH %s run=%d rows=%d client_load_data: %s larder_publish: %s ratio_wall=%.2f%n", kind,
              run, seg ? customers : (long) users * n, cliTimes, larderTimes, larder.wall / cli.wall);
          // rows two runs old go, on both sides, and InnoDB's purge of them is waited out before the next timing
          int slot = seg ? 0 : 1;
          if (previous[slot] >= 0 && run < runs) { // after the last run the database is dropped whole
            store.dropRows(previous[slot]);
            Store.execute(store.connection(), "DELETE FROM " + table + " WHERE batch_id < " + run);
            awaitPurge(store);
          }
          previous[slot] = id;
        }
      }
    } finally {
      Files.deleteIfExists(recTsv);
      Files.deleteIfExists(segTsv);
    }
  }

  /** Waits (at most 10 minutes) until InnoDB's history list is short: deleted rows purged, not purging under a timing. */
  private static void awaitPurge(Store store) throws Exception {
    for (int i = 0; i < 600; i++) {
      long history = store.read("history list length", c -> {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count FROM"
            + " information_schema.innodb_metrics WHERE name = 'trx_rseg_history_len'")) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      });
      if (history < 1_000) return;
      Thread.sleep(1_000);
    }
  }

  private static IdMap sub(IdMap ids, int size) {
    if (ids.size() == size) return ids;
    IdMap m = new IdMap(size);
    for (int i = 0; i < size; i++) m.intern(ids.name(i));
    return m;
  }

  /** Wall time, this process's CPU time and the load average of one timed step. */
  private static final class Times {
    long t0;
    double cpu0;
    double wall;

    static Times start() {
      Times t = new Times();
      t.cpu0 = cpuSeconds();
      t.t0 = System.nanoTime();
      return t;
    }

    String stop() {
      wall = (System.nanoTime() - t0) / 1e9;
      return String.format("wall_s=%.2f larder_cpu_s=%.2f load=%.2f", wall, cpuSeconds() - cpu0,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    static double cpuSeconds() {
      var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
    }
  }

  private static java.util.Properties props(String key, String value) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty(key, value);
    return p;
  }

  private static void drain(PreparedStatement ps) throws SQLException {
    int rows = 0;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) rows++;
    }
    if (rows == 0) throw new IllegalStateException("no rows");
  }

  private static double median(long[] t) {
    long[] s = t.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private MariaDbBench() {}
}
