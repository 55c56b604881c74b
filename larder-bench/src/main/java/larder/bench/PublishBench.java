package larder.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
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
import larder.store.Store;

/**
 * Publishing through {@link Publisher} (begin: lock, batch row; the rows; the partition's or table's indexes; the
 * switching transaction) against the store's own command-line bulk load of the same rows from a file into a fresh
 * table of the same shape with the same primary key and indexes, in the same run, interleaved, the client first:
 * {@code --segments} customers of a segments job, then {@code --users} x {@code --n} rows of a recommendations job.
 * <ul>
 *   <li>{@code sqlite}: {@code sqlite3 .import} (tabs) into a new file's {@code WITHOUT ROWID} table, then
 *       {@code CREATE INDEX} for the segments' second index;
 *   <li>{@code postgres}: {@code psql}: {@code CREATE TABLE (LIKE larder_...)} (Larder's columns, types and
 *       collations), {@code \copy} (text), then {@code ALTER TABLE ... ADD PRIMARY KEY} and {@code CREATE INDEX}
 *       (the fast order: one sorted build each);
 *   <li>{@code mariadb}: the {@code mariadb} client's {@code LOAD DATA LOCAL INFILE} into a table made
 *       {@code LIKE} Larder's (keys included); each side keeps its previous run's rows during the next load, as
 *       Larder's shared row tables do, and InnoDB's purge of older rows is waited out before a timing.
 * </ul>
 * Prints wall seconds, this process's CPU seconds and the load average beside each, and the ratio.
 * <pre>
 *   publish-bench --store postgres --db jdbc:postgresql://127.0.0.1/bench?user=postgres --pg-db bench
 *       --users 1000000 --n 10 --segments 1000000 --runs 2 --work /tmp/x
 * </pre>
 */
