package larder.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import larder.core.LarderException;
import larder.jobs.config.JobConfig;
import java.util.concurrent.Callable;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.JobReport;
import larder.jobs.run.RunReport;
import larder.publish.Publisher;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run the jobs a YAML config describes: extract, train, score, publish.")
final class RunCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Parameters(paramLabel = "CONFIG", description = "The YAML config file (see README).")
  Path config;

  @Option(names = "--job", paramLabel = "JOB", description = "Run only this job (repeatable). Default: all jobs in the file.")
  List<String> jobs;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines; only the summary.")
  boolean quiet;

  @Option(names = "--accept-shrink", description = {"Publish this once even if the batch is smaller than its checks"
      + " allow against the serving batch (max_shrink: by default half or more of the input rows or keys lost;"
      + " a fall beyond max_row_change or max_user_change and the like). Floors (min_rows, min_users) still hold."})
  boolean acceptShrink;

  @Override
  public Integer call() {
    LarderConfig cfg = LarderConfig.load(config);
    runJobs(cfg, cfg.select(jobs), store.resolve(cfg.store()), quiet, acceptShrink);
    return 0;
  }

  /**
   * Runs the jobs one after the other into the store, printing progress and each job's summary. A job that
   * fails does not stop the others (its previous batch keeps serving, and the next jobs may not depend on it);
   * after the last job the failures are reported, the last one as the command's error and exit code.
   */
  static List<JobReport> runJobs(LarderConfig cfg, List<JobConfig> selected, String db, boolean quiet,
      boolean acceptShrink) {
    List<JobReport> reports = new ArrayList<>();
    List<LarderException> failures = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try (Store s = Store.open(db)) {
      Publisher publisher = new Publisher(s);
      JobRunner runner = new JobRunner(publisher, new ConsoleProgress(System.err, quiet),
          quiet ? RunReport.Listener.NONE : (job, msg) -> System.err.println("[" + job + "] " + msg), acceptShrink);
      StopSignals.Guard guard = StopSignals.guard(publisher, () -> {});
      try {
        for (JobConfig job : selected) {
          try {
            JobReport report = runner.run(job);
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
      System.err.printf("%d of %d jobs failed (%s); %s%n", failures.size(), selected.size(), String.join(", ", failed),
          reports.isEmpty() ? "nothing was published" : "the others published");
    }
    throw failures.get(failures.size() - 1);
  }
}
