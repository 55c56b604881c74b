package larder.dashboard.history;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeMap;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.dashboard.jobs.JobLine;
import larder.serve.BatchHistory;
import larder.serve.GateVerdict;
import larder.serve.Headline;

/**
 * One batch of a job's history, in words.
 *
 * @param id the batch id
 * @param states current / kept / failed, and "rolled back from" for a batch a rollback left; a refresh current /
 *     superseded / failed and "refresh of batch B"
 * @param started when its run began (UTC), e.g. "2026-03-01 05:00"
 * @param finished when its run ended, published or failed; empty when not recorded (a run that failed before
 *     schema version 6)
 * @param duration from start to end ("12.4 s"); empty when the end is not known
 * @param model the model's name; {@code params} its parameters as "key: value"
 * @param size rows and the keys they cover
 * @param precision P@k, {@code ndcg} NDCG@k, {@code map} MAP@k, as "0.1234"; empty when not evaluated
 * @param gate "passed" or "failed"; empty without a gate; {@code gateText} each condition as measured
 * @param message why it failed, unless its gate's verdict already says so; else empty
 * @param kept whether it still has its rows and is a full batch (it can be compared and rolled back to)
 * @param current whether it serves now
 */
public record BatchLine(long id, List<JobLine.State> states, String started, String finished, String duration,
    String model, List<String> params, String size, String precision, String ndcg, String map, String gate,
    List<String> gateText, String message, boolean kept, boolean current) {

  static final DateTimeFormatter UTC_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);
  /** In the table, whose headers say UTC: the date over the time, to keep the columns narrow. */
  static final DateTimeFormatter CELL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** @param finished when its run ended, or null when not known */
  static BatchLine of(BatchInfo b, Instant finished) {
    boolean current = BatchHistory.isCurrent(b), kept = BatchHistory.isRollbackTarget(b);
    List<JobLine.State> states = new ArrayList<>();
    if (current) states.add(new JobLine.State("current", "ok"));
    else if (kept) states.add(new JobLine.State("kept", "info"));
    else if (b.isRefresh() && BatchHistory.isKept(b)) states.add(new JobLine.State("superseded", "info"));
    else states.add(new JobLine.State("failed", "bad"));
    // a refresh serves with its base and is not a rollback target (the store refuses it): said in words
    if (b.isRefresh()) states.add(new JobLine.State("refresh of batch " + b.baseBatchId(), "info"));
    if (kept && !current && b.message() != null && b.message().startsWith("rolled back to batch")) {
      states.add(new JobLine.State("rolled back from", "warn"));
    }
    BatchMetrics m = b.metrics();
    GateVerdict gate = GateVerdict.of(m);
    List<String> params = new ArrayList<>();
    new TreeMap<>(b.params().yaml()).forEach((k, v) -> params.add(k + ": " + v));
    boolean ended = finished != null;
    return new BatchLine(b.id(), states, minute(b.createdAt()), ended ? minute(finished) : "",
        ended ? took(Duration.between(b.createdAt(), finished)) : "", b.model(), params, size(b),
        figure(m.number(BatchMetrics.MODEL, "precision")), figure(m.ndcg()), figure(m.number(BatchMetrics.MODEL, "map")),
        gate == null ? "" : gate.passed() ? "passed" : "failed", gate == null ? List.of() : gate.texts(),
        kept || b.message() == null || (gate != null && !gate.passed()) ? "" : b.message().strip(), kept, current);
  }

  /** The metric the chart and the table headers name: "@10" for an evaluation at k = 10, else "@k". */
  static String at(BatchMetrics m) {
    return m.k().isPresent() ? "@" + m.k().getAsLong() : "@k";
  }

  static String figure(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : "";
  }

  static String minute(Instant t) {
    return t == null ? "" : CELL.format(t);
  }

  /** A run's length: "0.42 s", "12.4 s", "3 min", "1.5 h". */
  static String took(Duration d) {
    double s = d.toMillis() / 1000.0;
    if (s < 10) return String.format(Locale.ROOT, "%.2f s", s);
    if (s < 120) return String.format(Locale.ROOT, "%.1f s", s);
    if (s < 7200) return Math.round(s / 60) + " min";
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }

  private static String size(BatchInfo b) {
    if (!BatchHistory.isKept(b)) return "";
    return switch (b.kind()) {
      case RECOMMENDATIONS -> String.format(Locale.ROOT, "%,d rows, %,d %s", b.rows(), b.keys(),
          b.isRefresh() ? (b.keys() == 1 ? "user" : "users") + " re-scored" : "users");
      case SEGMENTS -> String.format(Locale.ROOT, "%,d customers, %,d segments", b.keys(), b.secondaryRows());
      case SCORES -> String.format(Locale.ROOT, "%,d entities", b.keys());
    };
  }

  /** Whether a job's batches are evaluated recommendations (so the chart shows P, NDCG, MAP). */
  static boolean evaluated(List<BatchInfo> batches) {
    return batches.stream().anyMatch(b -> b.kind() == BatchKind.RECOMMENDATIONS && b.metrics().ndcg().isPresent());
  }

  /** The headline figure of a batch that is not an evaluated recommendations batch. */
  static OptionalDouble headline(BatchInfo b) {
    return Headline.of(b).value();
  }
}