public final class PublishBench {
  static final int ITEMS = 50_000;

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    String store = a.text("store", "sqlite");
    String dir = a.text("work", null);
    Path work = dir == null ? Files.createTempDirectory("larder-publish-") : Path.of(dir);
    Baseline base = switch (store) {
      case "sqlite" -> new SqliteBaseline(work);
      case "postgres" -> new PostgresBaseline(a.text("pg-db", "larder_pub_bench"));
      case "mariadb" -> new MariaDbBaseline(a.text("db", ""));
      default -> throw new IllegalArgumentException("--store sqlite|postgres|mariadb, not " + store);
    };
    run(a, base, work);
  }

  /** The store's own command-line bulk load, and how it wants its file. */
  interface Baseline {
    /** One segment row in the client's file format; null RFM columns. */
    String segmentRow(String customer, int segment, float distance);

    /** One ranked-list row in the client's file format. */
    String recRow(String user, int rank, String item, float score);

    /** True when the client's file lists customers in the order of their ids (the order Larder loads them in). */
    default boolean sortedCustomers() { return false; }

    /** Makes a fresh target for run {@code run} (untimed). */
    void prepare(Store larder, boolean segments, int run) throws Exception;

    /** Before each side's timing (untimed): leaves the store as the other side's load would find it. */
    default void settle(Store larder) throws Exception {}

    /** Loads {@code file} (timed). */
    void load(boolean segments, int run, Path file) throws Exception;

    /** After both sides' timings of run {@code run}: drop what the next timing should not find. */
    default void after(Store larder, boolean segments, int run, long larderBatch, long previousLarderBatch)
        throws Exception {}
  }

  static void run(Args a, Baseline base, Path work) throws Exception {
    String db = a.text("db", "");
    int users = a.integer("users", 1_000_000);
    int n = a.integer("n", 10);
    int customers = a.integer("segments", 1_000_000);
    int runs = a.integer("runs", 2);
    String only = a.text("only", "");
    IdMap userIds = BenchLists.ids("user-", Math.max(users, customers));
    IdMap items = BenchLists.ids("item-", ITEMS);
    Files.createDirectories(work);
    Path recFile = work.resolve("rec-rows.tsv");
    Path segFile = work.resolve("segment-rows.tsv");
    int[] segment = new int[customers];
    float[] distance = new float[customers];
    for (int c = 0; c < customers; c++) {
      segment[c] = 1 + (int) ((c * 2_654_435_761L) % 8 + 8) % 8;
      distance[c] = (c % 1000) / 250f;
    }
    IdMap customerIds = sub(userIds, customers);
    try (BufferedWriter w = new BufferedWriter(Files.newBufferedWriter(segFile, StandardCharsets.UTF_8), 1 << 20)) {
      int[] order = base.sortedCustomers() ? byName(customerIds) : null;
      for (int i = 0; i < customers; i++) {
        int c = order == null ? i : order[i];
        w.write(base.segmentRow(customerIds.name(c), segment[c], distance[c]));
      }
    }
    int[] list = new int[n];
    float[] sc = new float[n];
    try (BufferedWriter w = new BufferedWriter(Files.newBufferedWriter(recFile, StandardCharsets.UTF_8), 1 << 20)) {
      for (int u = 0; u < users; u++) {
        BenchLists.fill(u, list, sc, ITEMS);
        for (int r = 0; r < n; r++) w.write(base.recRow(userIds.name(u), r + 1, items.name(list[r]), sc[r]));
      }
    }
    System.out.printf("# files: rec %d rows %.0f MB, segments %d rows %.0f MB%n", (long) users * n,
        Files.size(recFile) / 1e6, customers, Files.size(segFile) / 1e6);
    try (Store store = Store.open(db)) {
      Publisher publisher = new Publisher(store);
      long[] previous = {-1, -1};
      for (int run = 1; run <= runs; run++) {
        for (String kind : new String[] {"segments", "recommendations"}) {
          boolean seg = kind.equals("segments");
          if (seg && customers == 0 || !seg && users == 0 || !only.isEmpty() && !only.equals(kind)) continue;
          base.prepare(store, seg, run);
          base.settle(store);
          Times cli = Times.start();
          base.load(seg, run, seg ? segFile : recFile);
          String cliTimes = cli.stop();
          base.settle(store);
          Times larder = Times.start();
          BatchLoader b = publisher.begin("bench-" + kind, seg ? BatchKind.SEGMENTS : BatchKind.RECOMMENDATIONS,
              "bench", null);
          long id = b.batchId();
          if (seg) {
            b.segments().writeAssignment(new SegmentAssignment(customerIds, segment, distance, null));
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
              BenchLists.fill(u, l, s, ITEMS);
              sink.accept(u, l, s, n);
            }
          }
          b.publish(3);
          String larderTimes = larder.stop();
          System.out.printf("PUBLISH %s run=%d rows=%d client_load: %s larder_publish: %s ratio_wall=%.2f%n", kind,
              run, seg ? customers : (long) users * n, cliTimes, larderTimes, larder.wall / cli.wall);
          int slot = seg ? 0 : 1;
          base.after(store, seg, run, id, previous[slot]);
          previous[slot] = id;
        }
      }
    } finally {
      Files.deleteIfExists(recFile);
      Files.deleteIfExists(segFile);
    }
  }

  /** Runs {@code command}, its output to ours; fails when it does. */
  static void exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException(command.get(0) + " failed (exit " + p.exitValue() + ")");
  }

  /** sqlite3 .import into a new file: the table as Larder's, the segments' second index built after the rows. */
  static final class SqliteBaseline implements Baseline {
    private final Path work;

    SqliteBaseline(Path work) {
      this.work = work;
    }

    @Override public String segmentRow(String customer, int segment, float distance) {
      return "1\t" + customer + "\t" + segment + "\t" + distance + "\t\t\t\t\n";
    }

    @Override public String recRow(String user, int rank, String item, float score) {
      return "1\t" + user + "\t" + rank + "\t" + item + "\t" + score + "\n";
    }

    @Override public boolean sortedCustomers() { return true; }

    private Path file() { return work.resolve("baseline.db"); }

    @Override public void prepare(Store larder, boolean segments, int run) throws IOException {
      for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(file() + suffix));
      }
    }

    @Override public void load(boolean segments, int run, Path rows) throws Exception {
      String script = segments
          ? "CREATE TABLE t (batch_id INTEGER NOT NULL, customer_id TEXT NOT NULL, segment_id INTEGER NOT NULL,"
              + " distance REAL NOT NULL, recency_days REAL, frequency REAL, monetary REAL, rfm_score TEXT,"
              + " PRIMARY KEY (batch_id, customer_id)) WITHOUT ROWID;\n.mode tabs\n.import " + rows + " t\n"
              + "CREATE INDEX t_segment ON t (batch_id, segment_id, customer_id);\n"
          : "CREATE TABLE t (batch_id INTEGER NOT NULL, user_id TEXT NOT NULL, rank INTEGER NOT NULL,"
              + " item_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (batch_id, user_id, rank)) WITHOUT ROWID;\n"
              + ".mode tabs\n.import " + rows + " t\n";
      Path sql = work.resolve("baseline.sql");
      Files.writeString(sql, script);
      Process p = new ProcessBuilder("sqlite3", file().toString()).redirectInput(sql.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      if (p.waitFor() != 0) throw new IllegalStateException("sqlite3 failed");
    }

    @Override public void after(Store larder, boolean segments, int run, long batch, long previous) {
      // Larder keeps the previous batch in its file (as a store does); older ones go, untimed
      if (previous >= 0) larder.dropRows(previous);
    }
  }

  /** psql: CREATE TABLE, \copy, then the primary key and the other index. */
  static final class PostgresBaseline implements Baseline {
    private final String database;

    PostgresBaseline(String database) {
      this.database = database;
    }

    @Override public String segmentRow(String customer, int segment, float distance) {
      return "1\t" + customer + "\t" + segment + "\t" + distance + "\t\\N\t\\N\t\\N\t\\N\n";
    }

    @Override public String recRow(String user, int rank, String item, float score) {
      return "1\t" + user + "\t" + rank + "\t" + item + "\t" + score + "\n";
    }

    private static String table(boolean segments, int run) {
      return (segments ? "base_segment_rows_" : "base_rec_rows_") + run;
    }

    private List<String> psql(String... commands) {
      List<String> c = new ArrayList<>(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-q",
          "-v", "ON_ERROR_STOP=1"));
      for (String s : commands) {
        c.add("-c");
        c.add(s);
      }
      return c;
    }

    @Override public void prepare(Store larder, boolean segments, int run) throws Exception {
      exec(psql("DROP TABLE IF EXISTS " + table(segments, run)));
    }

    /**
     * A checkpoint: each 10M-row load writes more WAL than max_wal_size (1 GB here), so otherwise one side's
     * checkpoint flushes its dirty pages under the other side's timing.
     */
    @Override public void settle(Store larder) throws Exception {
      try (var c = larder.connection()) {
        Store.execute(c, "CHECKPOINT");
      }
    }

    @Override public void load(boolean segments, int run, Path rows) throws Exception {
      String t = table(segments, run);
      // Larder's own table's columns, types, collations and NOT NULLs (its keys are built after the rows, below).
      // Without autovacuum: its vacuum of 10M rows not written frozen would otherwise run under the next timings
      // (Larder's partitions are written frozen and analysed, so they leave none behind)
      String shape = "(LIKE " + (segments ? "larder_segment_rows" : "larder_rec_rows") + ")"
          + " WITH (autovacuum_enabled = false)";
      String key = segments ? "batch_id, customer_id" : "batch_id, user_id, rank";
      // \timing: each step's time printed ("Time: ..."), to set beside Larder's phases
      List<String> c = new ArrayList<>(List.of("\\timing on", "CREATE TABLE " + t + " " + shape,
          "\\copy " + t + " FROM '" + rows + "'", "ALTER TABLE " + t + " ADD PRIMARY KEY (" + key + ")"));
      if (segments) c.add("CREATE INDEX ON " + t + " (batch_id, segment_id, customer_id)");
      exec(psql(c.toArray(String[]::new)));
    }

    @Override public void after(Store larder, boolean segments, int run, long batch, long previous) throws Exception {
      // both sides keep one previous load; older ones go, untimed
      exec(psql("DROP TABLE IF EXISTS " + table(segments, run - 1)));
      if (previous >= 0) larder.dropRows(previous);
    }
  }

  /**
   * The mariadb client's LOAD DATA LOCAL INFILE into a table LIKE Larder's. Both sides keep their previous run's rows
   * in their table during the next load; rows two runs old are deleted after the timing and InnoDB's purge of them
   * waited out before the next one.
   */
  static final class MariaDbBaseline implements Baseline {
    private final String database;

    MariaDbBaseline(String url) {
      this.database = url.replaceAll("jdbc:mariadb://[^/]*/([^?]*).*", "$1");
    }

    @Override public String segmentRow(String customer, int segment, float distance) {
      return customer + "\t" + segment + "\t" + Double.toString(distance) + "\t\\N\t\\N\t\\N\t\\N\n";
    }

    @Override public String recRow(String user, int rank, String item, float score) {
      return user + "\t" + rank + "\t" + item + "\t" + Double.toString(score) + "\n";
    }

    private static String table(boolean segments) {
      return segments ? "bench_segment_rows" : "bench_rec_rows";
    }

    @Override public void prepare(Store larder, boolean segments, int run) throws Exception {
      if (run == 1) {
        Store.execute(larder.connection(), "DROP TABLE IF EXISTS " + table(segments),
            "CREATE TABLE " + table(segments) + " LIKE " + (segments ? "larder_segment_rows" : "larder_rec_rows"));
      }
    }

    @Override public void load(boolean segments, int run, Path rows) throws Exception {
      String cols = segments ? "(customer_id, segment_id, distance, recency_days, frequency, monetary, rfm_score)"
          : "(user_id, `rank`, item_id, score)";
      exec(List.of("mariadb", "--local-infile=1", "-h", "127.0.0.1", "-u", "root", database, "-e",
          "LOAD DATA LOCAL INFILE '" + rows + "' INTO TABLE " + table(segments) + " CHARACTER SET utf8mb4 " + cols
              + " SET batch_id = " + run));
    }

    @Override public void after(Store larder, boolean segments, int run, long batch, long previous) throws Exception {
      if (previous < 0) return;
      larder.dropRows(previous);
      Store.execute(larder.connection(), "DELETE FROM " + table(segments) + " WHERE batch_id < " + run);
      awaitPurge(larder);
    }

    /** Waits (at most 10 minutes) until InnoDB's history list is short: its purge not running under a timing. */
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
  }

  static IdMap sub(IdMap ids, int size) {
    if (ids.size() == size) return ids;
    IdMap m = new IdMap(size);
    for (int i = 0; i < size; i++) m.intern(ids.name(i));
    return m;
  }

  /** Dense ids in the order of their names (the order Larder loads a segments batch into SQLite). */
  private static int[] byName(IdMap ids) {
    String[] names = new String[ids.size()];
    for (int i = 0; i < names.length; i++) names[i] = ids.name(i);
    java.util.Arrays.sort(names);
    int[] order = new int[names.length];
    for (int i = 0; i < names.length; i++) order[i] = ids.idOf(names[i]);
    return order;
  }

  /** Wall time, this process's CPU time and the load average of one timed step. */
  static final class Times {
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

  private PublishBench() {}
}
