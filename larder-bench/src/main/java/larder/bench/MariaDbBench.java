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
import larder.core.IdMap;
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
 * ({@link PredictionReader}), interleaved in rounds. With {@code publish} first, {@link PublishBench} against the
 * client's LOAD DATA.
 * <pre>
 *   mariadb-bench --db jdbc:mariadb://127.0.0.1:3306/bench?user=root --users 100000 --n 10 --runs 2 --lookups 20000
 * </pre>
 */
public final class MariaDbBench {
  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    if (argv.length > 0 && argv[0].equals("publish")) {
      String db = a.text("db", "jdbc:mariadb://127.0.0.1:3306/larder_bench?user=root");
      PublishBench.run(a, new PublishBench.MariaDbBaseline(db), Files.createTempDirectory("larder-publish-"));
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
