package larder.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import larder.core.ConfigException;

/**
 * Runs a command whose jobs use {@code engine: spark} in larder-spark-local.jar, which has Spark on its class
 * path and Spark's JVM options in its manifest; this jar has neither. The child's output is this command's and
 * its exit code this command's.
 */
final class SparkHandOff {
  static final String JAR = "larder-spark-local.jar";

  private SparkHandOff() {}

  static int run(List<String> args) {
    Path jar = jar();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv("LARDER_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.strip().split("\\s+")));
    // The scoring kernels' Vector API, if this JVM was given it (the launcher does so).
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      // Ctrl-C or SIGTERM here reaches the child as SIGTERM, which stops its run as it would stop this one.
      Thread stop = new Thread(() -> {
        p.destroy();
        try {
          p.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "larder-spark-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      int code = p.waitFor();
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs already
      }
      return code;
    } catch (IOException e) {
      throw new ConfigException("engine", "spark", "cannot start " + jar + ": " + e.getMessage(), "check the Java installation");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  /** {@code LARDER_SPARK_JAR}, else larder-spark/target/ of the build this jar comes from. */
  static Path jar() {
    String env = System.getenv("LARDER_SPARK_JAR");
    Path jar = env != null && !env.isBlank() ? Path.of(env) : buildDir().resolve(JAR);
    if (!Files.isRegularFile(jar)) {
      throw new ConfigException("engine", "spark", "needs the Spark engine, and " + jar + " is missing",
          "build it once: mvn -B -pl larder-spark -am package -DskipTests (downloads Spark), or set LARDER_SPARK_JAR");
    }
    return jar;
  }

  /** larder-spark/target beside larder-cli/target, where this jar was built. */
  static Path buildDir() {
    try {
      // larder-cli/target/larder.jar, or larder-cli/target/classes in a build: either way its parent is target/.
      Path self = Path.of(SparkHandOff.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self.getParent().getParent().getParent().resolve("larder-spark").resolve("target");
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
