package larder.dashboard.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.DurationText;
import larder.serve.JobOverview;

/**
 * One row of the jobs overview, in words. Every state is a word ("ok", "stale", "failed"), colour only repeats it.
 *
 * @param job the job's name
 * @param kind recommendations, segments, scores; empty when it never published
 * @param batch the serving batch id; empty when none
 * @param publishedAt when that batch became current, e.g. "2026-03-01 05:00 UTC"
 * @param age its age, and the allowed age when the server has one: "31.0 h of 26.0 h"
 * @param refresh the refresh serving with the batch and its age, "batch 15, 4 min ago" (shown under the age, which
 *     the allowed age is then judged against: see {@link larder.serve.JobStatus#freshAt}); empty when none
 * @param size rows and the keys they cover: "5,000 rows, 500 users"
 * @param headline the batch's headline figure in words ("ndcg@10 0.182 (2.31x popularity)")
 * @param change the headline's change from the previous batch, signed ("+0.012"); empty when not comparable
 * @param failedAt when the latest run failed, if it did since the serving batch
 * @param failure the first line of its message
 * @param nextRun when it runs next ("2026-03-03 03:00 UTC, in 15.0 h"), or why not; empty when no config is known
 * @param states what is wrong, as words with a CSS class each
 */
public record JobLine(String job, String kind, String batch, String publishedAt, String age, String refresh, String size,
    String headline, String change, String failedAt, String failure, String nextRun, List<State> states) {

  private static final DateTimeFormatter UTC_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ZONED_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

  /** A state in words; {@code css} repeats it as colour. */
  public record State(String word, String css) {}

  static JobLine of(JobOverview.Job j, boolean configKnown) {
    BatchInfo b = j.serving();
    List<State> states = new ArrayList<>();
    if (b == null) states.add(new State("never published", "bad"));
    if (j.failed()) states.add(new State("failed", "bad"));
    if (j.stale()) states.add(new State("stale", "warn"));
    if (j.status().running() != null) states.add(new State("running", "info"));
    if (states.isEmpty()) states.add(new State("ok", "ok"));
    BatchInfo f = j.status().failure();
    String next = !configKnown ? "" : j.nextRun() != null ? next(j.nextRun(), j.now())
        : j.inConfig() ? "not scheduled" : "not in config";
    if (b == null) {
      return new JobLine(j.job(), "", "", "", "", "", "", "", "", f == null ? "" : minute(f.createdAt()),
          f == null ? "" : firstLine(f.message()), next, states);
    }
    String age = DurationText.human(j.age()) + (j.maxAge() == null ? "" : " of " + DurationText.human(j.maxAge()));
    String refresh = j.refresh() == null ? ""
        : "batch " + j.refresh().id() + ", " + DurationText.human(j.refreshAge()) + " ago";
    return new JobLine(j.job(), b.kind().text(), Long.toString(b.id()), minute(b.publishedAt()), age, refresh, size(b),
        j.headline().text(), change(j.change()), f == null ? "" : minute(f.createdAt()),
        f == null ? "" : firstLine(f.message()), next, states);
  }

  static JobLine neverRun(JobOverview.NeverRun n, Instant now) {
    return new JobLine(n.job(), "", "", "", "", "", "", "", "", "", "",
        n.nextRun() == null ? "not scheduled" : next(n.nextRun(), now), List.of(new State("never ran", "bad")));
  }

  /** Whether a state is shown as a problem (the row is marked for people who scan for it). */
  public boolean attention() {
    return states.stream().anyMatch(s -> !s.css().equals("ok") && !s.css().equals("info"));
  }

  private static String size(BatchInfo b) {
    String keys = switch (b.kind()) {
      case RECOMMENDATIONS -> "users";
      case SEGMENTS -> "customers";
      case SCORES -> "entities";
    };
    return b.kind() == BatchKind.RECOMMENDATIONS
        ? String.format(Locale.ROOT, "%,d rows, %,d %s", b.rows(), b.keys(), keys)
        : String.format(Locale.ROOT, "%,d %s", b.keys(), keys);
  }

  private static String change(OptionalDouble d) {
    if (d.isEmpty()) return "";
    double v = d.getAsDouble();
    return String.format(Locale.ROOT, "%s%.3f", v > 0 ? "+" : v < 0 ? "\u2212" : "\u00b1", Math.abs(v));
  }

  private static String next(ZonedDateTime t, Instant now) {
    return t.format(ZONED_MINUTE) + ", in " + DurationText.human(Duration.between(now, t.toInstant()));
  }

  private static String minute(Instant t) {
    return t == null ? "" : UTC_MINUTE.format(t);
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 199) + "\u2026" : line;
  }
}
