package larder.jobs.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import larder.core.ConfigException;
import larder.core.ModelException;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.YamlConfig;
import larder.jobs.run.JobReport;
import org.junit.jupiter.api.Test;

/** The scheduler on a simulated clock: when jobs run, in which order, and what happens to overlaps and failures. */
class SchedulerTest {
  static final Path FILE = Path.of("/tmp/larder-schedule-test/larder.yaml");

  static LarderConfig config(String yaml) {
    return YamlConfig.parse(FILE, yaml);
  }

  static String job(String name, String schedule) {
    return "  " + name + ":\n    source: { file: x.csv }\n    model: { type: popularity }\n"
        + (schedule == null ? "" : "    schedule: \"" + schedule + "\"\n");
  }

  /** A clock that jumps to the time it is asked to sleep until; runs take the time the test gives them. */
  static final class SimClock implements Scheduler.Clock {
    Instant now;

    SimClock(String start) { now = Instant.parse(start); }

    @Override public Instant now() { return now; }

    @Override public void sleepUntil(Instant t, BooleanSupplier stop) {
      if (t.isAfter(now)) now = t;
    }
  }

  /** Records every event as text, with the simulated time. */
  static class Log implements Scheduler.Events {
    final SimClock clock;
    final List<String> lines = new ArrayList<>();

    Log(SimClock clock) { this.clock = clock; }

    @Override public void planned(String job, ZonedDateTime at) {}

    @Override public void started(String job, ZonedDateTime due) { lines.add(clock.now + " start " + job); }

    @Override public void finished(String job, JobReport report) { lines.add(clock.now + " done " + job); }

    @Override public void failed(String job, RuntimeException e) { lines.add(clock.now + " failed " + job + ": " + e.getMessage()); }

    @Override public void skipped(String job, int occurrences) { lines.add(clock.now + " skipped " + job + " x" + occurrences); }
  }

  /** Runs until {@code runs} jobs have started; each run of a job takes its duration (default 1 minute). */
  static List<String> simulate(LarderConfig cfg, String start, int runs, Map<String, Duration> took, String failing) throws Exception {
    SimClock clock = new SimClock(start);
    Log log = new Log(clock);
    int[] started = {0};
    Scheduler s = new Scheduler(cfg, job -> {
      started[0]++;
      clock.now = clock.now.plus(took.getOrDefault(job.name(), Duration.ofMinutes(1)));
      if (job.name().equals(failing)) throw new ModelException("planted failure", null);
      return null;
    }, clock, log);
    s.run(() -> started[0] >= runs);
    return log.lines;
  }

  @Test
  void jobsRunAtTheirTimesAndJobsDueTogetherRunInFileOrder() throws Exception {
    LarderConfig cfg = config("jobs:\n" + job("nightly", "0 3 * * *") + job("hourly", "@hourly") + job("manual", null));
    List<String> log = simulate(cfg, "2025-01-01T00:30:00Z", 4, Map.of(), null);
    assertThat(log).containsExactly(
        "2025-01-01T01:00:00Z start hourly", "2025-01-01T01:01:00Z done hourly",
        "2025-01-01T02:00:00Z start hourly", "2025-01-01T02:01:00Z done hourly",
        "2025-01-01T03:00:00Z start nightly", "2025-01-01T03:01:00Z done nightly",
        "2025-01-01T03:01:00Z start hourly", "2025-01-01T03:02:00Z done hourly");
    assertThat(cfg.schedules()).containsOnlyKeys("nightly", "hourly");
  }

  @Test
  void aRunLongerThanTheIntervalSkipsWhatPassedInsteadOfRunningTwice() throws Exception {
    LarderConfig cfg = config("jobs:\n" + job("slow", "*/30 * * * *"));
    List<String> log = simulate(cfg, "2025-01-01T00:10:00Z", 2, Map.of("slow", Duration.ofMinutes(95)), null);
    // 00:30 runs until 02:05: 01:00, 01:30 and 02:00 pass while it runs; the next run is 02:30
    assertThat(log).containsExactly(
        "2025-01-01T00:30:00Z start slow", "2025-01-01T02:05:00Z done slow", "2025-01-01T02:05:00Z skipped slow x3",
        "2025-01-01T02:30:00Z start slow", "2025-01-01T04:05:00Z done slow", "2025-01-01T04:05:00Z skipped slow x3");
  }

  @Test
  void aFailureIsReportedAndTheScheduleGoesOn() throws Exception {
    LarderConfig cfg = config("jobs:\n" + job("flaky", "@hourly"));
    List<String> log = simulate(cfg, "2025-01-01T00:00:00Z", 2, Map.of(), "flaky");
    assertThat(log).containsExactly(
        "2025-01-01T01:00:00Z start flaky", "2025-01-01T01:01:00Z failed flaky: planted failure",
        "2025-01-01T02:00:00Z start flaky", "2025-01-01T02:01:00Z failed flaky: planted failure");
  }

