package larder.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one SparkSession of the test JVM ({@code local[2,3]}: two cores, and a failed task tried up to three times
 * as on a cluster, so the tests of retries can fail a task once; UI off, loopback driver), started by the first
 * test class that uses it and stopped when the JVM's tests end; starting Spark costs seconds, so no class starts
 * its own. The engine under test finds it with getOrCreate and leaves it running.
 */
public final class SparkSessionExtension implements BeforeAllCallback {
  private static SparkSession session;

  /** The test JVM's session. */
  public static synchronized SparkSession spark() {
    if (session == null) {
      session = SparkSession.builder().master("local[2,3]").appName("larder-test")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.sql.session.timeZone", "UTC")
          .getOrCreate();
    }
    return session;
  }

  @Override public void beforeAll(ExtensionContext context) {
    spark();
    // The root store closes its resources once, after the last test class of the run.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SparkSessionExtension.class, k -> (ExtensionContext.Store.CloseableResource) () -> {
          synchronized (SparkSessionExtension.class) {
            if (session != null) session.stop();
            session = null;
          }
        }, ExtensionContext.Store.CloseableResource.class);
  }
}
