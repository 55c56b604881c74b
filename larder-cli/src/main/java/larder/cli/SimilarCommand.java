package larder.cli;

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

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store s = Store.openExisting(store.resolve())) {
      var r = new PredictionReader(s).similarItems(job, item, limit);
      RankedListPrinter.print(format, r, "similar_item_id", String.format("job %s, items similar to %s, from batch %d (%s ago)",
          job, item, r.batchId(), Durations.human(r.age())), r.items());
    }
    return 0;
  }
}