  @Test
  void aSegmentsJobDueWithTheRecommendationsJobUsingItRunsFirst() throws Exception {
    LarderConfig cfg = config("""
        jobs:
          recs:
            source: { file: x.csv }
            model: { type: popularity }
            segment_fallback: segs
            schedule: "0 4 * * *"
          segs:
            type: segments
            source: { file: t.csv }
            schedule: "0 4 * * *"
        """);
    assertThat(simulate(cfg, "2025-01-01T00:00:00Z", 2, Map.of(), null)).containsExactly(
        "2025-01-01T04:00:00Z start segs", "2025-01-01T04:01:00Z done segs",
        "2025-01-01T04:01:00Z start recs", "2025-01-01T04:02:00Z done recs");
  }

  /** A job with a timestamp column, its full run at {@code schedule} (or none), its refresh at {@code refresh}. */
  static String refreshed(String name, String schedule, String refresh) {
    return "  " + name + ":\n    source: { file: x.csv, columns: { user: u, item: i, timestamp: t } }\n"
        + "    model: { type: als }\n" + (schedule == null ? "" : "    schedule: \"" + schedule + "\"\n")
        + "    refresh: { schedule: \"" + refresh + "\" }\n";
  }

  /** Like {@link #simulate}, with refreshes: a refresh takes 10 seconds, a full run 1 minute. */
  static List<String> simulateRefreshes(LarderConfig cfg, String start, int runs, String failingRefresh) throws Exception {
    SimClock clock = new SimClock(start);
    Log log = new Log(clock) {
      @Override public void covered(String refresh, String fullRun) { lines.add(clock.now + " covered " + refresh + " by " + fullRun); }
    };
    int[] started = {0};
    Scheduler s = new Scheduler(cfg, job -> {
      started[0]++;
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      return null;
    }, job -> {
      started[0]++;
      clock.now = clock.now.plusSeconds(10);
      if (job.name().equals(failingRefresh)) {
        throw new larder.core.StoreException("job '" + job.name() + "' is already running", "planted", null);
      }
      return null;
    }, clock, log);
    s.run(() -> started[0] >= runs);
    return log.lines;
  }

  @Test
  void aRefreshScheduleAddsASecondEntryBesideTheFullRun() {
    LarderConfig cfg = config("jobs:\n" + refreshed("shop", "0 3 * * *", "*/20 * * * *")
        + refreshed("only-refresh", null, "@hourly") + job("plain", "@daily"));
    Scheduler s = new Scheduler(cfg, j -> null, j -> null, Scheduler.Clock.SYSTEM, null);
    assertThat(s.timetable().keySet()).extracting(Scheduler.Entry::label)
        .containsExactly("shop", "shop refresh", "only-refresh refresh", "plain");
    List<Scheduler.Due> next = s.upcoming(Instant.parse("2025-01-01T02:50:00Z"));
    // at equal times full runs come first
    assertThat(next).extracting(d -> d.label() + " " + d.at().toInstant()).containsExactly(
        "shop 2025-01-01T03:00:00Z", "shop refresh 2025-01-01T03:00:00Z",
        "only-refresh refresh 2025-01-01T03:00:00Z", "plain 2025-01-02T00:00:00Z");
    assertThat(s.upcoming(Instant.parse("2025-01-01T03:05:00Z"))).extracting(d -> d.label() + " " + d.at().toInstant())
        .startsWith("shop refresh 2025-01-01T03:20:00Z", "only-refresh refresh 2025-01-01T04:00:00Z");
    assertThat(next.get(1).refresh()).isTrue();
    assertThat(next.get(1).schedule().text()).isEqualTo("*/20 * * * *");
  }

  @Test
  void refreshesRunAtTheirTimesAndOneDueWithItsFullRunIsCoveredByIt() throws Exception {
    LarderConfig cfg = config("jobs:\n" + refreshed("shop", "0 3 * * *", "*/30 * * * *"));
    assertThat(simulateRefreshes(cfg, "2025-01-01T02:10:00Z", 3, null)).containsExactly(
        "2025-01-01T02:30:00Z start shop refresh", "2025-01-01T02:30:10Z done shop refresh",
        "2025-01-01T03:00:00Z start shop", "2025-01-01T03:01:00Z done shop",
        "2025-01-01T03:01:00Z covered shop refresh by shop",
        "2025-01-01T03:30:00Z start shop refresh", "2025-01-01T03:30:10Z done shop refresh");
  }

