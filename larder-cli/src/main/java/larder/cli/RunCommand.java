package larder.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import larder.core.LarderException;
import larder.jobs.config.JobConfig;
import java.util.concurrent.Callable;
import larder.jobs.config.Engine;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SparkSupport;
import larder.jobs.run.SparkEngine;
import larder.jobs.run.JobRunner;
import larder.jobs.run.JobReport;
import larder.jobs.run.RunReport;
import larder.publish.Publisher;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = {"Run the jobs a YAML config describes: extract, train, score, publish.",
    "With --refresh, re-score only the users with interactions newer than the serving batch's data (see refresh: in",
    "the README)."})
final class RunCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Parameters(paramLabel = "CONFIG", description = "The YAML config file (see README).")
  Path config;

  @Option(names = "--job", paramLabel = "JOB", description = "Run only this job (repeatable). Default: all jobs in the file"
      + " (with --refresh: all recommendations jobs).")
  List<String> jobs;

  @Option(names = "--refresh", description = {"Refresh instead of a full run: re-score only the users with interactions"
      + " newer than the serving batch's high-water mark, with its kept model, reading the job's refresh.source (else"
      + " its source). Recommendations jobs only. Refused above refresh.max_changed_users (default 10%% of the"
      + " serving users); the current lists keep serving."})
  boolean refresh;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines; only the summary.")
  boolean quiet;

  @Option(names = "--accept-shrink", description = {"Publish this once even if the batch is smaller than its checks"
      + " allow against the serving batch (max_shrink: by default half or more of the input rows or keys lost;"
      + " a fall beyond max_row_change or max_user_change and the like). Floors (min_rows, min_users) still hold."})
  boolean acceptShrink;

  @Override
  public Integer call() {
    LarderConfig cfg = LarderConfig.load(config);
    String db = store.resolve(cfg.store());
    if (refresh) {
      if (acceptShrink) {
        throw new larder.core.ConfigException("--accept-shrink", null, "applies to full runs, not to --refresh",
            "a refresh is bounded by refresh.max_changed_users instead; drop one of the two options");
      }
      refreshJobs(cfg, refreshSelection(cfg, jobs), db, quiet);
      return 0;
    }
    List<JobConfig> selected = cfg.select(jobs);
    if (!cfg.usesSpark(selected)) {
      runJobs(cfg, selected, db, quiet, acceptShrink);
      return 0;
    }
    SparkSupport.checkStore(db, cfg.spark().master());
    SparkEngine.Factory spark = SparkEngine.factory();
    if (spark == null) return SparkHandOff.run(larderArgs(true)); // this jar has no Spark: larder-spark's has
    if (!cfg.spark().inProcess() && !spark.insideSparkSubmit()) return spark.launch(cfg, larderArgs(false));
    try (SparkEngine engine = spark.open(cfg.spark())) {
      SparkSupport.checkStore(db, engine.master()); // spark-submit's --master, which the config may not name
      runJobs(cfg, selected, db, quiet, acceptShrink, job -> cfg.engine(job) == Engine.SPARK ? engine : null);
    }
    return 0;
  }

  /**
   * The jobs {@code --refresh} refreshes: the named ones, or every recommendations job of the file. A job of
   * another kind is refused, named: only recommendations are refreshed.
   */
  static List<RecommendationsJob> refreshSelection(LarderConfig cfg, List<String> names) {
    List<RecommendationsJob> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      for (JobConfig j : cfg.jobs().values()) if (j instanceof RecommendationsJob r) out.add(r);
      if (out.isEmpty()) {
        throw new larder.core.ConfigException("--refresh", null, cfg.file() + " has no recommendations job to refresh",
            "refresh applies to jobs of type: recommendations; run the others in full without --refresh");
      }
      return out;
    }
    for (JobConfig j : cfg.select(names)) {
      if (!names.contains(j.name())) continue; // a segments job select() adds for segment fallback
      if (!(j instanceof RecommendationsJob r)) {
        throw new larder.core.ConfigException("--job", j.name(), "is a " + j.kind().name().toLowerCase(java.util.Locale.ROOT)
            + " job; only recommendations jobs can be refreshed", "drop --refresh to run it in full, or name a"
            + " recommendations job");
      }
      out.add(r);
    }
    return out;
  }

  /**
   * Refreshes the jobs one after the other, like {@link #runJobs}: a failure does not stop the others, and
   * the last one is the command's error. Refreshes run in this process on the local engine whatever the job's
   * engine: they re-score a few users with the kept model.
   */
  static List<JobReport> refreshJobs(LarderConfig cfg, List<RecommendationsJob> selected, String db, boolean quiet) {
    return each(new ArrayList<>(selected), db, quiet, false, job -> null,
        (runner, job) -> runner.refresh((RecommendationsJob) job), "refresh");
  }

  /**
   * This command's options again, for the process that runs it on Spark; with {@code all}, also {@code run
   * CONFIG} and a {@code --db} as given (a local child process). A cluster gets no --db that holds a password.
   */
  private List<String> larderArgs(boolean all) {
    List<String> a = new ArrayList<>();
    if (all) a.addAll(List.of("run", config.toString()));
    if (store.db != null) {
      if (!all && store.db.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
        throw new larder.core.ConfigException("--db", "(a URL with a password)", "would be passed to spark-submit on its command line",
            "give the password in LARDER_DB_PASSWORD (and the user in LARDER_DB_USER), not in the URL");
      }
      a.addAll(List.of("--db", store.db));
    }
    if (jobs != null) for (String j : jobs) a.addAll(List.of("--job", j));
    if (quiet) a.add("--quiet");
    if (acceptShrink) a.add("--accept-shrink");
    return a;
  }

  /**
   * Runs the jobs one after the other into the store, printing progress and each job's summary. A job that
   * fails does not stop the others (its previous batch keeps serving, and the next jobs may not depend on it);
   * after the last job the failures are reported, the last one as the command's error and exit code.
   */
  static List<JobReport> runJobs(LarderConfig cfg, List<JobConfig> selected, String db, boolean quiet,
      boolean acceptShrink) {
    return runJobs(cfg, selected, db, quiet, acceptShrink, job -> null);
  }

  /** @param sparkFor the Spark engine of a job that runs on Spark, null for the local engine */
  static List<JobReport> runJobs(LarderConfig cfg, List<JobConfig> selected, String db, boolean quiet,
      boolean acceptShrink, java.util.function.Function<JobConfig, SparkEngine> sparkFor) {
    return each(selected, db, quiet, acceptShrink, sparkFor, JobRunner::run, "job");
  }

  /** @param what "job" or "refresh", for the closing line */
  private static List<JobReport> each(List<JobConfig> selected, String db, boolean quiet, boolean acceptShrink,
      java.util.function.Function<JobConfig, SparkEngine> sparkFor,
      java.util.function.BiFunction<JobRunner, JobConfig, JobReport> action, String what) {
    List<JobReport> reports = new ArrayList<>();
    List<LarderException> failures = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try (Store s = Store.open(db)) {
      Publisher publisher = new Publisher(s);
      JobRunner runner = new JobRunner(publisher, new ConsoleProgress(System.err, quiet),
          quiet ? RunReport.Listener.NONE : (job, msg) -> System.err.println("[" + job + "] " + msg), acceptShrink,
          sparkFor);
      StopSignals.Guard guard = StopSignals.guard(publisher, () -> {});
      try {
        for (JobConfig job : selected) {
          try {
            JobReport report = action.apply(runner, job);
            System.out.print(report.summary());
            System.out.flush();
            reports.add(report);
          } catch (LarderException e) {
            // stopped by a signal: the stop hook says so in one line, and the JVM exits with 130 or 143
            if (StopSignals.stopping()) throw e;
            failures.add(e);
            failed.add(job.name());
            if (selected.size() > 1) System.err.println("[" + job.name() + "] FAILED (its previous batch, if any, keeps serving): " + e.getMessage());
          }
        }
      } finally {
        guard.close();
      }
    }
    if (failures.isEmpty()) return reports;
    if (selected.size() > 1) {
      System.err.printf("%d of %d %s failed (%s); %s%n", failures.size(), selected.size(),
          what.equals("job") ? "jobs" : "refreshes", String.join(", ", failed),
          reports.isEmpty() ? "nothing was published" : "the others published");
    }
    throw failures.get(failures.size() - 1);
  }
}
