package larder.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback, the backend behind every library's SLF4J logger, for a {@code larder} command. Logs go to
 * standard error, beside the progress lines (which are not log lines and stay as they are); standard output keeps
 * the command's answer. By default libraries (Jetty, HikariCP, Javalin) log WARN and above and Larder INFO: a job's
 * start and publish, a failed request. Each line has an ISO time in UTC, the level, the logger and, while a job
 * runs, the job ({@code job=NAME}; MDC {@code job}).
 *
 * <pre>
 * text: 2026-12-05T16:40:01.123Z INFO  larder.jobs.run.JobRunner job=shop - run of job shop started
 * json: {"time":"2026-12-05T16:40:01.123Z","message":"run of job shop started","logger":"larder.jobs.run.JobRunner",
 *        "thread":"main","level":"INFO","job":"shop"}
 * </pre>
 * The HTTP access log ({@code larder.http.access}) goes through a queue of its own, so a request thread never
 * waits on the terminal; its JSON lines carry method, path, route, status, micros and bytes as fields.
 */
final class LogSetup {
  /** How log lines are written. */
  enum Format { TEXT, JSON }

  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{30}%replace( job=%X{job}){' job=$', ''} - %msg%n";
  private static final String ACCESS_LOGGER = "larder.http.access";
  private static final String COMPOSITE_REGISTRY = "io.micrometer.core.instrument.composite.CompositeMeterRegistry";

  private static final java.util.concurrent.atomic.AtomicBoolean HOOKED = new java.util.concurrent.atomic.AtomicBoolean();

  private LogSetup() {}

  /**
   * The log format from {@code --log-format}, else {@code LARDER_LOG_FORMAT}, else text.
   *
   * @throws ConfigException when the environment names another format
   */
  static Format format(Format option, String env) {
    if (option != null) return option;
    if (env == null || env.isBlank()) return Format.TEXT;
    try {
      return Format.valueOf(env.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("LARDER_LOG_FORMAT", env, "must be text or json", "unset it, or set it to json for"
          + " one JSON object per log line");
    }
  }

  /**
   * Logger levels from {@code --log-level} values, else {@code LARDER_LOG_LEVEL} (comma-separated): {@code LEVEL}
   * sets Larder's own loggers (libraries stay at WARN, or quieter when LEVEL is), {@code LOGGER=LEVEL} one logger
   * and those under it, e.g. {@code org.eclipse.jetty=debug} or {@code larder.http.access=off}.
   *
   * @return logger name ("" for the root) to level, in order
   * @throws ConfigException naming the value that is not a level
   */
  static Map<String, Level> levels(List<String> options, String env) {
    Map<String, Level> out = new LinkedHashMap<>();
    out.put("", Level.WARN);
    out.put("larder", Level.INFO);
    // A server adds its registry to the store's pool meters after the pool made them, on purpose (Store.meters()):
    // Micrometer's warning that earlier samples are not in it says nothing an operator can act on.
    out.put(COMPOSITE_REGISTRY, Level.ERROR);
    List<String> specs = options != null && !options.isEmpty() ? options
        : env == null || env.isBlank() ? List.of() : List.of(env.split(","));
    String source = options != null && !options.isEmpty() ? "--log-level" : "LARDER_LOG_LEVEL";
    for (String spec : specs) {
      String s = spec.strip();
      if (s.isEmpty()) continue;
      int eq = s.indexOf('=');
      Level level = level(source, s, eq < 0 ? s : s.substring(eq + 1).strip());
      if (eq < 0) {
        out.put("larder", level);
        if (level.toInt() > Level.WARN.toInt()) out.put("", level); // error or off: libraries too
      } else {
        String logger = s.substring(0, eq).strip();
        if (logger.isEmpty()) throw new ConfigException(source, spec, "names no logger before '='", "e.g. org.eclipse.jetty=debug");
        out.put(logger.equalsIgnoreCase("root") ? "" : logger, level);
      }
    }
    return out;
  }

  private static Level level(String source, String spec, String name) {
    Level l = Level.toLevel(name.toUpperCase(Locale.ROOT), null);
    if (l == null || l == Level.ALL) {
      throw new ConfigException(source, spec, "'" + name + "' is not a level",
          "use error, warn, info, debug, trace or off, alone (Larder's own loggers) or as LOGGER=LEVEL");
    }
    return l;
  }

  /** Replaces Logback's configuration with Larder's: {@code levels} from {@link #levels}, lines in {@code format}. */
  static void configure(Format format, Map<String, Level> levels) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    apply(ctx, format, levels);
  }

  /** Larder's configuration into {@code ctx}: what {@link #configure} sets, and {@link LogDefaults} at start-up. */
  static void apply(LoggerContext ctx, Format format, Map<String, Level> levels) {
    ConsoleAppender<ILoggingEvent> stderr = stderr(ctx, "stderr", format);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    levels.forEach((name, level) -> (name.isEmpty() ? root : ctx.getLogger(name)).setLevel(level));

    // The access log: a line per request, queued so that request threads do not wait on the terminal; when the
    // queue is full lines are dropped rather than requests slowed.
    AsyncAppender access = new AsyncAppender();
    access.setContext(ctx);
    access.setName("access");
    access.setQueueSize(8_192);
    access.setDiscardingThreshold(0);
    access.setNeverBlock(true);
    access.addAppender(stderr(ctx, "access-stderr", format));
    access.start();
    Logger accessLogger = ctx.getLogger(ACCESS_LOGGER);
    accessLogger.setAdditive(false);
    accessLogger.addAppender(access);
    if (HOOKED.compareAndSet(false, true)) {
      // larder serve ends on a signal: write out the queued lines (for up to a second) before the JVM halts.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        var a = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ACCESS_LOGGER).getAppender("access");
        if (a != null) a.stop();
      }, "larder-log-flush"));
    }
  }

  /** Writes out what is queued and stops logging: before the JVM exits. */
  static void stop() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
  }

  private static ConsoleAppender<ILoggingEvent> stderr(LoggerContext ctx, String name, Format format) {
    Encoder<ILoggingEvent> encoder = format == Format.JSON ? json(ctx) : text(ctx);
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName(name);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(TEXT_PATTERN);
    e.setCharset(StandardCharsets.UTF_8);
    e.start();
    return e;
  }

  /** logstash-logback-encoder's lines with short names: time, level, logger, thread, message, MDC and key-values. */
  private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
    LogstashEncoder e = new LogstashEncoder();
    e.setContext(ctx);
    LogstashFieldNames names = new LogstashFieldNames();
    names.setTimestamp("time");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setLogger("logger");
    names.setThread("thread");
    e.setFieldNames(names);
    e.setTimeZone("UTC");
    e.start();
    return e;
  }
}