  @Test
  void aFailedRefreshIsReportedAndTheScheduleGoesOn() throws Exception {
    LarderConfig cfg = config("jobs:\n" + refreshed("shop", null, "*/10 * * * *"));
    assertThat(simulateRefreshes(cfg, "2025-01-01T00:05:00Z", 2, "shop")).containsExactly(
        "2025-01-01T00:10:00Z start shop refresh",
        "2025-01-01T00:10:10Z failed shop refresh: job 'shop' is already running",
        "2025-01-01T00:20:00Z start shop refresh",
        "2025-01-01T00:20:10Z failed shop refresh: job 'shop' is already running");
  }

  @Test
  void aSchedulerWithoutRefreshesSaysSoWhenOneIsDue() throws Exception {
    LarderConfig cfg = config("jobs:\n" + refreshed("shop", null, "@hourly"));
    SimClock clock = new SimClock("2025-01-01T00:30:00Z");
    Log log = new Log(clock);
    new Scheduler(cfg, j -> null, clock, log).run(() -> log.lines.size() >= 2);
    assertThat(log.lines).containsExactly("2025-01-01T01:00:00Z start shop refresh",
        "2025-01-01T01:00:00Z failed shop refresh: jobs.shop.refresh.schedule: this scheduler was started without"
            + " refreshes");
  }

  @Test
  void schedulesFollowTheConfigsTimeZoneAcrossDaylightSaving() {
    LarderConfig cfg = config("timezone: Europe/Paris\njobs:\n" + job("morning", "30 6 * * MON-FRI"));
    Scheduler s = new Scheduler(cfg, j -> null, Scheduler.Clock.SYSTEM, null);
    // Friday 2025-03-28 in winter time (UTC+1), then Monday 2025-03-31 in summer time (UTC+2)
    assertThat(s.upcoming(Instant.parse("2025-03-28T00:00:00Z")).get(0).at().toInstant())
        .isEqualTo(Instant.parse("2025-03-28T05:30:00Z"));
    assertThat(s.upcoming(Instant.parse("2025-03-28T06:00:00Z")).get(0).at().toInstant())
        .isEqualTo(Instant.parse("2025-03-31T04:30:00Z"));
    assertThat(cfg.schedules().get("morning").zone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void propertyNextTimesIncreaseAndMatchTheExpression() {
    Schedule s = Schedule.parse("k", "15 */4 * * *", ZoneId.of("UTC"));
    ZonedDateTime t = ZonedDateTime.parse("2025-06-01T00:00:00Z");
    Map<Integer, Integer> hours = new HashMap<>();
    for (int k = 0; k < 200; k++) {
      ZonedDateTime n = s.next(t).orElseThrow();
      assertThat(n).isAfter(t);
      assertThat(n.getMinute()).isEqualTo(15);
      assertThat(n.getHour() % 4).isZero();
      assertThat(Duration.between(t, n)).isLessThanOrEqualTo(Duration.ofHours(4));
      hours.merge(n.getHour(), 1, Integer::sum);
      t = n;
    }
    assertThat(hours).containsOnlyKeys(0, 4, 8, 12, 16, 20);
  }

  @Test
  void badSchedulesTimeZonesAndConfigsWithoutSchedulesAreRefused() {
    assertThatThrownBy(() -> config("jobs:\n" + job("j", "every day at 3")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.schedule").hasMessageContaining("every day at 3");
    assertThatThrownBy(() -> config("jobs:\n" + job("j", "0 25 * * *")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.schedule");
    assertThatThrownBy(() -> config("timezone: Mars/Olympus\njobs:\n" + job("j", "@daily")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("timezone").hasMessageContaining("Mars/Olympus");
    // Valid fields, but no date ever matches: the job would never run, and the scheduler would wait for nothing.
    for (String never : List.of("0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *")) {
      assertThatThrownBy(() -> config("jobs:\n" + job("ok", "@daily") + job("nightly", never)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.nightly.schedule").hasMessageContaining(never)
          .hasMessageContaining("never fires");
    }
    assertThat(config("jobs:\n" + job("leap", "0 0 29 2 *")).schedules().get("leap").next(ZonedDateTime.parse("2025-03-01T00:00:00Z"))
        .orElseThrow().toInstant()).isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
    LarderConfig none = config("jobs:\n" + job("j", null));
    assertThatThrownBy(() -> new Scheduler(none, j -> null, Scheduler.Clock.SYSTEM, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no job has a schedule");
    assertThat(Schedule.parse("k", "0 3 * * *", ZoneId.of("UTC")).describe()).contains("3");
  }
}
