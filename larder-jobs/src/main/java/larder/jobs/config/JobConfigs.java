package larder.jobs.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.extract.FeatureSource;
import larder.extract.InteractionSource;
import larder.jobs.schedule.Schedule;
import larder.extract.ListSource;
import larder.extract.ScoreSource;
import larder.extract.TransactionSource;
import larder.extract.formats.Timestamps;
import larder.train.eval.Metric;
import larder.train.recommend.Recommender;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.segment.KSpec;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.stable.IdMatcher;
import larder.train.segment.transform.Transform;

/**
 * Reads one job's mapping into a {@link JobConfig}: {@code type: recommendations} (the default), {@code segments}
 * or {@code import}. A recommendations job may have a {@code refresh:} section ({@link RefreshConfig}).
 */
final class JobConfigs {
  /**
   * {@code k: auto} tries 3..8 unless told otherwise: silhouette often prefers 2 on customer data (buyers who
   * came back against those who did not), which is true but too coarse to target campaigns with.
   */
  static final int DEFAULT_K_MIN = 3;
  static final int DEFAULT_K_MAX = 8;
  static final int DEFAULT_SILHOUETTE_SAMPLE = 10_000;

  private JobConfigs() {}

  /** @param zone the config's time zone, for a refresh's schedule */
  static JobConfig parse(String name, ConfigNode n, Path baseDir, ZoneId zone) {
    String type = n.choice("type", "recommendations", "recommendations", "segments", "import");
    if (!type.equals("recommendations") && n.has("refresh")) {
      throw new ConfigException(n.key("refresh"), null, "only a recommendations job can be refreshed, and this one"
          + " has type: " + type, "remove refresh:, or move it to a recommendations job");
    }
    return switch (type) {
      case "segments" -> segments(name, n, baseDir);
      case "import" -> imports(name, n, baseDir);
      default -> recommendations(name, n, baseDir, zone);
    };
  }

  /** {@code type: import}: another model's predictions, {@code kind: scores} (the default) or {@code recommendations}. */
  private static ImportJob imports(String name, ConfigNode n, Path baseDir) {
    try {
      boolean lists = n.choice("kind", "scores", "scores", "recommendations").equals("recommendations");
      Object source = SourceConfigs.imports(n.child("source"), baseDir, lists);
      int topN = lists ? n.integer("top_n", 10) : 10;
      BatchChecks checks = BatchChecks.parse(n, lists ? BatchChecks.Keys.USERS : BatchChecks.Keys.ENTITIES, true);
      int keep = n.integer("keep", 3);
      n.finish();
      return new ImportJob(name, source instanceof ScoreSource s ? s : null, source instanceof ListSource l ? l : null,
          topN, checks, keep);
    } catch (ConfigException e) {
      throw e.under(n.path());
    }
  }

  private static RecommendationsJob recommendations(String name, ConfigNode n, Path baseDir, ZoneId zone) {
    int threads = n.integer("threads", Runtime.getRuntime().availableProcessors());
    var source = SourceConfigs.parse(n.child("source"), baseDir);
    var model = ModelConfigs.parse(n.child("model"), threads);
    int topN = n.integer("top_n", 10);
    boolean excludeSeen = n.bool("exclude_seen", true);
    int similar = n.integer("similar_items", 10);
    boolean fallback = n.bool("fallback", true);
    int keep = n.integer("keep", 3);
    boolean keepModel = n.bool("keep_model", true);
    String segmentFallback = n.string("segment_fallback", null);
    Duration fallbackHalfLife = fallbackHalfLife(n, model);
    ConfigNode f = n.childOrNull("filters");
    ItemFilters filters = f == null ? ItemFilters.NONE : filters(f, baseDir, n.path());
    RecommendationsJob.EvaluationConfig eval = null;
    ConfigNode e = n.childOrNull("evaluate");
    if (e != null) eval = evaluation(e, topN, n.path());
    BatchChecks checks;
    try {
      checks = BatchChecks.parse(n, BatchChecks.Keys.USERS, false);
    } catch (ConfigException ce) {
      throw ce.under(n.path());
    }
    ConfigNode r = n.childOrNull("refresh");
    RefreshConfig refresh = r == null ? null : refresh(r, baseDir, zone);
    ConfigNode t = n.childOrNull("tune");
    TuneConfig tune = t == null ? null : TuneConfig.parse(t);
    // repeats against the evaluation's split (a time split has one validation part), before any data is read
    if (tune != null && eval != null) tune.settings(eval, 1);
    n.finish();
    return new RecommendationsJob(name, source, model, topN, excludeSeen, similar, fallback, keep, threads, eval,
        segmentFallback, filters, fallbackHalfLife, checks, keepModel, refresh, tune);
  }

