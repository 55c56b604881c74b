package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import larder.serve.PredictionReader;
import larder.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree in process, on real SQLite files: help on every command, and the options every command
 * shares or that name a place (--db, --to, serve's --host and --default-limit) refused with exit 2 before any work.
 */
class CommandLineTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  static Result larder(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Every command's path below {@code larder}: [], [run], ..., [segment, members], ... */
  static List<List<String>> commandPaths(CommandLine cl, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    out.add(prefix);
    for (var sub : new TreeSet<>(cl.getSubcommands().keySet())) {
      List<String> path = new ArrayList<>(prefix);
      path.add(sub);
      out.addAll(commandPaths(cl.getSubcommands().get(sub), path));
    }
    return out;
  }

  @Test
  void everyCommandAndSubcommandPrintsItsUsageForHelpAndDashHAndExitsZero() {
    List<List<String>> paths = commandPaths(Main.commandLine(), List.of());
    assertThat(paths).as("the tree was walked").contains(List.of("run"), List.of("segment", "members"), List.of("score", "top"));
    for (List<String> path : paths) {
      for (String flag : List.of("--help", "-h")) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Result r = larder(args.toArray(String[]::new));
        String command = String.join(" ", path);
        assertThat(r.exit()).as("larder %s: %s", String.join(" ", args), r.err()).isZero();
        assertThat(r.out()).as("larder %s", String.join(" ", args))
            .contains("Usage: larder" + (command.isEmpty() ? "" : " " + command)).contains("--help");
        assertThat(r.err()).isEmpty();
      }
    }
  }

  @Test
  void aStoreInAFolderThatDoesNotExistIsRefusedByEveryCommandAndNothingIsCreated() throws Exception {
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  j:\n    schedule: \"@daily\"\n    source: { file: x.csv }\n    model: { type: popularity }\n");
    String db = dir.resolve("nonexistent/dir/x.db").toString();
    List<List<String>> commands = List.of(
        List.of("run", config.toString()), List.of("schedule", config.toString()),
        List.of("recommend", "--job", "j", "--user", "u"), List.of("similar", "--job", "j", "--item", "i"),
        List.of("segment", "--job", "j", "--customer", "c"), List.of("segment", "members", "--job", "j", "--segment", "1"),
        List.of("segment", "profiles", "--job", "j"), List.of("segment", "transitions", "--job", "j"),
        List.of("score", "--job", "j", "--entity", "e"), List.of("score", "top", "--job", "j"),
        List.of("score", "export", "--job", "j"), List.of("export", "--job", "j"), List.of("serve", "--port", "0"),
        List.of("batches"), List.of("status"), List.of("rollback", "--job", "j"),
        List.of("demo", "--dir", dir.resolve("demo").toString(), "--quiet"));
    // Every command that takes --db is in the list.
    List<String> withDb = commandPaths(Main.commandLine(), List.of()).stream()
        .filter(p -> !p.isEmpty() && spec(p).findOption("--db") != null).map(p -> String.join(" ", p)).toList();
    assertThat(commands.stream().map(c -> String.join(" ", c.stream().takeWhile(a -> !a.startsWith("-") && !a.contains("/")).toList())))
        .containsExactlyInAnyOrderElementsOf(withDb);
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--db", db));
      Result r = larder(args.toArray(String[]::new));
      assertThat(r.exit()).as("larder %s: %s", String.join(" ", args), r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args))
          .contains("the folder " + dir.resolve("nonexistent/dir") + " does not exist").contains("hint: create the folder");
    }
    assertThat(dir.resolve("nonexistent")).doesNotExist();
    assertThat(dir.resolve("demo")).as("the demo generated nothing").doesNotExist();
  }

  private static CommandLine.Model.CommandSpec spec(List<String> path) {
    CommandLine cl = Main.commandLine();
    for (String p : path) cl = cl.getSubcommands().get(p);
    return cl.getCommandSpec();
  }

  @Test
  void rollbackToANegativeOrZeroBatchIsRefusedAndServesWhatItServed() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 30; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append('\n');
    Files.writeString(dir.resolve("events.csv"), csv);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  pop:\n    source: { file: events.csv }\n    model: { type: popularity }\n    keep: 3\n");
    String db = dir.resolve("larder.db").toString();
    for (int run = 0; run < 3; run++) assertThat(larder("run", config.toString(), "--db", db, "--quiet").exit()).isZero();
    long current = currentBatch(db);
    for (String to : List.of("-1", "0", "-2")) {
      Result r = larder("rollback", "--job", "pop", "--to", to, "--db", db);
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).contains("--to = " + to).contains("not a batch id").contains("larder batches --job pop");
      assertThat(currentBatch(db)).as("--to %s rolled nothing back", to).isEqualTo(current);
    }
    assertThat(larder("rollback", "--job", "pop", "--to", String.valueOf(current - 1), "--db", db).exit()).isZero();
    assertThat(currentBatch(db)).isEqualTo(current - 1);

    // An export into a folder that does not exist is the option's error, not a bug.
    Path nowhere = dir.resolve("no/such/export.csv");
    Result export = larder("export", "--job", "pop", "--db", db, "-o", nowhere.toString());
    assertThat(export.exit()).as(export.err()).isEqualTo(2);
    assertThat(export.err()).contains("-o = " + nowhere).contains("cannot be written").doesNotContain("internal error");
  }

  @Test
  void recommendLeavesOutItemsTheUserInteractedWithAfterTheBatch() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 30; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append('\n');
    Files.writeString(dir.resolve("events.csv"), csv);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  pop:\n    source: { file: events.csv }\n    model: { type: popularity }\n");
    String db = dir.resolve("larder.db").toString();
    assertThat(larder("run", config.toString(), "--db", db, "--quiet").exit()).isZero();
    List<String> before;
    try (Store s = Store.openExisting(db)) {
      before = new PredictionReader(s).recommend("pop", "u0", 10).items().stream().map(i -> i.itemId()).toList();
      assertThat(before).hasSizeGreaterThan(1);
      larder.store.Events.record(s, List.of(new larder.store.Events.Event("pop", "u0", before.get(0), java.time.Instant.now())));
    }
    // the list printer writes to standard output
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    Result r;
    try {
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      r = larder("recommend", "--job", "pop", "--user", "u0", "--format", "json", "--db", db);
    } finally {
      System.setOut(stdout);
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + printed.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\"" + before.get(0) + "\"").contains("\"" + before.get(1) + "\"");
  }

  private static long currentBatch(String db) {
    try (Store s = Store.openExisting(db)) {
      return new PredictionReader(s).current("pop").orElseThrow().id();
    }
  }

  @Test
  void serveRefusesABadHostAndADefaultLimitNoRequestMayAskBeforeListening() throws Exception {
    String db = dir.resolve("larder.db").toString();
    Store.open(db).close();
    Result host = larder("serve", "--db", db, "--port", "0", "--host", "999.1.1.1");
    assertThat(host.exit()).as(host.err()).isEqualTo(2);
    assertThat(host.err()).contains("--host = 999.1.1.1").contains("not a valid IPv4 address").doesNotContain("in use");
    Result limit = larder("serve", "--db", db, "--port", "0", "--default-limit", "100000");
    assertThat(limit.exit()).as(limit.err()).isEqualTo(2);
    assertThat(limit.err()).contains("--default-limit = 100000").contains("from 1 to 1000");
  }

  @Test
  void anOverflowingMaxAgeIsAConfigurationErrorNotStale() throws Exception {
    String db = dir.resolve("larder.db").toString();
    Store.open(db).close();
    for (List<String> command : List.of(List.of("status"), List.of("serve", "--port", "0"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--db", db, "--max-age", "999999999999999d"));
      Result r = larder(args.toArray(String[]::new));
      assertThat(r.exit()).as(command + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("--max-age = 999999999999999d").contains("longer than");
    }
  }

  @Command(name = "planted-bug")
  static final class PlantedBug implements Callable<Integer> {
    @Override public Integer call() {
      throw new IllegalStateException("planted \u001B[2J bug");
    }
  }

  @Test
  void anInternalErrorExitsWithACodeNoOtherOutcomeUsesAndEscapesItsText() throws Exception {
    CommandLine cl = Main.commandLine();
    cl.addSubcommand(new PlantedBug());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("planted-bug")).isEqualTo(Main.INTERNAL_ERROR).isNotIn(0, 1, 2, 3, 4, 5, 6);
    assertThat(err.toString()).contains("internal error").contains("planted \\u001B[2J bug").doesNotContain("\u001B");
  }
}
