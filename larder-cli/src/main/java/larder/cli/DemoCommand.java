package larder.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.LarderConfig;
import larder.serve.PredictionReader;
import larder.serve.SegmentReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", description = {
    "Run the whole pipeline on a generated shop and print sample results.",
    "Generates a synthetic shop, runs k-means and RFM segments, and ALS (evaluated behind a quality gate, with",
    "segment-aware fallback) and item-kNN recommendations into the store, then prints sample results, refreshes",
    "the lists of the users with new purchases (a known user and a newcomer), and prints the SQL and commands an",
    "application would use."})
final class DemoCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--dir", defaultValue = "larder-demo", description = "Folder for the generated data and config (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--users", defaultValue = "20000", description = "Users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--items", defaultValue = "3000", description = "Items (default ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--interactions", defaultValue = "500000", description = "Events (default ${DEFAULT-VALUE}).")
  long interactions;

  @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    Store.open(store.resolve()).close(); // a store that cannot be opened fails before minutes of generating and training
    Files.createDirectories(dir);
    Path events = dir.resolve("interactions.csv.gz");
    Path catalogue = dir.resolve("items.csv");
    Path config = dir.resolve("larder.yaml");
    Path recent = dir.resolve("recent.csv");
    System.out.printf("1. generating a shop: %,d users, %,d items, %,d purchases -> %s%n", users, items, interactions, events);
    SyntheticShop shop = new SyntheticShop(ShopParams.of(users, items, interactions, seed));
    shop.writeCsv(events, new ConsoleProgress(System.err, quiet));
    shop.writeItemsCsv(catalogue);
    Files.writeString(recent, RECENT_HEADER); // the purchases after the run; step 4 writes some
    Files.writeString(config, CONFIG);
    String db = store.resolve();
    System.out.printf("2. running the jobs in %s into %s%n", config, db);
    LarderConfig cfg = LarderConfig.load(config);
    RunCommand.runJobs(cfg, cfg.select(null), db, quiet, false);

    Map<String, String> names = itemNames(catalogue);
    String shownItem = "i1";
    try (Store s = Store.open(db)) {
      PredictionReader reader = new PredictionReader(s);
      String user = "u1";
      var recs = reader.recommend("shop-als", user, 5);
      System.out.printf("%n3. user %s's top 5 from job shop-als (batch %d):%n", user, recs.batchId());
      for (var e : recs.items()) {
        System.out.printf("   %d. %-8s %-40s %.3f%n", e.rank(), e.itemId(), names.getOrDefault(e.itemId(), ""), e.score());
      }
      if (!recs.items().isEmpty()) {
        String item = recs.items().get(0).itemId();
        shownItem = item;
        var similar = reader.similarItems("shop-als", item, 5);
        System.out.printf("%n   items similar to %s (%s):%n", item, names.getOrDefault(item, ""));
        for (var e : similar.items()) {
          System.out.printf("   %d. %-8s %-40s %.3f%n", e.rank(), e.itemId(), names.getOrDefault(e.itemId(), ""), e.score());
        }
      }
      SegmentReader segments = new SegmentReader(s);
      var kmeans = segments.segmentOf("shop-segments", user);
      var rfm = segments.segmentOf("shop-rfm", user);
      System.out.printf(Locale.ROOT, "%n   customer %s is in segment %d \"%s\" of shop-segments (k-means)"
          + " and \"%s\" of shop-rfm (RFM score %s)%n", user, kmeans.segmentId(), kmeans.segmentLabel(), rfm.segmentLabel(),
          rfm.rfmScore());
    }
    refresh(cfg, db, recent, names);
    System.out.printf("""

        5. query them from any application (the views always show each job's current batch):
           sqlite3 %1$s "SELECT rank, item_id, score FROM larder_recommendations WHERE job = 'shop-als' AND user_id = 'u1' ORDER BY rank"
           sqlite3 %1$s "SELECT batch_id, job, model, status, rec_rows, published_at FROM larder_batches"
           sqlite3 %1$s "SELECT segment_id, segment_label, size, share FROM larder_segment_profiles WHERE job = 'shop-segments' ORDER BY segment_id"
           sqlite3 %1$s "SELECT segment_id, segment_label FROM larder_segments WHERE job = 'shop-rfm' AND customer_id = 'u1'"
           ./larder recommend --job shop-als --user u1
           ./larder segment --job shop-segments --customer u1
           ./larder segment profiles --job shop-rfm
           ./larder segment members --job shop-segments --segment 1 -o segment-1.csv
           ./larder similar --job shop-als --item %2$s
           ./larder serve --config larder-demo/larder.yaml   # dashboard: http://localhost:8080/
           #   and the API: curl localhost:8080/v1/recommendations/shop-als/u1
           ./larder schedule larder-demo/larder.yaml --serve   # nightly runs at the config's schedule: times
           ./larder export --job shop-als -o shop-als.csv   # every list, for systems that take files
           ./larder status --config larder-demo/larder.yaml  # age, headline metric, next run of each job
           ./larder batches
           ./larder run larder-demo/larder.yaml --refresh --job shop-als   # after adding rows to larder-demo/recent.csv
           ./larder rollback --job shop-als
        """, db, shownItem);
    return 0;
  }

  /**
   * Step 4: purchases after the run (user u1 buys their top item, a newcomer buys three), then a refresh that
   * re-scores just those two users with the kept model, and their lists again.
   */
  private void refresh(LarderConfig cfg, String db, Path recent, Map<String, String> names) throws IOException {
    String newcomer = "newcomer";
    List<String> before;
    java.time.Instant after;
    try (Store s = Store.open(db)) {
      PredictionReader reader = new PredictionReader(s);
      before = reader.recommend("shop-als", "u1", 3).items().stream().map(e -> e.itemId()).toList();
      after = reader.current("shop-als").orElseThrow().dataUntil();
    }
    if (before.isEmpty() || after == null) return;
    java.time.Instant t = after.plusSeconds(60);
    StringBuilder rows = new StringBuilder(RECENT_HEADER);
    rows.append(String.format("u1,%s,%s,1,9.99,900001%n", before.get(0), t));
    for (int i = 0; i < 3; i++) rows.append(String.format("%s,i%d,%s,1,9.99,900002%n", newcomer, 10 + i, t.plusSeconds(i + 1)));
    Files.writeString(recent, rows);
    System.out.printf("%n4. u1 buys %s and a newcomer buys i10, i11, i12 after the run (%s); refreshing only them:%n",
        before.get(0), recent);
    List<larder.jobs.config.RecommendationsJob> jobs = RunCommand.refreshSelection(cfg, List.of("shop-als"));
    RunCommand.refreshJobs(cfg, jobs, db, quiet);
    try (Store s = Store.open(db)) {
      PredictionReader reader = new PredictionReader(s);
      for (String user : List.of("u1", newcomer)) {
        var recs = reader.recommend("shop-als", user, 3);
        System.out.printf("   %s's top 3 now (%s list from batch %d):%n", user, recs.source(), recs.batchId());
        for (var e : recs.items()) {
          System.out.printf("   %d. %-8s %-40s %.3f%n", e.rank(), e.itemId(), names.getOrDefault(e.itemId(), ""), e.score());
        }
      }
    }
  }

  /** The columns of the generated purchases, which the refresh source shares. */
  static final String RECENT_HEADER = "user_id,item_id,timestamp,quantity,amount,order_id\n";

  private static Map<String, String> itemNames(Path catalogue) {
    Map<String, String> names = new HashMap<>();
    try {
      List<String> lines = Files.readAllLines(catalogue);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", 3);
        if (f.length >= 2) names.put(f[0], f[1].replace("\"", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  static final String CONFIG = """
      # Larder demo config: customer segments and two recommendation jobs over the same synthetic purchases.
      # `larder run` runs every job now; `larder schedule` runs them at their schedule: times (UTC).
      jobs:
        shop-segments:
          type: segments
          source:
            file: interactions.csv.gz
            columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id }
          method: kmeans
          kmeans: { k: auto, k_min: 3, k_max: 6 }
          schedule: "0 2 * * *"
        shop-rfm:
          type: segments
          source:
            file: interactions.csv.gz
            columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id }
          method: rfm
        shop-als:
          source:
            file: interactions.csv.gz
            columns: { user: user_id, item: item_id, weight: quantity, timestamp: timestamp }
          model:
            type: als
          top_n: 10
          similar_items: 10
          evaluate: { holdout: 0.2, k: 10, gate: { min_lift: 1.2 } }   # publish only if 1.2x better than popularity
          segment_fallback: shop-segments
          schedule: "0 3 * * *"
          refresh:                     # larder run --refresh: only the users with purchases after the batch
            source: { file: recent.csv, columns: { user: user_id, item: item_id, weight: quantity, timestamp: timestamp } }
            schedule: "*/15 * * * *"
        shop-itemknn:
          source:
            file: interactions.csv.gz
            columns: { user: user_id, item: item_id, weight: quantity }
          model:
            type: itemknn
          top_n: 10
          similar_items: 10
      """;
}
