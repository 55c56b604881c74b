package larder.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import larder.core.DurationText;
import larder.core.LarderException;
import larder.dashboard.Dashboard;
import larder.http.ApiKeys;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobReport;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.jobs.schedule.ConfigSchedules;
import larder.jobs.schedule.Scheduler;
import larder.publish.Publisher;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "schedule", description = {"Run the config's jobs at their schedule: times until stopped, one run at a time.",
    "A job whose run outlasts its interval skips the times that passed; a failed run leaves its previous batch",
    "serving and is tried again at its next time; a batch refused as smaller than the serving one stays refused",
    "until 'larder run CONFIG --job J --accept-shrink' publishes it. A job's refresh.schedule: refreshes it at those",
    "times ('larder run CONFIG --refresh'); a refresh due with the job's full run is skipped, the full run covers it.",
    "With --serve, also answers HTTP like 'larder serve'."})
final class ScheduleCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

  @Mixin StoreOption store;

  @Parameters(paramLabel = "CONFIG", description = "The YAML config; jobs with schedule: \"0 3 * * *\" run, jobs with"
      + " refresh: {schedule: \"*/15 * * * *\"} are refreshed.")
  Path config;

  @Option(names = "--serve", description = "Also serve the HTTP API and the dashboard from the same process.")
  boolean serve;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "With --serve: interface (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "With --serve: TCP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-age", paramLabel = "DURATION", description = "With --serve: /ready fails when a batch is older, e.g. 26h.")
  String maxAge;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines; only the scheduler's own lines and summaries.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    LarderConfig cfg = LarderConfig.load(config);
    refuseSparkJobs(cfg);
    AtomicBoolean stop = new AtomicBoolean();
    try (Store s = Store.open(store.resolve(cfg.store()))) {
      Publisher publisher = new Publisher(s);
      JobRunner runner = new JobRunner(publisher, new ConsoleProgress(System.err, quiet),
          quiet ? RunReport.Listener.NONE : (job, msg) -> System.err.println("[" + job + "] " + msg));
      Scheduler scheduler = new Scheduler(cfg, runner::run, runner::refresh, Scheduler.Clock.SYSTEM, new Printer());
      LarderHttp http = null;
      if (serve) {
        HttpOptions options = new HttpOptions(host, port, 10, 32,
            maxAge == null ? null : DurationText.parse("--max-age", maxAge),
            ApiKeys.parse(System.getenv("LARDER_API_KEYS"), System.getenv("LARDER_ADMIN_KEYS")));
        http = LarderHttp.start(s, options, new Dashboard(java.time.Clock.systemUTC(), new ConfigSchedules(cfg)));
        System.out.printf("serving %s on http://%s:%d%n", s.name(), host, http.port());
      }
      System.out.print(timetable(scheduler, config, s.name(), Instant.now()));
      System.out.flush();
      // A stop signal fails the run in progress (see StopSignals) and ends the loop; the JVM exits with 130 or 143.
      StopSignals.Guard guard = StopSignals.guard(publisher, () -> stop.set(true));
      try {
        scheduler.run(stop::get);
      } finally {
        guard.close();
        if (http != null) http.close();
      }
    }
    return 0;
  }

  /**
   * What will run: one line per entry, soonest first, a refresh named {@code "JOB refresh"}, e.g.
   * {@code   shop refresh   *&#47;15 * * * *   every 15 minutes; next 2025-01-01 03:15 UTC}.
   */
  static String timetable(Scheduler scheduler, Path config, String store, Instant now) {
    long runs = scheduler.timetable().keySet().stream().filter(e -> !e.refresh()).count();
    long refreshes = scheduler.timetable().size() - runs;
    StringBuilder out = new StringBuilder(String.format("scheduling %d %s%s of %s into %s (Ctrl-C to stop; a run in"
        + " progress is marked failed):%n", runs, runs == 1 ? "job" : "jobs",
        refreshes == 0 ? "" : " and " + refreshes + (refreshes == 1 ? " refresh" : " refreshes"), config, store));
    for (var d : scheduler.upcoming(now)) {
      out.append(String.format("  %-24s %-20s %s; next %s%n", d.label(), d.schedule().text(), d.schedule().describe(),
          TIME.format(d.at())));
    }
    return out.toString();
  }

  /** One line per event, timestamped, on standard output (a log collector's input). */
  private static final class Printer implements Scheduler.Events {
    private static String now() {
      return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Override public void planned(String job, ZonedDateTime at) {}

    @Override public void started(String job, ZonedDateTime due) {
      System.out.printf("%s %s: starting (due %s)%n", now(), job, TIME.format(due));
    }

    @Override public void finished(String job, JobReport report) {
      System.out.print(report.summary());
      System.out.flush();
    }

    @Override public void failed(String job, RuntimeException e) {
      if (StopSignals.stopping()) return; // the stop hook's line says it
      String hint = e instanceof LarderException le && le.hint() != null && !le.hint().isBlank() ? "; " + le.hint() : "";
      System.out.printf("%s %s: FAILED: %s%s%n", now(), job, e.getMessage(), hint);
      System.out.flush();
    }

    @Override public void covered(String refresh, String fullRun) {
      System.out.printf("%s %s: skipped; the full run of %s, due at the same time, covers it%n", now(), refresh, fullRun);
    }

    @Override public void skipped(String job, int occurrences) {
      System.out.printf("%s %s: %d scheduled %s passed while it ran; skipped%n", now(), job, occurrences,
          occurrences == 1 ? "time" : "times");
    }
  }

  /** Refused rather than run on the local engine: a job that says engine: spark must not silently run here. */
  private static void refuseSparkJobs(LarderConfig cfg) {
    for (var job : cfg.jobs().values()) {
      if (cfg.engine(job) != larder.jobs.config.Engine.SPARK) continue;
      throw new larder.core.ConfigException("jobs." + job.name() + ".engine", "spark",
          "larder schedule runs jobs on the local engine only so far",
          "start engine: spark jobs with larder run from cron or a scheduler (larder spark-submit-line prints the"
              + " spark-submit command), or set engine: local");
    }
  }
}
