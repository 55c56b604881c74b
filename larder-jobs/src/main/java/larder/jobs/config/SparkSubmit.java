package larder.jobs.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The spark-submit command that runs a config's jobs on its {@code spark:} master: what {@code larder
 * spark-submit-line} prints for a scheduler (Airflow, EMR, Dataproc, Kubernetes) and what the launcher runs.
 * Store secrets never appear in it: they come from the environment ({@code LARDER_DB_USER},
 * {@code LARDER_DB_PASSWORD}).
 */
public final class SparkSubmit {
  public static final String MAIN_CLASS = "larder.spark.SparkMain";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./\\[\\]*-]+");

  private SparkSubmit() {}

  /**
   * @param jar the larder-spark.jar spark-submit should run
   * @param config the config file; shipped with {@code --files} in cluster mode, where the driver runs elsewhere
   * @param larderArgs what follows {@code run CONFIG} ({@code --job}, {@code --db} without a password, ...)
   * @return spark-submit's arguments, without the command itself
   */
  public static List<String> arguments(SparkConfig spark, Path jar, Path config, List<String> larderArgs) {
    List<String> a = new ArrayList<>(List.of("--master", spark.master(), "--deploy-mode", spark.deployMode(),
        "--name", "larder", "--class", MAIN_CLASS));
    for (Map.Entry<String, String> c : new java.util.TreeMap<>(spark.conf()).entrySet()) {
      a.add("--conf");
      a.add(c.getKey() + "=" + c.getValue());
    }
    boolean cluster = spark.deployMode().equals("cluster");
    if (cluster) {
      a.add("--files");
      a.add(config.toAbsolutePath().toString());
    }
    a.add(jar.toAbsolutePath().toString());
    a.addAll(appArguments(spark, config, larderArgs));
    return a;
  }

  /** The arguments of larder itself: {@code run CONFIG ...}, the config by name where --files puts it. */
  public static List<String> appArguments(SparkConfig spark, Path config, List<String> larderArgs) {
    List<String> a = new ArrayList<>();
    a.add("run");
    a.add(spark.deployMode().equals("cluster") ? config.getFileName().toString() : config.toAbsolutePath().toString());
    a.addAll(larderArgs);
    return a;
  }

  /** The command as one shell line, each argument quoted when the shell would split or expand it. */
  public static String line(String sparkSubmit, List<String> arguments) {
    StringBuilder b = new StringBuilder(quote(sparkSubmit));
    for (String s : arguments) b.append(' ').append(quote(s));
    return b.toString();
  }

  static String quote(String s) {
    return SAFE.matcher(s).matches() && !s.contains("*") && !s.contains("[") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
