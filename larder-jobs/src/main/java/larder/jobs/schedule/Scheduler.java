package larder.jobs.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobReport;

/**
 * Runs a config's scheduled jobs at their times, one run at a time, until stopped.
 *
 * <ul>
 *   <li><b>No overlap.</b> Runs happen one after another on the scheduler's thread. A job's next time is
 *       computed from the end of its run, so occurrences that pass while it runs are skipped (and reported),
 *       never queued up. Runs of the same job from other processes are kept out by the job's lock in the store.
 *   <li><b>Order.</b> Jobs due together run in file order, a segments job before the recommendations job that
 *       takes its segment fallback from it ({@link LarderConfig#select}).
 *   <li><b>Failures</b> are reported and the schedule goes on: the failed job's previous batch keeps serving,
 *       and it is tried again at its next time.
 * </ul>
 */
public final class Scheduler {
  /** Time as the scheduler sees it: real time, or a test's. */
  public interface Clock {
    Instant now();

    /** Waits until {@code t} or until {@code stop} says so, whichever comes first. */
    void sleepUntil(Instant t, BooleanSupplier stop) throws InterruptedException;

    /** The system clock, waking at least once a second to check {@code stop}. */
    Clock SYSTEM = new Clock() {
      @Override public Instant now() { return Instant.now(); }

      @Override public void sleepUntil(Instant t, BooleanSupplier stop) throws InterruptedException {
        while (!stop.getAsBoolean()) {
          long ms = Duration.between(Instant.now(), t).toMillis();
          if (ms <= 0) return;
          Thread.sleep(Math.min(ms, 1_000));
        }
      }
    };
  }

  /** What the scheduler did, for the console or a log. */
  public interface Events {
    void planned(String job, ZonedDateTime at);

    void started(String job, ZonedDateTime due);

    void finished(String job, JobReport report);

    void failed(String job, RuntimeException e);

    /** Occurrences of {@code job} that passed while something ran. */
    void skipped(String job, int occurrences);
  }

  /** A job and when it is due next. */
  public record Due(String job, ZonedDateTime at, Schedule schedule) {}

  private final LarderConfig config;
  private final Function<JobConfig, JobReport> run;
  private final Clock clock;
  private final Events events;

  /** @param run runs one job (a {@link larder.jobs.run.JobRunner}'s {@code run}) */
  public Scheduler(LarderConfig config, Function<JobConfig, JobReport> run, Clock clock, Events events) {
    if (config.schedules().isEmpty()) {
      throw new larder.core.ConfigException(config.file().toString(), null, "no job has a schedule",
          "add schedule: \"0 3 * * *\" (cron, five fields) to the jobs to run on a schedule");
    }
    this.config = config;
    this.run = run;
    this.clock = clock;
    this.events = events;
  }

  /** Each scheduled job's next time after {@code now}, soonest first. */
  public List<Due> upcoming(Instant now) {
    List<Due> out = new ArrayList<>();
    config.schedules().forEach((job, s) -> s.next(now.atZone(s.zone())).ifPresent(t -> out.add(new Due(job, t, s))));
    out.sort(Comparator.comparing((Due d) -> d.at().toInstant()));
    return out;
  }

  /**
   * Runs jobs at their times until {@code stop} returns true (checked between runs and while waiting).
   *
   * @throws larder.core.ConfigException when no scheduled job has a next time: a scheduler with nothing left to
   *     run fails rather than returning as if it had been stopped
   */
  public void run(BooleanSupplier stop) throws InterruptedException {
    Map<String, ZonedDateTime> next = new LinkedHashMap<>();
    for (Due d : upcoming(clock.now())) {
      next.put(d.job(), d.at());
      events.planned(d.job(), d.at());
    }
    while (!stop.getAsBoolean() && !next.isEmpty()) {
      Instant soonest = next.values().stream().map(ZonedDateTime::toInstant).min(Comparator.naturalOrder()).orElseThrow();
      clock.sleepUntil(soonest, stop);
      if (stop.getAsBoolean()) return;
      Instant now = clock.now();
      List<String> due = new ArrayList<>(); // in file order
      for (String job : config.jobs().keySet()) {
        ZonedDateTime at = next.get(job);
        if (at != null && !at.toInstant().isAfter(now)) due.add(job);
      }
      if (due.isEmpty()) continue; // woke early
      for (JobConfig job : config.select(due)) {
        if (stop.getAsBoolean()) return;
        String name = job.name();
        ZonedDateTime dueAt = next.get(name);
        events.started(name, dueAt);
        try {
          events.finished(name, run.apply(job));
        } catch (RuntimeException e) {
          events.failed(name, e); // its previous batch keeps serving; it runs again at its next time
        }
        Schedule s = config.schedules().get(name);
        Instant end = clock.now();
        int missed = 0;
        ZonedDateTime t = dueAt;
        while (true) {
          var n = s.next(t);
          if (n.isEmpty()) {
            t = null;
            break;
          }
          t = n.get();
          if (t.toInstant().isAfter(end)) break;
          missed++;
        }
        if (missed > 0) events.skipped(name, missed);
        if (t == null) {
          next.remove(name);
        } else {
          next.put(name, t);
          events.planned(name, t);
        }
      }
    }
    if (!stop.getAsBoolean()) {
      // Schedule.parse refuses expressions that never fire, so this is a guard: never end quietly as if stopped.
      throw new larder.core.ConfigException(config.file().toString(), null, "no scheduled job will run again",
          "check the jobs' schedule: expressions with 'larder status --config " + config.file() + "'");
    }
  }
}
