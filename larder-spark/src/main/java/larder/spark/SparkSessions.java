package larder.spark;

import java.util.Map;
import larder.jobs.config.SparkConfig;
import org.apache.spark.sql.SparkSession;

/** The one SparkSession of this JVM: the one spark-submit (or a test) made, else one for the config's master. */
final class SparkSessions {
  private SparkSessions() {}

  /** Settings Larder gives an in-process session; the config's {@code conf:} overrides any of them. */
  static final Map<String, String> IN_PROCESS = Map.of(
      "spark.ui.enabled", "false",
      "spark.driver.host", "127.0.0.1", // else Spark warns that the hostname resolves to loopback, and picks another
      "spark.sql.session.timeZone", "UTC",
      "spark.sql.shuffle.partitions", "8");

  /** Whether a session was running already (a test's, or spark-submit's), so closing the engine must keep it. */
  static boolean active() {
    return SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
  }

  static SparkSession getOrCreate(SparkConfig spark, boolean insideSparkSubmit) {
    SparkSession.Builder b = SparkSession.builder().appName("larder");
    if (!insideSparkSubmit) {
      b.master(spark.master());
      IN_PROCESS.forEach(b::config);
    }
    spark.conf().forEach(b::config);
    return b.getOrCreate();
  }
}