  /**
   * {@code refresh: { schedule, source, max_changed_users }}: each optional; the source has the syntax of the
   * job's own. Errors name the key under the job ({@code jobs.shop.refresh.max_changed_users}).
   */
  private static RefreshConfig refresh(ConfigNode r, Path baseDir, ZoneId zone) {
    String cron = r.string("schedule", null);
    Schedule schedule = cron == null ? null : Schedule.parse(r.key("schedule"), cron, zone);
    ConfigNode src = r.childOrNull("source");
    InteractionSource source = src == null ? null : SourceConfigs.parse(src, baseDir);
    String key = RefreshConfig.MaxChangedUsers.KEY;
    RefreshConfig.MaxChangedUsers max = r.has(key)
        ? RefreshConfig.MaxChangedUsers.parse(r.key(key), r.string(key)) : RefreshConfig.MaxChangedUsers.DEFAULT;
    r.finish();
    return new RefreshConfig(schedule, source, max);
  }

  /**
   * {@code fallback_half_life}: the decay of the fallback lists (global and per segment). Absent, a popularity
   * model's own half-life applies: for a popularity job the fallback is the model's ranking, and a newcomer
   * should not see last year's bestsellers while everyone else sees this month's. {@code none} turns that off.
   */
  private static Duration fallbackHalfLife(ConfigNode n, Recommender model) {
    String text = n.string("fallback_half_life", null);
    if (text == null) return model instanceof Popularity p ? p.parameters().halfLife() : null;
    if (text.strip().equalsIgnoreCase("none")) return null;
    Duration d = DurationText.parse(n.key("fallback_half_life"), text);
    PopularityParams.checkHalfLife(n.key("fallback_half_life"), d);
    return d;
  }

  /** {@code filters: { deny, deny_file, allow, allow_file }}; files are resolved against the config's folder. */
  private static ItemFilters filters(ConfigNode f, Path baseDir, String jobPath) {
    try {
      List<String> deny = f.strings("deny");
      String denyFile = f.string("deny_file", null);
      List<String> allow = f.strings("allow");
      String allowFile = f.string("allow_file", null);
      f.finish();
      return new ItemFilters(deny, denyFile == null ? null : baseDir.resolve(denyFile), allow,
          allowFile == null ? null : baseDir.resolve(allowFile));
    } catch (ConfigException x) {
      throw x.under(jobPath); // filters.allow -> jobs.shop.filters.allow
    }
  }

  /** {@code evaluate: { holdout, split, k, seed, gate }}; errors name the key under the job. */
  private static RecommendationsJob.EvaluationConfig evaluation(ConfigNode e, int topN, String jobPath) {
    try {
      double holdout = e.number("holdout", 0.2);
      var split = e.choice("split", "random", "random", "time").equals("time")
          ? RecommendationsJob.EvaluationConfig.Split.TIME : RecommendationsJob.EvaluationConfig.Split.RANDOM;
      int k = e.integer("k", topN);
      long seed = e.longValue("seed", 42);
      ConfigNode g = e.childOrNull("gate");
      QualityGate gate = g == null ? null : gate(g);
      e.finish();
      return new RecommendationsJob.EvaluationConfig(holdout, split, k, seed, gate);
    } catch (ConfigException x) {
      throw x.under(jobPath); // evaluate.holdout = 2 -> jobs.shop.evaluate.holdout = 2
    }
  }

  /** {@code gate: { min_lift, metric, min: { <metric>: <floor> } }}. */
  private static QualityGate gate(ConfigNode g) {
    Double minLift = g.numberOrNull("min_lift");
    Metric liftMetric = null;
    String named = g.string("metric", null);
    if (named != null) {
      liftMetric = metric(g.key("metric"), named);
      if (minLift == null) {
        throw new ConfigException(g.key("metric"), named, "names the metric min_lift is measured on, but there is"
            + " no min_lift", "add min_lift (e.g. 1.1), or remove metric");
      }
    }
    Map<Metric, Double> floors = new EnumMap<>(Metric.class);
    ConfigNode min = g.childOrNull("min");
    if (min != null) {
      for (String name : min.keys()) {
        Metric m = Metric.byKey(name);
        if (m == null) {
          throw new ConfigException(min.key(name), null, "is not a metric", "floors are set per metric: " + Metric.names());
        }
        if (floors.containsKey(m)) throw new ConfigException(min.key(name), null, "repeats the floor of " + m.key());
        floors.put(m, min.number(name, 0));
      }
      min.finish();
    }
    g.finish();
    return new QualityGate(minLift, liftMetric, floors);
  }

