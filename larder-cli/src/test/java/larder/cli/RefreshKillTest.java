package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A refresh killed at any point leaves the previous state serving": {@code larder run --refresh} in a child JVM,
 * killed with SIGKILL while it reads its source (a named pipe the test feeds and then stalls), inside its
 * publishing transaction (paused there by {@code larder.refresh.pauseBeforeCommitMillis}) and after its commit
 * (paused by {@code larder.refresh.pauseAfterCommitMillis}, the job's lock still held). After each kill the
 * views serve exactly what was committed before it, whole lists and batch ids, and the next refresh takes the
 * dead process's lock over and publishes. A SIGTERM inside the transaction lets it finish and release the lock.
 * On SQLite and PostgreSQL.
 */
class RefreshKillTest {
  private static final long T0 = 1_700_000_000L;

  @TempDir Path dir;
  private long newest;

  @Test void sqlite() throws Exception {
    killAtEveryPoint(dir.resolve("larder.db").toString());
  }

  @Test void postgres() throws Exception {
    try (PgSchema pg = new PgSchema()) {
      killAtEveryPoint(pg.url);
    }
  }

  @Test void mariadb() throws Exception {
    try (larder.testkit.MariaDbDatabase maria = new larder.testkit.MariaDbDatabase()) {
      killAtEveryPoint(maria.url);
    }
  }

  private void killAtEveryPoint(String db) throws Exception {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    for (int u = 0; u < 300; u++) {
      for (int k = 0; k < 6; k++) {
        long ts = T0 + random.nextInt(100_000);
        newest = Math.max(newest, ts);
        csv.append('u').append(u).append(",i").append((int) (40 * Math.pow(random.nextDouble(), 2))).append(',')
            .append(ts).append('\n');
      }
    }
    Files.writeString(dir.resolve("events.csv"), csv);
    Files.writeString(dir.resolve("new.csv"), "user_id,item_id,ts\n");
    Path fifo = dir.resolve("new.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    String job = """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, timestamp: ts } }
            model: { type: itemknn, neighbors: 10 }
            top_n: 5
            refresh: { source: { file: %s, columns: { user: user_id, item: item_id, timestamp: ts } } }
        """;
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, job.formatted("new.csv"));
    Path piped = dir.resolve("piped.yaml");
    Files.writeString(piped, job.formatted("new.fifo"));

    Child full = child(List.of(), "run", config.toString(), "--db", db, "--quiet");
    assertThat(full.waitFor()).as(full.err()).isZero();
    Served base = Served.of(db);
    assertThat(base.lists()).hasSize(300);

    // 1. killed while reading: the pipe gives a few rows and then nothing
    addRows("u1", "u2");
    Child reading = child(List.of(), "run", piped.toString(), "--db", db, "--refresh");
    java.util.concurrent.CountDownLatch fed = new java.util.concurrent.CountDownLatch(1);
    Thread feed = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) { // opens once the child opens the pipe to read
        out.write(("user_id,item_id,ts\nu1,i1," + (newest + 1) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        fed.countDown();
        Thread.sleep(120_000); // stalls until the reader dies
      } catch (IOException | InterruptedException expected) {
        // the reader was killed
      }
    }, "feed");
    feed.setDaemon(true);
    feed.start();
    reading.awaitLine("reading new.fifo after");
    assertThat(fed.await(1, TimeUnit.MINUTES)).as("the child opened the pipe: " + reading.err()).isTrue();
    Thread.sleep(300); // inside the read, blocked on the pipe
    assertThat(reading.kill()).isEqualTo(137);
    feed.interrupt();
    feed.join(10_000);
    assertThat(Served.of(db)).as("killed while reading: the base serves").isEqualTo(base);

    // 2. killed inside the publishing transaction: rows written, not committed
    Child publishing = child(List.of("-D" + "larder.refresh.pauseBeforeCommitMillis=60000"), "run", config.toString(),
        "--db", db, "--refresh");
    publishing.awaitLine("pauses 60000 ms before the commit");
    assertThat(publishing.kill()).isEqualTo(137);
    assertThat(Served.of(db)).as("killed before the commit: the base serves").isEqualTo(base);
    long crashed = newestBatch(db);

    // the next refresh takes the dead process's lock over and publishes the same rows
    Child next = child(List.of(), "run", config.toString(), "--db", db, "--refresh");
    assertThat(next.waitFor()).as(next.err()).isZero();
    Served refreshed = Served.of(db);
    long first = newestBatch(db);
    assertThat(first).isGreaterThan(crashed);
    assertThat(refreshed.refreshId()).isEqualTo(first);
    assertThat(refreshed.lists().get("u1")).allSatisfy(row -> assertThat(row).endsWith(" " + first));
    assertThat(refreshed.lists().get("u2")).allSatisfy(row -> assertThat(row).endsWith(" " + first));
    assertThat(status(db, crashed)).isEqualTo("failed");

    // 3. killed after the commit, the lock still held: the refresh it committed serves
    addRows("u3", "u4");
    Child committing = child(List.of("-D" + "larder.refresh.pauseAfterCommitMillis=60000"), "run", config.toString(),
        "--db", db, "--refresh");
    committing.awaitLine("pauses 60000 ms after the commit");
    Served committed = Served.of(db);
    assertThat(committing.kill()).isEqualTo(137);
    long second = newestBatch(db);
    assertThat(committed.refreshId()).isEqualTo(second);
    assertThat(Served.of(db)).as("killed after the commit: the new refresh serves").isEqualTo(committed);
    assertThat(committed.lists().get("u3")).allSatisfy(row -> assertThat(row).endsWith(" " + second));
    assertThat(committed.lists().get("u1")).isEqualTo(refreshed.lists().get("u1"));
    assertThat(status(db, second)).isEqualTo("published");

    addRows("u5");
    Child after = child(List.of(), "run", config.toString(), "--db", db, "--refresh");
    assertThat(after.waitFor()).as("the lock of the dead process is taken over: " + after.err()).isZero();
    Served last = Served.of(db);
    long third = newestBatch(db);
    assertThat(third).isGreaterThan(second);
    assertThat(last.refreshId()).isEqualTo(third);
    assertThat(last.lists().get("u5")).allSatisfy(row -> assertThat(row).endsWith(" " + third));
    assertThat(last.lists().get("u3")).isEqualTo(committed.lists().get("u3"));

    // 4. SIGTERM inside the publishing transaction: the stop lets the transaction finish and releases the lock
    addRows("u6");
    Child terminated = child(List.of("-D" + "larder.refresh.pauseBeforeCommitMillis=2000"), "run", config.toString(),
        "--db", db, "--refresh");
    terminated.awaitLine("pauses 2000 ms before the commit");
    long fourth = newestBatch(db);
    terminated.process().destroy();
    assertThat(terminated.waitFor()).as(terminated.err()).isEqualTo(143);
    assertThat(terminated.err()).contains("interrupted by SIGTERM: batch " + fourth + " of job 'shop' had already been"
        + " published").doesNotContain("\tat ");
    Served stopped = Served.of(db);
    assertThat(stopped.refreshId()).isEqualTo(fourth);
    assertThat(stopped.lists().get("u6")).allSatisfy(row -> assertThat(row).endsWith(" " + fourth));
    assertThat(locks(db)).isZero();
  }

  private static long locks(String db) throws SQLException {
    try (Connection c = connect(db);
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM larder_job_lock");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Appends an interaction of each user to new.csv, each a second after the newest so far. */
  private void addRows(String... users) throws IOException {
    StringBuilder csv = new StringBuilder();
    for (String u : users) csv.append(u).append(",i").append(30 + (int) (newest % 7)).append(',').append(++newest).append('\n');
    Files.writeString(dir.resolve("new.csv"), csv, StandardOpenOption.APPEND);
  }

  /** What the job serves: current batch, current refresh and every user's rows. */
  record Served(long batchId, Long refreshId, Map<String, List<String>> lists) {
    static Served of(String db) throws SQLException {
      try (Connection c = connect(db)) {
        long batch;
        Long refresh;
        try (PreparedStatement ps = c.prepareStatement("SELECT batch_id, refresh_id FROM larder_current WHERE job = 'shop'");
            ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          batch = rs.getLong(1);
          long r = rs.getLong(2);
          refresh = rs.wasNull() ? null : r;
        }
        Map<String, List<String>> lists = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, rank, item_id, score, batch_id"
            + " FROM larder_recommendations WHERE job = 'shop' ORDER BY user_id, rank");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lists.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2) + " " + rs.getString(3)
                + " " + Integer.toHexString(Float.floatToRawIntBits(rs.getFloat(4))) + " " + rs.getLong(5));
          }
        }
        return new Served(batch, refresh, lists);
      }
    }
  }

  private static Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(db.startsWith("jdbc:") ? db : "jdbc:sqlite:" + db);
  }

  private static long newestBatch(String db) throws SQLException {
    try (Connection c = connect(db);
        PreparedStatement ps = c.prepareStatement("SELECT MAX(batch_id) FROM larder_batch WHERE job = 'shop'");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String status(String db, long batch) throws SQLException {
    try (Connection c = connect(db);
        PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batch WHERE batch_id = ?")) {
      ps.setLong(1, batch);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  /** {@code larder ARGS} in a child JVM on this test's class path. */
  private Child child(List<String> jvmOptions, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("larder.cli.Main");
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile()).start();
    return new Child(p, err);
  }

  private record Child(Process process, Path errFile) {
    String err() {
      try {
        return Files.readString(errFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    }

    int waitFor() throws InterruptedException {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("larder did not finish in 2 minutes: " + err());
      }
      return process.exitValue();
    }

    void awaitLine(String text) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (!err().contains(text)) {
        assertThat(process.isAlive()).as("ended before '" + text + "': " + err()).isTrue();
        assertThat(System.nanoTime()).as("no '" + text + "' in a minute: " + err()).isLessThan(until);
        Thread.sleep(20);
      }
    }

    /** SIGKILL, and the exit code. */
    int kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return process.exitValue();
    }
  }
}
