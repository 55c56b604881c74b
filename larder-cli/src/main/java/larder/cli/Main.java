package larder.cli;

import java.io.PrintWriter;
import java.util.List;
import larder.core.LarderException;
import larder.core.Printable;
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
      SparkSubmitLineCommand.class,
      ScheduleCommand.class,
      RecommendCommand.class,
      SimilarCommand.class,
      SegmentCommand.class,
      ScoreCommand.class,
      ServeCommand.class,
      ExportCommand.class,
      EvaluateCommand.class,
      BatchesCommand.class,
      StatusCommand.class,
      RollbackCommand.class,
      GenerateCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Read from the parse result (see configureLogging), so they work before or after the subcommand's name.
  @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
      description = "Log lines on standard error as text (default) or json (one object per line, for log shippers);"
          + " or set LARDER_LOG_FORMAT.")
  LogSetup.Format logFormat;

  @CommandLine.Option(names = "--log-level", paramLabel = "LEVEL", split = ",", scope = CommandLine.ScopeType.INHERIT,
      description = "Larder's log level (default info; libraries log warn), or LOGGER=LEVEL for one logger, e.g."
          + " org.eclipse.jetty=debug, larder.http.access=off (repeatable); or set LARDER_LOG_LEVEL.")
  List<String> logLevels;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Exit code of an internal error or running out of memory: none of the codes that mean something (1 is
   * {@code status}'s "stale", 2 to 6 the typed errors), so a crash never reads as one of them.
   */
  static final int INTERNAL_ERROR = 70;

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.println("larder: out of memory: " + e.getMessage());
      System.err.println("  hint: give Java more memory, e.g. LARDER_JAVA_OPTS=-Xmx16g, or use fewer threads / factors");
      code = INTERNAL_ERROR;
    }
    if (logback()) LogSetup.stop(); // writes out the access log's queue
    System.exit(code);
  }

  /** The configured command line: typed errors become one or two lines and an exit code, never a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    addHelpOptions(cl);
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setExecutionStrategy(parsed -> {
      configureLogging(parsed);
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /**
   * Gives every subcommand, at any depth, {@code -h}/{@code --help}: added here once rather than on each
   * {@code @Command}, so a new command cannot forget it (picocli only adds it where asked).
   */
  private static void addHelpOptions(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
      if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
        spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
            .description("Show this help message and exit.").build());
      }
      addHelpOptions(sub);
    }
  }

  /**
   * Sets up logging from {@code --log-format} and {@code --log-level} (given before or after the subcommand's
   * name; the last one wins) or the environment, before the command runs.
   */
  private static void configureLogging(CommandLine.ParseResult parsed) {
    if (!logback()) return; // the Spark jar: Spark's own backend and configuration
    LogSetup.Format format = null;
    List<String> levels = null;
    boolean quiet = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      format = p.matchedOptionValue("--log-format", format);
      levels = p.matchedOptionValue("--log-level", levels);
      quiet |= p.hasMatchedOption("--quiet");
    }
    String envLevels = System.getenv("LARDER_LOG_LEVEL");
    // --quiet asks for the summary only: Larder's own INFO lines (a job started, published) would repeat it
    if (quiet && levels == null && (envLevels == null || envLevels.isBlank())) levels = List.of("warn");
    try {
      LogSetup.configure(LogSetup.format(format, System.getenv("LARDER_LOG_FORMAT")),
          LogSetup.levels(levels, envLevels));
    } catch (LarderException e) {
      throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
    }
  }

  /**
   * True when Logback is the SLF4J backend; not in the Spark jar, which has Spark's own (and no Logback, so
   * {@link LogSetup}, which refers to Logback's classes, must not even be loaded there).
   */
  private static boolean logback() {
    return org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().equals("ch.qos.logback.classic.LoggerContext");
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    if (StopSignals.stopping()) return 1; // the stop hook prints the one line; the JVM exits with 130 or 143
    // Messages echo input (ids, fields, paths): escaped, so a control character in the data cannot drive the terminal.
    if (e instanceof LarderException le) {
      err.println("larder: " + Printable.escape(le.getMessage()));
      if (!le.hint().isEmpty()) err.println("  hint: " + Printable.escape(le.hint()));
      if (System.getenv("LARDER_DEBUG") != null) e.printStackTrace(err);
      err.flush();
      return le.exitCode();
    }
    err.println("larder: internal error: " + Printable.escape(e.toString()));
    err.println("  hint: this is a bug; run again with LARDER_DEBUG=1 for the stack trace and report it");
    if (System.getenv("LARDER_DEBUG") != null) e.printStackTrace(err);
    err.flush();
    return INTERNAL_ERROR;
  }

  /** The build's version and commit, and the Java that runs it (what a bug report needs). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.current().line(),
          "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
              + System.getProperty("java.home") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
  }
}
