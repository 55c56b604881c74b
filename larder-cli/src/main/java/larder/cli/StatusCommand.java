package larder.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import larder.core.DurationText;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = {"Each job's current batch and its age.",
    "Exits 1 when a job's batch is older than --max-age, so cron or monitoring can alert on stale predictions."})
final class StatusCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--max-age", paramLabel = "DURATION", description = "Allowed age, e.g. 26h, 90m, 2d (default: no limit).")
  String maxAge;

  @Option(names = "--config", paramLabel = "CONFIG", description = "Also show each scheduled job's next run from this config.")
  java.nio.file.Path config;

  @Override
  public Integer call() {
    java.util.Map<String, java.time.ZonedDateTime> nextRun = new java.util.HashMap<>();
    String fromConfig = null;
    if (config != null) {
      var cfg = larder.jobs.config.LarderConfig.load(config);
      fromConfig = cfg.store();
      cfg.schedules().forEach((job, sch) -> sch.next(java.time.ZonedDateTime.now(sch.zone())).ifPresent(t -> nextRun.put(job, t)));
    }
    Duration limit = maxAge == null ? null : DurationText.parse("--max-age", maxAge);
    int stale = 0;
    try (Store s = Store.openExisting(store.resolve(fromConfig))) {
      PredictionReader reader = new PredictionReader(s);
      var jobs = reader.jobs();
      if (jobs.isEmpty()) {
        System.out.println("no jobs have published yet; run one with 'larder run CONFIG'");
        return 0;
      }
      System.out.printf("%-20s %6s %-10s %12s %10s  %-8s%s%n", "job", "batch", "model", "rows", "age", "state",
          config == null ? "" : "  next run");
      for (String job : jobs) {
        var cur = reader.current(job).orElse(null);
        if (cur == null) continue;
        Duration age = Duration.between(cur.publishedAt(), Instant.now());
        boolean isStale = limit != null && age.compareTo(limit) > 0;
        if (isStale) stale++;
        var next = nextRun.get(job);
        System.out.printf(Locale.ROOT, "%-20s %6d %-10s %,12d %10s  %-8s%s%n", job, cur.id(), cur.model(), cur.rows(),
            Durations.human(age), isStale ? "STALE (older than " + maxAge + ")" : "ok",
            config == null ? "" : next == null ? "  (not scheduled)" : "  " + next.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
      }
    }
    return stale > 0 ? 1 : 0;
  }
}
