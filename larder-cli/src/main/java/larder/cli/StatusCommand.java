package larder.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.BatchMetrics;
import larder.core.DurationText;
import larder.jobs.config.LarderConfig;
import larder.serve.JobStatus;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {"Each job's current batch, its age, size and key metrics, and whether its"
    + " latest run failed.",
    "Exits 1 when a job needs attention: it never published, its latest run failed (its previous batch still serves),"
    + " or its batch is older than --max-age; so cron or monitoring can alert on it.",
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, ZonedDateTime> nextRun = new HashMap<>();
    List<String> configured = List.of();
    String fromConfig = null;
    if (config != null) {
      LarderConfig cfg = LarderConfig.load(config);
      fromConfig = cfg.store();
      configured = List.copyOf(cfg.jobs().keySet());
      cfg.schedules().forEach((job, sch) -> sch.next(ZonedDateTime.now(sch.zone())).ifPresent(t -> nextRun.put(job, t)));
    }
    Duration limit = maxAge == null ? null : DurationText.parse("--max-age", maxAge);
    List<JobStatus> jobs;
    try (Store s = Store.openExisting(store.resolve(fromConfig))) {
      jobs = new PredictionReader(s).jobStatuses();
    }
    List<String> neverRun = new ArrayList<>(configured);
    for (JobStatus j : jobs) neverRun.remove(j.job());
    if (jobs.isEmpty() && neverRun.isEmpty()) {
      out.println("no jobs have run yet; run one with 'larder run CONFIG'");
      out.flush();
      return 0;
    }
    Instant now = Instant.now();
    out.printf("%-20s %6s %-10s %12s %10s  %-16s  %-34s%s%n", "job", "batch", "model", "rows", "age", "state",
        "metrics", config == null ? "" : "  next run");
    List<String> problems = new ArrayList<>();
    for (JobStatus j : jobs) {
      BatchInfo cur = j.serving();
      String next = config == null ? "" : nextRun(nextRun.get(j.job()), configured.contains(j.job()));
      if (cur == null) {
        out.printf(Locale.ROOT, "%-20s %6s %-10s %12s %10s  %-16s  %-34s%s%n", j.job(), "-", "-", "-", "-",
            "NEVER PUBLISHED", "", next);
      } else {
        String state = state(j, limit, now);
        out.printf(Locale.ROOT, "%-20s %6d %-10s %,12d %10s  %-16s  %-34s%s%n", j.job(), cur.id(), cur.model(), cur.rows(),
            Durations.human(Duration.between(cur.publishedAt(), now)), state, headline(cur), next);
      }
      problems.addAll(problems(j, limit, now));
    }
    for (String job : neverRun) {
      out.printf(Locale.ROOT, "%-20s %6s %-10s %12s %10s  %-16s  %-34s%s%n", job, "-", "-", "-", "-", "NEVER RUN", "",
          nextRun(nextRun.get(job), true));
      problems.add(job + ": never ran: it is in " + config + " but has no batch in the store");
    }
    if (!problems.isEmpty()) {
      out.println();
      problems.forEach(out::println);
      long jobsWithProblems = jobs.stream().filter(j -> !j.healthy(limit, now)).count() + neverRun.size();
      out.printf("%d of %d jobs need attention%n", jobsWithProblems, jobs.size() + neverRun.size());
    }
    out.flush();
    return problems.isEmpty() ? 0 : 1;
  }

  /** The state column of a job that serves a batch: ok, or what is wrong. */
  private String state(JobStatus j, Duration limit, Instant now) {
    List<String> wrong = new ArrayList<>();
    if (j.failure() != null) wrong.add("FAILED");
    if (j.stale(limit, now)) wrong.add("STALE");
    return wrong.isEmpty() ? "ok" : String.join(", ", wrong);
  }

  /** One line per thing wrong with a job, naming the batch and why. */
  private List<String> problems(JobStatus j, Duration limit, Instant now) {
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
      out.add(j.job() + ": latest run failed: batch " + f.id() + " (" + when(f) + "): " + f.message() + "; batch "
          + j.serving().id() + " keeps serving");
    }
    if (j.stale(limit, now)) {
      out.add(j.job() + ": stale: batch " + j.serving().id() + " was published "
          + Durations.human(Duration.between(j.serving().publishedAt(), now)) + " ago, more than --max-age " + maxAge);
    }
    return out;
  }

  private static String when(BatchInfo b) {
    return UTC_MINUTE.format(b.createdAt());
  }

  private static String nextRun(ZonedDateTime next, boolean inConfig) {
    if (next != null) return "  " + next.truncatedTo(ChronoUnit.MINUTES).format(MINUTE);
    return inConfig ? "  (not scheduled)" : "  (not in config)";
  }

  /** The one figure that says most about a batch: its evaluation, its segments' stability, its scores. */
  static String headline(BatchInfo b) {
    BatchMetrics m = b.metrics();
    if (m.ndcg().isPresent() && m.popularityNdcg().isPresent()) {
      double model = m.ndcg().getAsDouble(), base = m.popularityNdcg().getAsDouble();
      return String.format(Locale.ROOT, "ndcg@%d %.3f (%.2fx popularity)", m.k().orElse(0), model,
          base > 0 ? model / base : Double.NaN);
    }
    if (m.segments().isPresent()) {
      int segments = (int) m.segments().getAsLong();
      return m.stayedShare().isPresent()
          ? String.format(Locale.ROOT, "%d segments, %.1f%% kept their id", segments, m.stayedShare().getAsDouble() * 100)
          : String.format(Locale.ROOT, "%d segments", segments);
    }
    if (m.scoreMean().isPresent()) {
      return String.format(Locale.ROOT, "scores %.3g..%.3g, mean %.3g", m.scoreMin().orElse(0),
          m.scoreMax().orElse(0), m.scoreMean().getAsDouble());
    }
    return "";
  }

}
