package larder.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import larder.core.IdMap;
import larder.store.PartWriter;
import larder.store.PartitionedLoad;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;

/**
 * One part's load ({@link PartWriter}: ledger row, COPY of ranked lists, count, commit) timed on its own, and
 * the same rows written as a COPY text file for {@code psql \copy} to load into a bare table of the same shape
 * (bench/part-load.sh runs both and prints the ratio).
 * <pre>
 *   part-load --db URL --users 200000 --n 10 --items 20000 --runs 3 --tsv rows.tsv
 * </pre>
 * Prints {@code PART rows=R seconds=S rows_per_s=X} per run.
 */
public final class PartLoadBench {
  public static void main(String[] argv) throws IOException {
    Args a = new Args(argv);
    String db = a.text("db", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    int users = a.integer("users", 200_000);
    int n = a.integer("n", 10);
    int itemCount = a.integer("items", 20_000);
    BenchLists generated = BenchLists.of(users, n, itemCount);
    IdMap userIds = generated.userIds();
    IdMap items = generated.items();
    int[][] lists = generated.lists();
    float[][] scores = generated.scores();
    String tsv = a.text("tsv", "");
    if (!tsv.isEmpty()) writeTsv(Path.of(tsv), userIds, items, lists, scores);
    try (Store store = Store.open(db)) {
      for (int run = 0; run < a.integer("runs", 3); run++) {
        long batch = newBatch(store);
        PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 1);
        long t0 = System.nanoTime();
        PartWriter.Result r = PartWriter.load(db, batch, RowTable.RECOMMENDATIONS, 0, "bench-" + run, sink -> {
          for (int u = 0; u < users; u++) {
            sink.addList(RowTable.RECOMMENDATIONS, userIds.name(u), lists[u], scores[u], n, items);
          }
        });
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PART rows=%d seconds=%.3f rows_per_s=%.0f%n", r.rows(), s, r.rows() / s);
        load.abort();
      }
    }
  }

  /** The rows the part writes, as COPY text for psql (batch, user, rank, item, score; the part sends them binary). */
  private static void writeTsv(Path file, IdMap users, IdMap items, int[][] lists, float[][] scores) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int u = 0; u < lists.length; u++) {
        for (int r = 0; r < lists[u].length; r++) {
          w.write("0\t" + users.name(u) + "\t" + (r + 1) + "\t" + items.name(lists[u][r]) + "\t" + scores[u][r] + "\n");
        }
      }
    }
  }

  private static long newBatch(Store store) {
    return store.write("record a benchmark batch", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_batch (job, kind, model, created_at, status)"
          + " VALUES ('bench-parts', 'recommendations', 'bench', ?, 'staging') RETURNING batch_id")) {
        store.dialect().setInstant(ps, 1, Schema.now());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }
}
