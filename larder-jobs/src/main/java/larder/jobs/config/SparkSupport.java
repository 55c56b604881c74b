package larder.jobs.config;

import larder.core.ConfigException;
import larder.extract.ParquetSource;
import larder.train.recommend.Recommender;
import larder.train.recommend.als.Als;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.popularity.Popularity;

/**
 * What the Spark engine runs so far, checked when the config is read, so a job it cannot run fails before
 * anything starts rather than halfway: recommendations jobs with {@code model: popularity} (without
 * {@code half_life}), {@code model: itemknn}, {@code model: als} or {@code model: ease} (similar items too), reading a file, a query or Parquet, with item
 * filters, seen items left out, the global fallback list and offline evaluation with its quality gate.
 */
public final class SparkSupport {
  /**
   * The largest catalogue EASE may have on Spark: its item-item matrix (items² floats, 1.6 GB at 20,000 items)
   * is broadcast whole to every executor.
   */
  public static final int EASE_MAX_ITEMS = 20_000;

  static final String SUPPORTED = "recommendations jobs with model popularity (no half_life), itemknn, als or ease"
      + " (max_items <= " + EASE_MAX_ITEMS + "), from a file, a query or Parquet, with filters, the global fallback"
      + " and evaluate (with its gate);"
      + " segments jobs on transactions";

  private SparkSupport() {}

  static void check(LarderConfig cfg) {
    for (JobConfig job : cfg.jobs().values()) {
      String at = "jobs." + job.name();
      if (cfg.engine(job) == Engine.LOCAL) {
        if (job instanceof RecommendationsJob r && r.source() instanceof ParquetSource) {
          throw new ConfigException(at + ".source.parquet", ((ParquetSource) r.source()).path(),
              "is read by the Spark engine only", "set engine: spark on the job (or at the top), or give a CSV/TSV file");
        }
        continue;
      }
      if (job instanceof SegmentsJob s) {
        if (s.features() != null) throw unsupported(at + ".source", "segments of a feature table");
        if (cfg.store() != null) checkStore(cfg.store(), cfg.spark().master());
        continue;
      }
      if (!(job instanceof RecommendationsJob r)) {
        throw unsupported(at + ".engine", "a " + job.kind() + " job");
      }
      checkModel(at + ".model", r.model());
      if (r.segmentFallback() != null) throw unsupported(at + ".segment_fallback", "segment fallback");
      if (r.fallbackHalfLife() != null) throw unsupported(at + ".fallback_half_life", "a decaying fallback");
      if (r.tune() != null) throw unsupported(at + ".tune", "a parameter search");
      if (cfg.store() != null) checkStore(cfg.store(), cfg.spark().master());
    }
  }

  /**
   * A SQLite file is written by the driver's own process, so its master must run beside it. On PostgreSQL the
   * executors load the lists themselves: on a cluster the URL they get must hold no password (they take it from
   * their environment, {@code LARDER_DB_PASSWORD}).
   *
   * @param db the store as given ({@code --db} or {@code store:})
   * @param master the config's master, or the one spark-submit gave the running driver
   */
  public static void checkStore(String db, String master) {
    boolean postgres = db.startsWith("jdbc:postgresql:");
    if (!postgres && !SparkConfig.inProcess(master)) {
      throw new ConfigException("spark.master", master, "cannot write the SQLite store " + db
          + ": executors and a cluster driver do not see this machine's file",
          "use master: local[*] for a SQLite store, or a PostgreSQL store (jdbc:postgresql://...)");
    }
    if (postgres && !SparkConfig.inProcess(master) && db.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new ConfigException("store", "(a URL with a password)", "would be sent to every executor, which connect"
          + " to the store themselves", "remove the password from the URL and give it to the driver and executors in"
          + " LARDER_DB_PASSWORD (e.g. spark.executorEnv.LARDER_DB_PASSWORD in spark-defaults.conf, or a secret)");
    }
  }

  private static void checkModel(String at, Recommender model) {
    if (model instanceof Popularity p) {
      if (p.parameters().halfLife() != null) throw unsupported(at + ".half_life", "popularity with decay");
      return;
    }
    if (model instanceof ItemKnn || model instanceof Als) return;
    if (model instanceof Ease e) {
      int max = ((Number) e.params().get("max_items")).intValue();
      if (max > EASE_MAX_ITEMS) {
        throw new ConfigException(at + ".max_items", max, "is above the Spark engine's cap for EASE of "
            + EASE_MAX_ITEMS + " items (its items x items matrix is broadcast to every executor)",
            "set max_items to at most " + EASE_MAX_ITEMS + ", or use engine: local");
      }
      return;
    }
    throw unsupported(at + ".type", "model " + model.name());
  }

  private static ConfigException unsupported(String key, String what) {
    return new ConfigException(key, null, "the Spark engine does not run " + what + " yet",
        "it runs " + SUPPORTED + "; use engine: local for this job");
  }
}
