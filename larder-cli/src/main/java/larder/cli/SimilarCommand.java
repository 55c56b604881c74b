package larder.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "similar", description = "Print the items most similar to an item, from the job's current batch.")
final class SimilarCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", required = true, description = "The job whose batch to read.")
  String job;

  @Option(names = "--item", required = true, description = "The item id, as in the input data.")
  String item;

  @Option(names = {"-n", "--limit"}, defaultValue = "10", description = "At most this many items (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store s = Store.open(store.resolve())) {
      var r = new PredictionReader(s).similarItems(job, item, limit);
      switch (format) {
        case json -> System.out.println(Json.write(r));
        case csv -> {
          System.out.println("rank,similar_item_id,score");
          for (var e : r.items()) System.out.printf(Locale.ROOT, "%d,%s,%s%n", e.rank(), Csv.quote(e.itemId()), e.score());
        }
        case table -> {
          System.out.printf("job %s, items similar to %s, from batch %d (%s ago)%n", job, item, r.batchId(), Durations.human(r.age()));
          for (var e : r.items()) System.out.printf(Locale.ROOT, "%4d  %-24s %10.4f%n", e.rank(), e.itemId(), e.score());
        }
      }
    }
    return 0;
  }
}
