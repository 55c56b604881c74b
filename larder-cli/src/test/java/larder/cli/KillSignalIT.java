package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import larder.testkit.PgSchema;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kills and stop signals during each phase of a run, through the real launcher and jar: SIGKILL, SIGTERM and
 * SIGINT during extract, train and publish (scoring streamed into the store), each phase found by its
 * progress line on stderr. After each, the serving batch is unchanged, the killed batch shows as failed
 * (interrupted, or crashed for SIGKILL), and the next run of the job starts at once (a held lock would
 * refuse it) and publishes. The killed run reads a file large enough for each phase to last a second or
 * so; the next run reads a small one, so a case takes seconds (three launches of the jar).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillSignalIT {
  @TempDir static Path work;
  PgSchema pg;
  larder.testkit.MariaDbDatabase maria;
  /** Stores with a first batch: each case's next run serves the next case of its store. */
  final Set<String> seeded = new HashSet<>();

  enum Phase {
    EXTRACT("[shop] reading big.csv"), TRAIN("[shop] training als"), PUBLISH("[shop] scoring top-10");

    final String line;

    Phase(String line) {
      this.line = line;
    }
  }

  enum Signal {
    KILL(137), TERM(143), INT(130);

    final int exit;

    Signal(int exit) {
      this.exit = exit;
    }
  }

  record Result(int exit, String out, String err) {}

  @BeforeAll void inputs() throws Exception {
    Result gen = run(List.of("generate", "--users", "40000", "--items", "4000", "--interactions", "1500000",
        "-o", "big.csv", "-q"));
    assertThat(gen.exit()).as(gen.err()).isZero();
    Result small = run(List.of("generate", "--users", "500", "--items", "100", "--interactions", "5000",
        "-o", "small.csv", "-q"));
    assertThat(small.exit()).as(small.err()).isZero();
    Files.writeString(work.resolve("heavy.yaml"), "jobs:\n  shop:\n    source: { file: big.csv, columns: { user: user_id, item: item_id } }\n"
        + "    model: { type: als, factors: 16, iterations: 3 }\n");
    Files.writeString(work.resolve("light.yaml"), "jobs:\n  shop:\n    source: { file: small.csv, columns: { user: user_id, item: item_id } }\n"
        + "    model: { type: popularity }\n");
    pg = new PgSchema();
    maria = new larder.testkit.MariaDbDatabase();
  }

  @AfterAll void dropSchema() {
    pg.close();
    maria.close();
  }

  static Stream<Arguments> everySignalInEveryPhase() {
    List<Arguments> cases = new ArrayList<>();
    for (Signal s : Signal.values()) for (Phase p : Phase.values()) cases.add(Arguments.of(s, p));
    return cases.stream();
  }

  @ParameterizedTest(name = "SQLite: SIG{0} during {1}")
  @MethodSource("everySignalInEveryPhase")
  void sqlite(Signal signal, Phase phase) throws Exception {
    killAndRecover(work.resolve("kill.db").toString(), signal, phase);
  }

  @Test void postgresKillDuringPublish() throws Exception {
    killAndRecover(pg.url, Signal.KILL, Phase.PUBLISH);
  }

  @Test void postgresTermDuringPublish() throws Exception {
    killAndRecover(pg.url, Signal.TERM, Phase.PUBLISH);
  }

  @Test void mariadbKillDuringPublish() throws Exception {
    killAndRecover(maria.url, Signal.KILL, Phase.PUBLISH);
  }

  @Test void mariadbTermDuringPublish() throws Exception {
    killAndRecover(maria.url, Signal.TERM, Phase.PUBLISH);
  }

  private void killAndRecover(String db, Signal signal, Phase phase) throws Exception {
    if (seeded.add(db)) {
      Result first = run(List.of("run", "light.yaml", "--db", db, "--quiet"));
      assertThat(first.exit()).as(first.err()).isZero();
    }
    ServingSnapshot before = ServingSnapshot.of(db, "shop");
    assertThat(before.rows()).isPositive();

    Result killed = killDuring(db, signal, phase);
    assertThat(killed.exit()).as(killed.err()).isEqualTo(signal.exit);
    assertThat(ServingSnapshot.of(db, "shop")).as("the serving batch is unchanged").isEqualTo(before);
    String[] newest = newestBatch(db);
    long killedBatch = Long.parseLong(newest[0]);
    assertThat(killedBatch).isGreaterThan(before.batchId());
    assertThat(newest[4]).as(String.join(",", newest)).isEqualTo("failed");
    if (signal == Signal.KILL) {
      assertThat(String.join(",", newest)).contains("crashed").contains("no longer running");
    } else {
      List<String> said = killed.err().lines().filter(l -> l.startsWith("larder: ")).toList();
      assertThat(said).as(killed.err()).singleElement().asString()
          .contains("interrupted by SIG" + signal).contains("batch " + killedBatch).contains("marked failed");
      assertThat(String.join(",", newest)).contains("interrupted by SIG" + signal);
      assertThat(killed.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    Result next = run(List.of("run", "light.yaml", "--db", db, "--quiet"));
    assertThat(next.exit()).as("the next run is not refused: " + next.err()).isZero();
    assertThat(next.out()).contains("published batch");
    assertThat(ServingSnapshot.of(db, "shop").batchId()).isGreaterThan(killedBatch);
    // as stored now: the next run marked a crashed batch failed for good
    try (Connection c = DriverManager.getConnection(db.startsWith("jdbc:") ? db : "jdbc:sqlite:" + db);
        PreparedStatement ps = c.prepareStatement("SELECT status, message FROM larder_batch WHERE batch_id = ?")) {
      ps.setLong(1, killedBatch);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("failed");
        assertThat(rs.getString(2)).contains(signal == Signal.KILL ? "crashed" : "interrupted by SIG" + signal);
      }
    }
  }

  /** Starts the heavy run, waits for {@code phase}'s line on stderr, sends {@code signal}, waits for the exit. */
  private Result killDuring(String db, Signal signal, Phase phase) throws Exception {
    Path out = Files.createTempFile(work, "out", ".txt"), err = Files.createTempFile(work, "err", ".txt");
    Process p = launcher(List.of("run", "heavy.yaml", "--db", db)).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(err, StandardCharsets.UTF_8).contains(phase.line)) {
        assertThat(p.isAlive()).as("the run ended before " + phase + ": " + Files.readString(err)).isTrue();
        assertThat(System.nanoTime()).as("no " + phase + " line in a minute").isLessThan(until);
        Thread.sleep(10);
      }
      switch (signal) {
        case KILL -> p.destroyForcibly();
        case TERM -> p.destroy();
        case INT -> assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits after SIG" + signal).isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** The newest batch of job shop as `batches --format csv` prints it, split at commas. */
  private String[] newestBatch(String db) throws Exception {
    Result r = run(List.of("batches", "--job", "shop", "--db", db, "--format", "csv"));
    assertThat(r.exit()).as(r.err()).isZero();
    return r.out().lines().skip(1).findFirst().orElseThrow().split(",", -1);
  }

  private Result run(List<String> args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "out", ".txt"), err = Files.createTempFile(work, "err", ".txt");
    Process p = launcher(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("larder " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * The launcher with {@code args}. A process started with SIGINT ignored (a background job of a
   * non-interactive shell) passes that on, and the JVM then rightly ignores Ctrl-C: `env
   * --default-signal=INT` gives the run the disposition a terminal's Ctrl-C meets.
   */
  private static ProcessBuilder launcher(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (sigintIgnoredHere()) cmd.addAll(List.of("env", "--default-signal=INT"));
    cmd.add("bash");
    cmd.add(System.getProperty("larder.launcher"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().put("LARDER_JAR", System.getProperty("larder.jar"));
    pb.environment().remove("LARDER_DB");
    pb.environment().put("LARDER_JAVA_OPTS", "-Xmx1g");
    return pb;
  }

  private static boolean sigintIgnoredHere() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0;
    }
    return false;
  }
}
