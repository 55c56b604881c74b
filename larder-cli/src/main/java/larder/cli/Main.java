package larder.cli;

import java.io.PrintWriter;
import larder.core.LarderException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code larder} command: one subcommand per job a user has to do. */
@Command(
    name = "larder",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Batch predictions, served from your database.",
    subcommands = {
      RunCommand.class,
      ScheduleCommand.class,
      RecommendCommand.class,
      SimilarCommand.class,
      SegmentCommand.class,
      ScoreCommand.class,
      ServeCommand.class,
      ExportCommand.class,
      BatchesCommand.class,
      StatusCommand.class,
      RollbackCommand.class,
      GenerateCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.println("larder: out of memory: " + e.getMessage());
      System.err.println("  hint: give Java more memory, e.g. LARDER_JAVA_OPTS=-Xmx16g, or use fewer threads / factors");
      code = 1;
    }
    System.exit(code);
  }

  /** The configured command line: typed errors become one or two lines and an exit code, never a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (StopSignals.stopping()) return 1; // the stop hook prints the one line; the JVM exits with 130 or 143
    if (e instanceof LarderException le) {
      err.println("larder: " + le.getMessage());
      if (!le.hint().isEmpty()) err.println("  hint: " + le.hint());
      if (System.getenv("LARDER_DEBUG") != null) e.printStackTrace(err);
      err.flush();
      return le.exitCode();
    }
    err.println("larder: internal error: " + e);
    err.println("  hint: this is a bug; run again with LARDER_DEBUG=1 for the stack trace and report it");
    if (System.getenv("LARDER_DEBUG") != null) e.printStackTrace(err);
    err.flush();
    return 1;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"larder " + (v == null ? "dev" : v)};
    }
  }
}
