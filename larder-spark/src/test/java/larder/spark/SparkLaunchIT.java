package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jars as a user runs them, each in its own JVM: the in-process jar with no JVM flags, the CLI's
 * jar handing an engine: spark config over, and the shaded jar under Spark's own SparkSubmit. Each publishes what
 * the local engine publishes, and a typed error keeps its exit code.
 */
class SparkLaunchIT {
  @TempDir static Path dir;
  static Path target = Path.of(System.getProperty("larder.spark.target", "target")).toAbsolutePath();
  static Path cliJar = target.resolve("../../larder-cli/target/larder.jar").normalize();
  static ServingSnapshot local;

  @BeforeAll static void localRun() throws Exception {
    List<String> lines = new ArrayList<>(List.of("user_id,item_id"));
    java.util.Random r = new java.util.Random(7);
    for (int u = 0; u < 200; u++) {
      for (int k = 0; k < 1 + r.nextInt(6); k++) lines.add("u" + u + ",i" + (int) (Math.pow(r.nextDouble(), 2) * 40));
    }
    Files.write(dir.resolve("events.csv"), lines);
    Files.writeString(dir.resolve("bad.csv"), "user_id,item_id\nu1,i1\n,i2\n");
    config("local", "local", "events.csv");
    assertThat(run(List.of("java", "-jar", cliJar.toString(), "run", "local.yaml", "--db", "local.db"), Map.of()).exit)
        .isZero();
    local = ServingSnapshot.of(dir.resolve("local.db").toString(), "recs");
    assertThat(local.rows()).isGreaterThan(200);
  }

  @Test void theInProcessJarNeedsNoJvmFlags() throws Exception {
    config("spark", "spark", "events.csv");
    Run run = run(List.of("java", "-jar", target.resolve("larder-spark-local.jar").toString(), "run", "spark.yaml",
        "--db", "a.db"), Map.of());
    assertThat(run.exit).as(run.output).isZero();
    assertThat(ServingSnapshot.of(dir.resolve("a.db").toString(), "recs")).isEqualTo(local);
  }

  @Test void theCliHandsASparkConfigToTheSparkJarAndKeepsItsExitCode() throws Exception {
    config("spark", "spark", "events.csv");
    Map<String, String> env = Map.of("LARDER_SPARK_JAR", target.resolve("larder-spark-local.jar").toString());
    Run run = run(List.of("java", "-jar", cliJar.toString(), "run", "spark.yaml", "--db", "b.db"), env);
    assertThat(run.exit).as(run.output).isZero();
    assertThat(ServingSnapshot.of(dir.resolve("b.db").toString(), "recs")).isEqualTo(local);

    config("bad", "spark", "bad.csv");
    run = run(List.of("java", "-jar", cliJar.toString(), "run", "bad.yaml", "--db", "b.db"), env);
    assertThat(run.exit).as(run.output).isEqualTo(3); // InputException, through the child
    assertThat(run.output).contains("bad.csv:3");
    assertThat(ServingSnapshot.of(dir.resolve("b.db").toString(), "recs")).isEqualTo(local); // still serving
  }

  @Test void sparkSubmitRunsTheShadedJar() throws Exception {
    config("spark", "spark", "events.csv");
    String sparkClassPath = sparkClassPath();
    List<String> cmd = new ArrayList<>(List.of("java", "-Xmx1g"));
    cmd.addAll(List.of(System.getProperty("spark.jvm.options", "").split(" ")));
    cmd.addAll(List.of("-cp", sparkClassPath, "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
        "--class", "larder.spark.SparkMain", target.resolve("larder-spark.jar").toString(),
        "run", "spark.yaml", "--db", "c.db"));
    Run run = run(cmd, Map.of());
    assertThat(run.exit).as(run.output).isZero();
    assertThat(ServingSnapshot.of(dir.resolve("c.db").toString(), "recs")).isEqualTo(local);
  }

  /**
   * A master that is not local goes through Spark's launcher from SPARK_HOME. This SPARK_HOME's spark-submit
   * is Spark's own SparkSubmit class with the cluster master swapped for local[2], so the whole path runs here:
   * the launcher's arguments, the shaded jar, the driver's exit code.
   */
  @Test void aClusterMasterGoesThroughSparksLauncherFromSparkHome() throws Exception {
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("bin"));
    Path submit = home.resolve("bin/spark-submit");
    Files.writeString(submit, String.join("\n",
        "#!/usr/bin/env bash",
        "args=(); for a in \"$@\"; do [ \"$a\" = spark://cluster:7077 ] && a='local[2]'; args+=(\"$a\"); done",
        "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xmx1g "
            + System.getProperty("spark.jvm.options", "") + " -cp '" + sparkClassPath()
            + "' org.apache.spark.deploy.SparkSubmit --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1"
            + " \"${args[@]}\"", ""));
    submit.toFile().setExecutable(true);
    try (larder.testkit.PgSchema pg = new larder.testkit.PgSchema()) {
      config("cluster", "spark", "events.csv", "spark://cluster:7077");
      Map<String, String> env = Map.of("SPARK_HOME", home.toString());
      Run run = run(List.of("java", "-jar", target.resolve("larder-spark-local.jar").toString(), "run", "cluster.yaml",
          "--db", pg.url), env);
      assertThat(run.exit).as(run.output).isZero();
      assertThat(run.output).contains("[spark] submitted to spark://cluster:7077");
      ServingSnapshot s = ServingSnapshot.of(pg.url, "recs");
      assertThat(s.rows()).isEqualTo(local.rows());
      assertThat(s.sha256()).isEqualTo(local.sha256());

      config("cluster-bad", "spark", "bad.csv", "spark://cluster:7077");
      run = run(List.of("java", "-jar", target.resolve("larder-spark-local.jar").toString(), "run", "cluster-bad.yaml",
          "--db", pg.url), env);
      assertThat(run.exit).as(run.output).isEqualTo(3); // the driver's exit code, through spark-submit
      assertThat(ServingSnapshot.of(pg.url, "recs")).isEqualTo(s);
    }
  }

  /** Spark's own jars, as a Spark installation has them; Larder comes from the shaded jar only. */
  private static String sparkClassPath() throws IOException {
    try (Stream<Path> jars = Files.list(target.resolve("lib"))) {
      return jars.filter(p -> !p.getFileName().toString().startsWith("larder-")).map(Path::toString)
          .collect(Collectors.joining(File.pathSeparator));
    }
  }

  private static void config(String name, String engine, String file) throws IOException {
    config(name, engine, file, "local[2]");
  }

  private static void config(String name, String engine, String file, String master) throws IOException {
    Files.writeString(dir.resolve(name + ".yaml"), """
        engine: %s
        spark: { master: "%s" }
        jobs:
          recs:
            source: { file: %s }
            model: { type: popularity }
            top_n: 5
        """.formatted(engine, master, file));
  }

  record Run(int exit, String output) {}

  private static Run run(List<String> cmd, Map<String, String> env) throws Exception {
    List<String> c = new ArrayList<>(cmd);
    if (c.get(0).equals("java")) c.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.removeIf(String::isEmpty);
    ProcessBuilder pb = new ProcessBuilder(c).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Run(p.waitFor(), out);
  }
}
