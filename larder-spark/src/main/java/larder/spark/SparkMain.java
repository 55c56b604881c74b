package larder.spark;

/**
 * The larder command with the Spark engine on its class path: {@code spark-submit --class larder.spark.SparkMain
 * larder-spark.jar run larder.yaml} does what {@code larder run larder.yaml} does, and so does {@code java -jar
 * larder-spark-local.jar run larder.yaml} (in-process Spark; its manifest carries Spark's --add-opens list).
 */
public final class SparkMain {
  private SparkMain() {}

  public static void main(String[] args) {
    // The rest of Spark's JVM options (JavaModuleOptions) that a manifest cannot carry; spark-submit sets them itself.
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    larder.cli.Main.main(args);
  }
}