  private static Metric metric(String key, String name) {
    Metric m = Metric.byKey(name);
    if (m == null) throw new ConfigException(key, name, "is not a metric", "use one of " + Metric.names());
    return m;
  }

  private static SegmentsJob segments(String name, ConfigNode n, Path baseDir) {
    int threads = n.integer("threads", Runtime.getRuntime().availableProcessors());
    // Checked here, before k-means settings inherit it and would report it under their own key.
    if (threads < 1) throw new ConfigException(n.key("threads"), threads, "must be >= 1");
    Object source = SourceConfigs.segments(n.child("source"), baseDir);
    try {
      SegmentsJob.Method method = n.choice("method", "kmeans", "kmeans", "rfm").equals("rfm")
          ? SegmentsJob.Method.RFM : SegmentsJob.Method.KMEANS;
      Instant asOf = null;
      Monetary monetary = Monetary.TOTAL;
      ConfigNode rfm = n.childOrNull("rfm");
      if (rfm != null) {
        String at = rfm.string("as_of", null);
        if (at != null) asOf = asOf(rfm.key("as_of"), at);
        monetary = Monetary.parse(rfm.key("monetary"), rfm.string("monetary", "total"));
        rfm.finish();
      }
      Transform transform = n.has("transform") ? Transform.parse(n.key("transform"), String.join(", ", n.strings("transform")))
          : Transform.log1pStandardise();
      KMeansParams defaults = KMeansParams.defaults(2).withThreads(threads);
      KSpec k = KSpec.auto(DEFAULT_K_MIN, DEFAULT_K_MAX, DEFAULT_SILHOUETTE_SAMPLE);
      KMeansParams params = defaults;
      int fitSample = SegmentsJob.DEFAULT_SAMPLE;
      ConfigNode km = n.childOrNull("kmeans");
      if (km != null) {
        String kText = km.string("k", "auto").strip();
        int kMin = km.integer("k_min", DEFAULT_K_MIN), kMax = km.integer("k_max", DEFAULT_K_MAX),
            sample = km.integer("silhouette_sample", DEFAULT_SILHOUETTE_SAMPLE);
        if (kText.equalsIgnoreCase("auto")) {
          k = KSpec.auto(kMin, kMax, sample);
        } else {
          try {
            k = KSpec.fixed(Integer.parseInt(kText));
          } catch (NumberFormatException e) {
            throw new ConfigException(km.key("k"), kText, "must be a whole number or auto");
          }
        }
        params = new KMeansParams(2, km.integer("restarts", defaults.restarts()),
            km.integer("max_iterations", defaults.maxIterations()), km.number("tolerance", defaults.tolerance()),
            km.longValue("seed", defaults.seed()), km.integer("threads", threads));
        fitSample = km.integer("sample", SegmentsJob.DEFAULT_SAMPLE);
        km.finish();
      }
      double threshold = n.number("match_threshold", IdMatcher.DEFAULT_THRESHOLD);
      int keep = n.integer("keep", 3);
      BatchChecks checks = BatchChecks.parse(n, BatchChecks.Keys.CUSTOMERS, false);
      n.finish();
      return new SegmentsJob(name, source instanceof TransactionSource t ? t : null,
          source instanceof FeatureSource f ? f : null, method, asOf, monetary, transform, k, params, fitSample, threshold, keep,
          threads,
          checks);
    } catch (ConfigException e) {
      throw e.under(n.path()); // kmeans.k = 0 -> jobs.seg.kmeans.k = 0
    }
  }

  /** A date ({@code 2025-01-31}, read as the end of that UTC day) or an ISO-8601 instant. */
  private static Instant asOf(String key, String text) {
    try {
      if (text.strip().matches("\\d{4}-\\d{2}-\\d{2}")) {
        // The day's last second: rows up to and including as-of count, so midnight belongs to the next day.
        return java.time.LocalDate.parse(text.strip()).plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
            .minusSeconds(1);
      }
      return Instant.ofEpochSecond(Timestamps.parse(text.strip()));
    } catch (RuntimeException e) {
      throw new ConfigException(key, text, "is not a date or time", "write a date such as 2025-01-31 (the end of that"
          + " day, UTC) or an instant such as 2025-01-31T12:00:00Z");
    }
  }
}
