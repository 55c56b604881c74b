package larder.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * What Logback sets up before the command line is read: Larder's defaults (text lines on standard error, libraries at
 * WARN, Larder at INFO; {@link LogSetup} then applies the options). Found through Logback's {@code Configurator}
 * service (META-INF/services) instead of a logback.xml, whose XML parsing cost every command about a third of a
 * second of start-up.
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {
  @Override public ExecutionStatus configure(LoggerContext ctx) {
    LogSetup.apply(ctx, LogSetup.Format.TEXT, LogSetup.levels(null, null));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
