package larder.jobs.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.ZoneId;
import larder.core.ConfigException;
import larder.jobs.schedule.Schedule;

/**
 * A parsed config file: the store it names (optional) and its jobs, in file order. Parsed once and
 * completely, so every error surfaces before any work starts.
 *
 * <pre>
 * store: larder.db            # optional, relative to this file; --db wins
 * timezone: Europe/Paris      # optional, for schedules; UTC by default
 * engine: local               # optional: local (default) or spark, for every job; a job may set its own
 * spark: { master: local[*] } # optional: where engine: spark runs (see SparkConfig)
 * jobs:
 *   shop-recs:
 *     schedule: "0 3 * * *"   # optional: when `larder schedule` runs it (cron, five fields)
 *     source: { file: interactions.csv.gz, columns: { user: user_id, item: item_id, weight: quantity } }
 *     model: { type: als, factors: 64 }
 *     top_n: 10
 *     refresh: { schedule: "*&#47;15 * * * *", max_changed_users: 10% }  # optional: see RefreshConfig
 * </pre>
 */
public record LarderConfig(Path file, String store, Map<String, JobConfig> jobs, Map<String, Schedule> schedules,
    Map<String, Engine> engines, SparkConfig spark) {

  /** Without schedules. */
  public LarderConfig(Path file, String store, Map<String, JobConfig> jobs) {
    this(file, store, jobs, Map.of());
  }

  /** Every job on the local engine. */
  public LarderConfig(Path file, String store, Map<String, JobConfig> jobs, Map<String, Schedule> schedules) {
    this(file, store, jobs, schedules, Map.of(), SparkConfig.DEFAULT);
  }

  /** The engine the job runs on: its own {@code engine:}, else the file's, else local. */
  public Engine engine(JobConfig job) {
    return engines.getOrDefault(job.name(), Engine.LOCAL);
  }

  /** True when any of the jobs runs on Spark. */
  public boolean usesSpark(List<JobConfig> selected) {
    return selected.stream().anyMatch(j -> engine(j) == Engine.SPARK);
  }

  public static LarderConfig load(Path file) {
    return parse(file, ConfigFile.read(file));
  }

  public static LarderConfig parse(Path file, ConfigNode root) {
    Path base = file.toAbsolutePath().getParent();
    String store = root.string("store", null);
    if (store != null && !store.startsWith("jdbc:")) store = base.resolve(store).toString(); // like file paths: relative to the config
    ConfigNode jobsNode = root.childOrNull("jobs");
    ZoneId zone = zone(root);
    Engine defaultEngine = Engine.parse(root, Engine.LOCAL);
    ConfigNode sparkNode = root.childOrNull("spark");
    root.finish();
    SparkConfig spark = sparkNode == null ? SparkConfig.DEFAULT : SparkConfig.parse(sparkNode);
    if (jobsNode == null) {
      throw ConfigException.of(file.toString(), "no 'jobs:' section", "describe at least one job under 'jobs:' (see README)", null);
    }
    Map<String, JobConfig> jobs = new LinkedHashMap<>();
    Map<String, Schedule> schedules = new LinkedHashMap<>();
    Map<String, Engine> engines = new LinkedHashMap<>();
    for (String name : jobsNode.keys()) {
      ConfigNode job = jobsNode.child(name);
      engines.put(name, Engine.parse(job, defaultEngine)); // read here, like schedule, so the job parser accepts it
      String cron = job.string("schedule", null); // read on the job's node, so the job parser accepts the key
      if (cron != null) schedules.put(name, Schedule.parse(job.key("schedule"), cron, zone));
      jobs.put(name, JobConfigs.parse(name, job, base, zone));
    }
    if (jobs.isEmpty()) {
      throw ConfigException.of(file.toString(), "'jobs:' is empty", "describe at least one job", null);
    }
    for (JobConfig j : jobs.values()) {
      if (!(j instanceof RecommendationsJob r) || r.segmentFallback() == null) continue;
      JobConfig target = jobs.get(r.segmentFallback());
      // Refused rather than looked up in the store at run time: a typo would silently serve the global list.
      if (target == null) {
        throw new ConfigException("jobs." + r.name() + ".segment_fallback", r.segmentFallback(), "no such job in " + file,
            "name a job of this file with type: segments; its jobs: " + String.join(", ", jobs.keySet()));
      }
      if (!(target instanceof SegmentsJob)) {
        throw new ConfigException("jobs." + r.name() + ".segment_fallback", r.segmentFallback(),
            "is a " + (target instanceof ImportJob ? "import" : "recommendations") + " job, not a segments job",
            "name a job with type: segments");
      }
    }
    LarderConfig cfg = new LarderConfig(file, store, jobs, schedules, engines, spark);
    SparkSupport.check(cfg);
    return cfg;
  }

  private static ZoneId zone(ConfigNode root) {
    String tz = root.string("timezone", "UTC");
    try {
      return ZoneId.of(tz.strip());
    } catch (java.time.DateTimeException e) {
      throw new ConfigException(root.key("timezone"), tz, "is not a time zone", "use a name such as UTC or Europe/Paris");
    }
  }

  /**
   * The named jobs in file order, or all of them when {@code names} is null or empty; a selected segments
   * job that a selected recommendations job uses for segment fallback runs just before it, so its lists
   * come from the fresh segments.
   */
  public List<JobConfig> select(List<String> names) {
    List<JobConfig> chosen = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      chosen.addAll(jobs.values());
    } else {
      for (String n : names) {
        JobConfig j = jobs.get(n);
        if (j == null) {
          throw new ConfigException("--job", n, "no such job in " + file, "jobs in the file: " + String.join(", ", jobs.keySet()));
        }
        if (!chosen.contains(j)) chosen.add(j);
      }
    }
    List<JobConfig> out = new ArrayList<>();
    for (JobConfig j : chosen) {
      if (j instanceof RecommendationsJob r && r.segmentFallback() != null) {
        JobConfig seg = jobs.get(r.segmentFallback());
        if (seg != null && chosen.contains(seg) && !out.contains(seg)) out.add(seg);
      }
      if (!out.contains(j)) out.add(j);
    }
    return out;
  }
}
