package larder.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.DurationText;
import larder.serve.JobOverview;
import larder.serve.JobStatus;
import larder.serve.PredictionReader;
import larder.serve.StatusJson;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {"Each job's current batch, its age, size and key metrics, the refresh serving"
    + " with it and its age, and whether its latest run failed.",
    "Exits 1 when a job needs attention: it never published, its latest run failed (its previous batch still serves),"
    + " or it was last published or refreshed longer than --max-age ago; so cron or monitoring can alert on it.",
    "With --config, also each scheduled job's next run, and the config's jobs that have no batch at all."})
final class StatusCommand implements Callable<Integer> {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");
  private static final DateTimeFormatter UTC_MINUTE = MINUTE.withZone(ZoneId.of("UTC"));

  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Option(names = "--max-age", paramLabel = "DURATION", description = "Allowed age, e.g. 26h, 90m, 2d (default: no limit).")
  String maxAge;

  @Option(names = "--config", paramLabel = "CONFIG", description = "Also show each scheduled job's next run, and the"
      + " config's jobs that never ran, from this config.")
  Path config;

  @Option(names = "--format", defaultValue = "table", description = "table, or json: one object, GET /v1/status's"
      + " answer, exiting 1 where it answers 503 (next runs and never-run jobs are in the table only)"
      + " (default ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ConfigJobs jobs = ConfigJobs.of(config);
    Duration limit = maxAge == null ? null : DurationText.parse("--max-age", maxAge);
    if (format == OutputFormat.csv) {
      throw new larder.core.ConfigException("--format", "csv", "status prints a table or json", "use --format json");
    }
    if (format == OutputFormat.json) {
      StatusJson status;
      try (Store s = Store.openExisting(store.resolve(jobs.store()))) {
        status = StatusJson.of(new PredictionReader(s).jobStatuses(), limit, java.time.Instant.now());
      }
      out.println(Json.write(status.body()));
      out.flush();
      return status.healthy() ? 0 : 1;
    }
    JobOverview.Report report;
    try (Store s = Store.openExisting(store.resolve(jobs.store()))) {
      report = new JobOverview(s, Clock.systemUTC()).read(limit, jobs.schedules());
    }
    if (report.size() == 0) {
      out.println("no jobs have run yet; run one with 'larder run CONFIG'");
      out.flush();
      return 0;
    }
    out.printf("%-20s %6s %-10s %12s %10s  %-20s  %-16s  %-34s%s%n", "job", "batch", "model", "rows", "age",
        "refreshed by", "state", "metrics", config == null ? "" : "  next run");
    List<String> problems = new ArrayList<>();
    for (JobOverview.Job j : report.jobs()) {
      BatchInfo cur = j.serving();
      String next = config == null ? "" : nextRun(j.nextRun(), j.inConfig());
      if (cur == null) {
        out.printf(Locale.ROOT, "%-20s %6s %-10s %12s %10s  %-20s  %-16s  %-34s%s%n", j.job(), "-", "-", "-", "-",
            "-", j.state(), "", next);
      } else {
        out.printf(Locale.ROOT, "%-20s %6d %-10s %,12d %10s  %-20s  %-16s  %-34s%s%n", j.job(), cur.id(), cur.model(),
            cur.rows(), Durations.human(j.age()), refreshed(j), j.state(), j.headline().text(), next);
      }
      problems.addAll(problems(j));
    }
    for (JobOverview.NeverRun n : report.neverRun()) {
      out.printf(Locale.ROOT, "%-20s %6s %-10s %12s %10s  %-20s  %-16s  %-34s%s%n", n.job(), "-", "-", "-", "-", "-",
          "NEVER RUN", "", nextRun(n.nextRun(), true));
      problems.add(n.job() + ": never ran: it is in " + config + " but has no batch in the store");
    }
    if (!problems.isEmpty()) {
      out.println();
      problems.forEach(out::println);
      out.printf("%d of %d jobs need attention%n", report.needingAttention(), report.size());
    }
    out.flush();
    return problems.isEmpty() ? 0 : 1;
  }

  /** One line per thing wrong with a job, naming the batch and why. */
  private List<String> problems(JobOverview.Job row) {
    JobStatus j = row.status();
    List<String> out = new ArrayList<>();
    BatchInfo f = j.failure();
    if (j.neverPublished()) {
      if (f != null) {
        out.add(j.job() + ": never published: its latest run, batch " + f.id() + " (" + when(f) + "), failed: "
            + f.message());
      } else if (j.running() != null) {
        out.add(j.job() + ": never published: its first batch, " + j.running().id() + ", is being written since "
            + when(j.running()));
      }
      return out;
    }
    if (f != null) {
      out.add(j.job() + ": latest " + (f.isRefresh() ? "refresh" : "run") + " failed: batch " + f.id() + " (" + when(f)
          + "): " + f.message() + "; " + serving(row) + " keeps serving");
    }
    if (row.stale()) {
      out.add(j.job() + ": stale: batch " + j.serving().id() + " was published " + Durations.human(row.age()) + " ago"
          + (row.refresh() == null ? "" : " and last refreshed by batch " + row.refresh().id() + " "
              + Durations.human(row.refreshAge()) + " ago")
          + ", more than --max-age " + maxAge);
    }
    return out;
  }

  /** The current refresh and its age, as "15 (4 min ago)", or "-" when the base serves alone. */
  private static String refreshed(JobOverview.Job j) {
    return j.refresh() == null ? "-" : j.refresh().id() + " (" + Durations.human(j.refreshAge()) + " ago)";
  }

  /** What serves: "batch 12 (3.0 h old), refreshed by 15 (4 min ago)" or "batch 12". */
  private static String serving(JobOverview.Job j) {
    if (j.refresh() == null) return "batch " + j.serving().id();
    return "batch " + j.serving().id() + " (" + Durations.human(j.age()) + " old), refreshed by " + j.refresh().id()
        + " (" + Durations.human(j.refreshAge()) + " ago),";
  }

  private static String when(BatchInfo b) {
    return UTC_MINUTE.format(b.createdAt());
  }

  private static String nextRun(ZonedDateTime next, boolean inConfig) {
    if (next != null) return "  " + next.truncatedTo(ChronoUnit.MINUTES).format(MINUTE);
    return inConfig ? "  (not scheduled)" : "  (not in config)";
  }
}
