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
import larder.jobs.config.RecommendationsJob;
import larder.jobs.run.JobReport;

/**
 * Runs a config's scheduled jobs at their times, one run at a time, until stopped. A recommendations job with
 * {@code refresh: {schedule: ...}} has a second entry that refreshes it ({@link
 * larder.jobs.run.JobRunner#refresh}) at its own times.
 *
 * <ul>
 *   <li><b>No overlap.</b> Runs happen one after another on the scheduler's thread. An entry's next time is
 *       computed from the end of its run, so occurrences that pass while it runs are skipped (and reported),
 *       never queued up. Runs of the same job from other processes are kept out by the job's lock in the store.
 *   <li><b>Order.</b> Jobs due together run in file order, a segments job before the recommendations job that
 *       takes its segment fallback from it ({@link LarderConfig#select}); refreshes due at the same time run
 *       after the full runs, in file order. A refresh due with its own job's full run is skipped: the full run
 *       reads every row the refresh would.
 *   <li><b>Failures</b> are reported and the schedule goes on: the failed job's previous batch keeps serving,
 *       and it is tried again at its next time. A refresh that fails (its job's lock held by a full run in
 *       another process, too many changed users) is reported alike and leaves the current lists serving.
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

  /**
   * What the scheduler did, for the console or a log. {@code job} is an {@link Entry#label()}: the job's name
   * for a full run, {@code "NAME refresh"} for its refresh.
   */
  public interface Events {
    void planned(String job, ZonedDateTime at);

    void started(String job, ZonedDateTime due);

    void finished(String job, JobReport report);

    void failed(String job, RuntimeException e);

    /** Occurrences of {@code job} that passed while something ran. */
    void skipped(String job, int occurrences);

    /** A refresh not run because its job's full run was due at the same time and covers it. */
    default void covered(String refresh, String fullRun) {}
  }

  /** One line of the timetable: a job's full run, or its refresh. */
  public record Entry(String job, boolean refresh) {
    /** The job's name, or {@code "NAME refresh"}. */
    public String label() {
      return refresh ? job + " refresh" : job;
    }
  }

  /** An entry and when it is due next. */
  public record Due(Entry entry, ZonedDateTime at, Schedule schedule) {
    public String job() { return entry.job(); }

    public boolean refresh() { return entry.refresh(); }

    /** See {@link Entry#label()}. */
    public String label() { return entry.label(); }
  }

  private final LarderConfig config;
  private final Function<JobConfig, JobReport> run;
  private final Function<RecommendationsJob, JobReport> refresh;
  private final Clock clock;
  private final Events events;
  /** Every scheduled entry in file order, a job's full run before its refresh. */
  private final Map<Entry, Schedule> timetable = new LinkedHashMap<>();

  /** Full runs only: a refresh entry fails, saying so. */
  public Scheduler(LarderConfig config, Function<JobConfig, JobReport> run, Clock clock, Events events) {
    this(config, run, job -> {
      throw new larder.core.ConfigException("jobs." + job.name() + ".refresh.schedule", null,
          "this scheduler was started without refreshes");
    }, clock, events);
  }

  /**
   * @param run runs one job (a {@link larder.jobs.run.JobRunner}'s {@code run})
   * @param refresh refreshes one job (a {@link larder.jobs.run.JobRunner}'s {@code refresh})
   */
  public Scheduler(LarderConfig config, Function<JobConfig, JobReport> run,
      Function<RecommendationsJob, JobReport> refresh, Clock clock, Events events) {
    for (JobConfig job : config.jobs().values()) {
      Schedule full = config.schedules().get(job.name());
      if (full != null) timetable.put(new Entry(job.name(), false), full);
      Schedule r = refreshSchedule(job);
      if (r != null) timetable.put(new Entry(job.name(), true), r);
    }
    if (timetable.isEmpty()) {
      throw new larder.core.ConfigException(config.file().toString(), null, "no job has a schedule",
          "add schedule: \"0 3 * * *\" (cron, five fields) to the jobs to run on a schedule, or refresh: {schedule:"
              + " \"*/15 * * * *\"} to a recommendations job to refresh it");
    }
    this.config = config;
    this.run = run;
    this.refresh = refresh;
    this.clock = clock;
    this.events = events;
  }

  /** The job's {@code refresh.schedule}, or null. */
  public static Schedule refreshSchedule(JobConfig job) {
    return job instanceof RecommendationsJob r && r.refresh() != null ? r.refresh().schedule() : null;
  }

  /** Every scheduled entry with its schedule, in file order, a job's full run before its refresh. */
  public Map<Entry, Schedule> timetable() {
    return java.util.Collections.unmodifiableMap(timetable);
  }

  /** Each scheduled entry's next time after {@code now}, soonest first (full runs first at equal times). */
  public List<Due> upcoming(Instant now) {
    List<Due> out = new ArrayList<>();
    timetable.forEach((e, s) -> s.next(now.atZone(s.zone())).ifPresent(t -> out.add(new Due(e, t, s))));
    out.sort(Comparator.comparing((Due d) -> d.at().toInstant()).thenComparing(Due::refresh));
    return out;
  }

  /**
   * Runs jobs at their times until {@code stop} returns true (checked between runs and while waiting).
   *
   * @throws larder.core.ConfigException when no scheduled job has a next time: a scheduler with nothing left to
   *     run fails rather than returning as if it had been stopped
   */
  public void run(BooleanSupplier stop) throws InterruptedException {
    Map<Entry, ZonedDateTime> next = new LinkedHashMap<>();
    for (Due d : upcoming(clock.now())) {
      next.put(d.entry(), d.at());
      events.planned(d.label(), d.at());
    }
    while (!stop.getAsBoolean() && !next.isEmpty()) {
      Instant soonest = next.values().stream().map(ZonedDateTime::toInstant).min(Comparator.naturalOrder()).orElseThrow();
      clock.sleepUntil(soonest, stop);
      if (stop.getAsBoolean()) return;
      Instant now = clock.now();
      List<String> dueJobs = new ArrayList<>(); // in file order
      List<Entry> dueRefreshes = new ArrayList<>();
      for (Entry e : timetable.keySet()) {
        ZonedDateTime at = next.get(e);
        if (at == null || at.toInstant().isAfter(now)) continue;
        if (e.refresh()) dueRefreshes.add(e);
        else dueJobs.add(e.job());
      }
      if (dueJobs.isEmpty() && dueRefreshes.isEmpty()) continue; // woke early
      List<Entry> order = new ArrayList<>();
      if (!dueJobs.isEmpty()) {
        for (JobConfig job : config.select(dueJobs)) order.add(new Entry(job.name(), false));
      }
      order.addAll(dueRefreshes);
      for (Entry e : order) {
        if (stop.getAsBoolean()) return;
        ZonedDateTime dueAt = next.get(e);
        if (e.refresh() && dueJobs.contains(e.job())) {
          events.covered(e.label(), e.job()); // the full run just made read every row the refresh would
        } else {
          runOne(e, dueAt);
        }
        plan(next, e, dueAt);
      }
    }
    if (!stop.getAsBoolean()) {
      // Schedule.parse refuses expressions that never fire, so this is a guard: never end quietly as if stopped.
      throw new larder.core.ConfigException(config.file().toString(), null, "no scheduled job will run again",
          "check the jobs' schedule: expressions with 'larder status --config " + config.file() + "'");
    }
  }

  private void runOne(Entry e, ZonedDateTime dueAt) {
    JobConfig job = config.jobs().get(e.job());
    events.started(e.label(), dueAt);
    try {
      events.finished(e.label(), e.refresh() ? refresh.apply((RecommendationsJob) job) : run.apply(job));
    } catch (RuntimeException x) {
      events.failed(e.label(), x); // the serving lists stay; it runs again at its next time
    }
  }

  /** The entry's next time after the end of its run; the times that passed meanwhile are reported as skipped. */
  private void plan(Map<Entry, ZonedDateTime> next, Entry e, ZonedDateTime dueAt) {
    Schedule s = timetable.get(e);
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
    if (missed > 0) events.skipped(e.label(), missed);
    if (t == null) {
      next.remove(e);
    } else {
      next.put(e, t);
      events.planned(e.label(), t);
    }
  }
}
