package larder.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recommend", description = "Print a user's current recommendations (the job's fallback list for an unknown user).")
final class RecommendCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", required = true, description = "The job whose batch to read.")
  String job;

  @Option(names = "--user", required = true, description = "The user id, as in the input data.")
  String user;

  @Option(names = {"-n", "--limit"}, defaultValue = "10", description = "At most this many items (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store s = Store.open(store.resolve())) {
      var r = new PredictionReader(s).recommend(job, user, limit);
      switch (format) {
        case json -> System.out.println(Json.write(r));
        case csv -> {
          System.out.println("rank,item_id,score");
          for (var e : r.items()) System.out.printf(Locale.ROOT, "%d,%s,%s%n", e.rank(), Csv.quote(e.itemId()), e.score());
        }
        case table -> {
          System.out.printf("job %s, user %s: %s list from batch %d (published %s, %s ago)%n", r.job(), r.userId(),
              r.source(), r.batchId(), r.publishedAt(), Durations.human(r.age()));
          for (var e : r.items()) System.out.printf(Locale.ROOT, "%4d  %-24s %10.4f%n", e.rank(), e.itemId(), e.score());
        }
      }
    }
    return 0;
  }
}
