package larder.jobs.config;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.ConfigException;

/**
 * The {@code spark:} block: where jobs with {@code engine: spark} run.
 *
 * <pre>
 * spark:
 *   master: yarn              # local[*] (default: in this JVM) | local[N] | spark://host:7077 | yarn | k8s://https://host:6443
 *   deploy_mode: client       # client (default) | cluster
 *   spark_home: /opt/spark    # for a master that is not local; default $SPARK_HOME
 *   partitions: 200           # scoring partitions, users hash-partitioned; default 2 x default parallelism
 *   max_writers: 16           # concurrent writers into the store
 *   conf: { spark.executor.memory: 8g }   # passed to Spark as given
 * </pre>
 *
 * @param partitions scoring partitions, or 0 for twice Spark's default parallelism
 * @param sparkHome the Spark installation for a master that is not local, or null for {@code $SPARK_HOME}
 */
public record SparkConfig(String master, String deployMode, String sparkHome, int partitions, int maxWriters,
    Map<String, String> conf) {
  public static final SparkConfig DEFAULT = new SparkConfig("local[*]", "client", null, 0, 8, Map.of());

  public SparkConfig {
    if (master == null || master.isBlank()) throw new ConfigException("spark.master", master, "must not be empty");
    if (!deployMode.equals("client") && !deployMode.equals("cluster")) {
      throw new ConfigException("spark.deploy_mode", deployMode, "must be client or cluster");
    }
    if (partitions < 0) throw new ConfigException("spark.partitions", partitions, "must be >= 1, or 0 for Spark's default");
    if (maxWriters < 1) throw new ConfigException("spark.max_writers", maxWriters, "must be >= 1");
    if (master.startsWith("local") && deployMode.equals("cluster")) {
      throw new ConfigException("spark.deploy_mode", deployMode, "cannot be used with master " + master,
          "use deploy_mode: client, or a cluster master (yarn, k8s://..., spark://...)");
    }
    conf = Map.copyOf(conf);
  }

  /** True when the driver and executors run in the JVM that reads the config ({@code local}, {@code local[..]}). */
  public boolean inProcess() {
    return inProcess(master);
  }

  /** True for {@code local} and {@code local[..]}: driver and executors in one JVM. */
  public static boolean inProcess(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /** Setting names that carry a secret (an executor's LARDER_DB_PASSWORD, a token): never in {@code conf:}. */
  private static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile("(?i)(password|secret|token|credential)");
  /** Kubernetes settings that name a secret held by the cluster, not the secret itself: allowed. */
  private static final java.util.regex.Pattern SECRET_REFERENCE =
      java.util.regex.Pattern.compile("spark\\.kubernetes\\.(driver|executor)\\.(secretKeyRef|secrets)\\..+");

  static SparkConfig parse(ConfigNode n) {
    SparkConfig d = DEFAULT;
    String master = n.string("master", d.master()).strip();
    String mode = n.choice("deploy_mode", d.deployMode(), "client", "cluster");
    String home = n.string("spark_home", null);
    int partitions = n.integer("partitions", d.partitions());
    int writers = n.integer("max_writers", d.maxWriters());
    Map<String, String> conf = new LinkedHashMap<>();
    ConfigNode c = n.childOrNull("conf");
    if (c != null) {
      for (String k : c.keys()) {
        if (!k.startsWith("spark.")) {
          throw new ConfigException(c.key(k), null, "is not a Spark setting", "Spark settings start with 'spark.'");
        }
        if (SECRET.matcher(k).find() && !SECRET_REFERENCE.matcher(k).matches()) {
          // conf: goes on spark-submit's command line, which every user of the machine can read
          throw new ConfigException(c.key(k), null, "would put a secret on spark-submit's command line",
              "set it in spark-defaults.conf or the cluster's secrets (e.g. spark.kubernetes.executor.secretKeyRef.*)");
        }
        conf.put(k, c.string(k));
      }
    }
    n.finish();
    return new SparkConfig(master, mode, home, partitions, writers, conf);
  }
}
