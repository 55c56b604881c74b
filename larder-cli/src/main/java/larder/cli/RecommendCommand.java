package larder.cli;

import java.util.concurrent.Callable;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recommend", description = {"Print a user's current recommendations.",
    "A user the batch has no list for gets their segment's list when the job has segment fallback and they are",
    "in a segment, else the job's fallback list."})
final class RecommendCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", required = true, description = "The job whose batch to read.")
  String job;

  @Option(names = "--user", required = true, description = "The user id, as in the input data.")
  String user;

  @Option(names = {"-n", "--limit"}, defaultValue = "10", description = "At most this many items (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store s = Store.openExisting(store.resolve())) {
      var r = new PredictionReader(s).recommend(job, user, limit);
      String source = r.segmentId() == null ? r.source()
          : "segment " + r.segmentId() + (r.segmentLabel() == null ? "" : " (" + r.segmentLabel() + ")") + " fallback";
      RankedListPrinter.print(format, r, "item_id", String.format("job %s, user %s: %s list from batch %d (published %s, %s ago)",
          r.job(), r.userId(), source, r.batchId(), r.publishedAt(), Durations.human(r.age())), r.items());
    }
    return 0;
  }
}
