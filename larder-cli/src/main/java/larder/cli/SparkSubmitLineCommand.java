package larder.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import larder.core.ConfigException;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.SparkSubmit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "spark-submit-line", description = {"Print the spark-submit command that runs the config's jobs on"
    + " its spark: master (for Airflow, EMR, Dataproc or Kubernetes). Store passwords are never part of it:"
    + " give them in LARDER_DB_PASSWORD."})
final class SparkSubmitLineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "CONFIG", description = "The YAML config file.")
  Path config;

  @Option(names = "--job", paramLabel = "JOB", description = "Run only this job (repeatable).")
  List<String> jobs;

  @Option(names = "--jar", paramLabel = "JAR", description = "The larder-spark.jar as the cluster sees it"
      + " (e.g. s3://bucket/larder-spark.jar). Default: the one of this build.")
  String jar;

  @Option(names = "--spark-submit", paramLabel = "PATH", description = "The spark-submit command."
      + " Default: $SPARK_HOME/bin/spark-submit, else spark-submit.")
  String sparkSubmit;

  @Override
  public Integer call() {
    LarderConfig cfg = LarderConfig.load(config);
    cfg.select(jobs); // a misspelt --job fails here, not on the cluster
    List<String> args = new ArrayList<>();
    if (jobs != null) for (String j : jobs) args.addAll(List.of("--job", j));
    Path jarPath = jar != null ? Path.of(jar) : SparkHandOff.buildDir().resolve("larder-spark.jar");
    if (cfg.store() != null && cfg.store().toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      throw new ConfigException("store", "(a URL with a password)", "would be written into the config the driver reads",
          "remove the password from store: and give it in LARDER_DB_PASSWORD");
    }
    List<String> submit = SparkSubmit.arguments(cfg.spark(), jarPath, config, args);
    if (jar != null) submit.set(submit.indexOf(jarPath.toAbsolutePath().toString()), jar); // a URI stays as given
    String home = System.getenv("SPARK_HOME");
    String command = sparkSubmit != null ? sparkSubmit
        : home != null && !home.isBlank() ? Path.of(home, "bin", "spark-submit").toString() : "spark-submit";
    spec.commandLine().getOut().println(SparkSubmit.line(command, submit));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
