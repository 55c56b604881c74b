package larder.jobs.schedule;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;
import larder.core.ConfigException;

/**
 * When a job runs: a cron expression in the usual five fields (minute hour day-of-month month day-of-week, as
 * crontab(5) reads them, with names, ranges, lists and steps: {@code 0 3 * * *}, {@code 30 6 * * MON-FRI},
 * {@code 0 *&#47;6 * * *}) or a shorthand ({@code @daily}, {@code @hourly}, {@code @weekly}), in a time zone.
 */
public final class Schedule {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String text;
  private final Cron cron;
  private final ExecutionTime times;
  private final ZoneId zone;

  private Schedule(String text, Cron cron, ZoneId zone) {
    this.text = text;
    this.cron = cron;
    this.times = ExecutionTime.forCron(cron);
    this.zone = zone;
  }

  /**
   * @param key the config key, for messages ("jobs.shop.schedule")
   * @throws ConfigException naming the key when the expression is not a valid cron expression
   */
  public static Schedule parse(String key, String text, ZoneId zone) {
    String t = text == null ? "" : text.strip();
    String expanded = switch (t.toLowerCase(Locale.ROOT)) {
      case "@hourly" -> "0 * * * *";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@weekly" -> "0 0 * * 0";
      case "@monthly" -> "0 0 1 * *";
      default -> t;
    };
    Schedule s;
    try {
      s = new Schedule(t, PARSER.parse(expanded).validate(), zone);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, text, "is not a cron expression: " + e.getMessage(),
          "five fields, minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\" for 03:00 every day");
    }
    // A valid expression may still name a day that never comes (31 February): the job would silently never run.
    if (s.next(ZonedDateTime.now(zone)).isEmpty()) {
      throw new ConfigException(key, text, "never fires: no date matches its day-of-month and month",
          "check the day-of-month and month fields: \"0 0 28 2 *\" runs on 28 February, \"0 0 30 * *\" on the 30th of"
              + " every month that has one");
    }
    return s;
  }

  /** The first time strictly after {@code after} at which the job is due, in the schedule's zone. */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    return times.nextExecution(after.withZoneSameInstant(zone));
  }

  public ZoneId zone() { return zone; }

  /** The expression as written. */
  public String text() { return text; }

  /** In words, e.g. "at 03:00" (English). */
  public String describe() {
    return CronDescriptor.instance(Locale.ENGLISH).describe(cron);
  }

  @Override public String toString() { return text + " (" + zone + ")"; }
}
