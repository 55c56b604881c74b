package larder.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import larder.core.ConfigException;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.SparkConfig;
import larder.jobs.config.SparkSubmit;
import larder.jobs.run.SparkEngine;
import org.apache.spark.launcher.SparkLauncher;

/** Opens the Spark engine in this JVM, or launches the run on a cluster through Spark's own launcher. */
public final class LarderSparkEngines implements SparkEngine.Factory {

  @Override public boolean insideSparkSubmit() {
    return System.getProperty("spark.master") != null; // spark-submit sets it for the driver it starts
  }

  @Override public SparkEngine open(SparkConfig spark) {
    boolean existing = SparkSessions.active();
    return new LarderSparkEngine(SparkSessions.getOrCreate(spark, insideSparkSubmit()), spark, !existing);
  }

  /**
   * spark-submit from {@code spark.spark_home} or {@code SPARK_HOME}, with the same arguments {@code larder
   * spark-submit-line} prints; its output is this command's, and its exit code (the driver's, in client mode)
   * is returned.
   */
  @Override public int launch(LarderConfig cfg, List<String> args) {
    SparkConfig spark = cfg.spark();
    String home = spark.sparkHome() != null ? spark.sparkHome() : System.getenv("SPARK_HOME");
    if (home == null || !Files.isExecutable(Path.of(home, "bin", "spark-submit"))) {
      throw new ConfigException("spark.spark_home", home, "has no bin/spark-submit, which master " + spark.master()
          + " needs", "install Spark 4.x and set SPARK_HOME (or spark.spark_home), or use master: local[*]");
    }
    List<String> submit = SparkSubmit.arguments(spark, shadedJar(), cfg.file(), args);
    System.err.println("[spark] " + SparkSubmit.line(Path.of(home, "bin", "spark-submit").toString(), submit));
    SparkLauncher l = new SparkLauncher().setSparkHome(home).setAppResource(shadedJar().toAbsolutePath().toString())
        .setMainClass(SparkSubmit.MAIN_CLASS).setMaster(spark.master()).setDeployMode(spark.deployMode())
        .setAppName("larder").redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT);
    spark.conf().forEach(l::setConf);
    if (spark.deployMode().equals("cluster")) l.addFile(cfg.file().toAbsolutePath().toString());
    l.addAppArgs(SparkSubmit.appArguments(spark, cfg.file(), args).toArray(new String[0]));
    try {
      Process p = l.launch();
      System.err.println("[spark] submitted to " + spark.master() + " (" + spark.deployMode() + " mode)");
      int code = p.waitFor();
      System.err.println("[spark] spark-submit exited with " + code);
      return code;
    } catch (java.io.IOException e) {
      throw new ConfigException("spark.spark_home", home, "cannot start spark-submit: " + e.getMessage(),
          "check the Spark installation");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  /** larder-spark.jar beside this launcher's jar (target/ of the build), or {@code LARDER_SPARK_SUBMIT_JAR}. */
  static Path shadedJar() {
    String env = System.getenv("LARDER_SPARK_SUBMIT_JAR");
    if (env != null) return Path.of(env);
    try {
      Path self = Path.of(LarderSparkEngines.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self.resolveSibling("larder-spark.jar");
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
