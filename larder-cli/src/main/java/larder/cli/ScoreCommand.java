package larder.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import larder.core.CsvFields;
import larder.serve.ScoreReader;
import larder.serve.ScoresCsv;
import larder.serve.ScoredEntity;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code larder score}: an entity's imported score; subcommands for the top entities and a full export. */
@Command(name = "score", description = {"Print an entity's score in an import job of kind scores.",
    "Subcommands list the highest scores and export them all."},
    subcommands = {ScoreCommand.Top.class, ScoreCommand.Export.class})
final class ScoreCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  // Not "required": picocli would then demand them before a subcommand too; call() checks them instead.
  @Option(names = "--job", description = "The scores job whose current batch to read.")
  String job;

  @Option(names = "--entity", description = "The entity id, as in the imported file.")
  String entity;

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (job == null || entity == null) {
      throw new ParameterException(spec.commandLine(), "give --job and --entity to look up a score, or a subcommand: top, export");
    }
    try (Store s = Store.openExisting(store.resolve())) {
      var e = new ScoreReader(s).scoreOf(job, entity);
      switch (format) {
        case json -> System.out.println(Json.write(e));
        case csv -> {
          System.out.println("job,entity_id,score,label,batch_id");
          System.out.println(String.join(",", CsvFields.quote(e.job()), CsvFields.quote(e.entityId()),
              String.valueOf(e.score()), CsvFields.quote(e.label()), String.valueOf(e.batchId())));
        }
        case table -> {
          System.out.printf("job %s, entity %s: batch %d (%s ago)%n", e.job(), e.entityId(), e.batchId(), Durations.human(e.age()));
          System.out.printf(Locale.ROOT, "  score  %s%n", e.score());
          if (e.label() != null) System.out.printf("  label  %s%n", e.label());
        }
      }
    }
    return 0;
  }

  @Command(name = "top", description = "The entities with the highest scores (optionally of one label).")
  static final class Top implements Callable<Integer> {
    @Mixin StoreOption store;

    @Option(names = "--job", required = true, description = "The scores job.")
    String job;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--label", description = "Only entities with this label.")
    String label;

    @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
    OutputFormat format;

    @Override
    public Integer call() {
      try (Store s = Store.openExisting(store.resolve())) {
        var page = new ScoreReader(s).top(job, limit, label);
        switch (format) {
          case json -> System.out.println(Json.write(page));
          case csv -> {
            System.out.println("rank,entity_id,score,label");
            int rank = 0;
            for (ScoredEntity x : page.entities()) {
              System.out.println(++rank + "," + CsvFields.quote(x.entityId()) + "," + x.score() + "," + CsvFields.quote(x.label()));
            }
          }
          case table -> {
            System.out.printf("job %s: top %d%s from batch %d (%s ago)%n", job, page.entities().size(),
                label == null ? "" : " with label '" + label + "'", page.batchId(), Durations.human(page.age()));
            int rank = 0;
            for (ScoredEntity x : page.entities()) {
              System.out.printf(Locale.ROOT, "  %3d. %-24s %12.6g  %s%n", ++rank, x.entityId(), x.score(),
                  x.label() == null ? "" : x.label());
            }
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "export", description = "Every entity's score as CSV (entity_id, score, label), streamed in entity id order.")
  static final class Export implements Callable<Integer> {
    @Mixin StoreOption store;

    @Option(names = "--job", required = true, description = "The scores job.")
    String job;

    @Option(names = {"-o", "--out"}, description = "Write to this file instead of standard output.")
    Path out;

    @Override
    public Integer call() throws IOException {
      try (Store s = Store.openExisting(store.resolve());
          Writer w = CsvOut.open(out)) {
        long n = new ScoreReader(s).forEachScore(job, new ScoresCsv(w));
        w.flush();
        if (out != null) System.err.printf("wrote %,d scores of job %s to %s%n", n, job, out);
      }
      return 0;
    }
  }
}
