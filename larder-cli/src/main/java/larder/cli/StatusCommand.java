package larder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import larder.core.BatchInfo;
import larder.core.DurationText;
import larder.jobs.config.LarderConfig;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = {"Each job's current batch, its age, size and key metrics.",
    "Exits 1 when a job's batch is older than --max-age, so cron or monitoring can alert on stale predictions.",
    "With --config, also each scheduled job's next run."})
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

  @Mixin StoreOption store;

  @Option(names = "--max-age", paramLabel = "DURATION", description = "Allowed age, e.g. 26h, 90m, 2d (default: no limit).")
  String maxAge;

  @Option(names = "--config", paramLabel = "CONFIG", description = "Also show each scheduled job's next run from this config.")
  Path config;

  @Override
  public Integer call() {
    Map<String, ZonedDateTime> nextRun = new HashMap<>();
    String fromConfig = null;
    if (config != null) {
      LarderConfig cfg = LarderConfig.load(config);
      fromConfig = cfg.store();
      cfg.schedules().forEach((job, sch) -> sch.next(ZonedDateTime.now(sch.zone())).ifPresent(t -> nextRun.put(job, t)));
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
      System.out.printf("%-20s %6s %-10s %12s %10s  %-8s  %-34s%s%n", "job", "batch", "model", "rows", "age", "state", "metrics",
          config == null ? "" : "  next run");
      for (String job : jobs) {
        BatchInfo cur = reader.current(job).orElse(null);
        if (cur == null) continue;
        Duration age = Duration.between(cur.publishedAt(), Instant.now());
        boolean isStale = limit != null && age.compareTo(limit) > 0;
        if (isStale) stale++;
        ZonedDateTime next = nextRun.get(job);
        System.out.printf(Locale.ROOT, "%-20s %6d %-10s %,12d %10s  %-8s  %-34s%s%n", job, cur.id(), cur.model(), cur.rows(),
            Durations.human(age), isStale ? "STALE (older than " + maxAge + ")" : "ok", headline(cur),
            config == null ? "" : next == null ? "  (not scheduled)" : "  " + next.truncatedTo(ChronoUnit.MINUTES).format(MINUTE));
      }
    }
    return stale > 0 ? 1 : 0;
  }

  /** The one figure that says most about a batch: its evaluation, its segments' stability, its scores. */
  static String headline(BatchInfo b) {
    JsonNode m;
    try {
      m = JSON.readTree(b.metrics() == null ? "{}" : b.metrics());
    } catch (java.io.IOException e) {
      return "";
    }
    if (m.has("model") && m.has("popularity")) {
      double model = m.path("model").path("ndcg").asDouble(), base = m.path("popularity").path("ndcg").asDouble();
      return String.format(Locale.ROOT, "ndcg@%d %.3f (%.2fx popularity)", m.path("k").asInt(), model,
          base > 0 ? model / base : Double.NaN);
    }
    if (m.has("segments")) {
      return m.has("stayed_share")
          ? String.format(Locale.ROOT, "%d segments, %.1f%% kept their id", m.path("segments").asInt(), m.path("stayed_share").asDouble() * 100)
          : String.format(Locale.ROOT, "%d segments", m.path("segments").asInt());
    }
    if (m.has("score_mean")) {
      return String.format(Locale.ROOT, "scores %.3g..%.3g, mean %.3g", m.path("score_min").asDouble(),
          m.path("score_max").asDouble(), m.path("score_mean").asDouble());
    }
    return "";
  }
}
