package larder.cli;

import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.publish.Publisher;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", description = "Point a job back at an earlier kept batch, atomically (readers see one or the other).")
final class RollbackCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", required = true, description = "The job to roll back.")
  String job;

  @Option(names = "--to", paramLabel = "BATCH", description = "The batch id to serve (see 'larder batches'). Default: the one before the current.")
  Long to;

  @Override
  public Integer call() {
    if (to != null && to < 1) {
      // Checked here, before the store: batch ids start at 1, and a negative one must never mean "steps back".
      throw new ConfigException("--to", to, "is not a batch id: ids are whole numbers from 1",
          "see the job's kept batches with 'larder batches --job " + job + "'; without --to, the one before the current");
    }
    try (Store s = Store.openExisting(store.resolve())) {
      Publisher p = new Publisher(s);
      // recorded in the rollback audit as the OS user running the command
      BatchInfo now = p.rollback(job, to == null ? -1 : to, Publisher.osUser());
      System.out.printf("job %s now serves batch %d (%s, created %s)%n", job, now.id(), now.model(), now.createdAt());
    }
    return 0;
  }
}
