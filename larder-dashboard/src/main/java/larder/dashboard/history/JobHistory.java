package larder.dashboard.history;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import larder.core.BatchInfo;
import larder.core.LarderException;
import larder.core.NotFoundException;
import larder.dashboard.Frame;
import larder.publish.Publisher;
import larder.serve.BatchComparison;
import larder.serve.BatchHistory;
import larder.store.Rollbacks;
import larder.http.ServeContext;
import larder.store.Store;

/**
 * Screen 2, a job's history ({@code GET /jobs/{job}}): every kept and failed batch with its parameters, size,
 * metrics and gate verdict ({@link BatchHistory}), a chart of the headline metrics against batch id with the same
 * numbers in a table, two kept batches compared ({@link BatchComparison}), and for admins a rollback to any kept
 * batch through the same {@link Publisher#rollback(String, long, String)} as {@code larder rollback} and
 * {@code POST /v1/jobs/{job}/rollback}, which records who did it. The rollbacks are listed under the history.
 */
public final class JobHistory {
  private final BatchHistory history;
  private final BatchComparison comparison;
  private final Publisher publisher;
  private final ServeContext served;

  public JobHistory(Store store, ServeContext served) {
    this.served = served;
    this.history = new BatchHistory(store);
    this.comparison = new BatchComparison(store);
    this.publisher = new Publisher(store);
  }

  /**
   * The page's model.
   *
   * @param missing why there is no history to show (an unknown job), else empty
   * @param kept the kept batches, newest first: what compare offers
   * @param compareA the default older batch to compare ({@code compareB} the current), 0 when fewer than two kept
   */
  public record Page(Frame frame, String job, String missing, HistoryChart chart, Section section, List<Long> kept,
      long compareA, long compareB) {}

  /**
   * The part a rollback replaces: the table and the rollbacks under it.
   *
   * @param message what the last action did ("job shop now serves batch 3"), else empty
   * @param failed whether that action failed
   */
  public record Section(String job, List<BatchLine> lines, List<AuditLine> audit, boolean admin, String at,
      String message, boolean failed) {}

  /** One rollback as listed under the history. */
  public record AuditLine(String at, String by, long from, long to) {}

  /** Two batches compared, or why not. */
  public record Compare(String job, BatchComparison.Report report, String error) {
    public String churnShare() {
      return report.churn() == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * report.churn().changedShare());
    }

    public String jaccard() {
      return report.churn() == null ? "" : String.format(Locale.ROOT, "%.3f", report.churn().meanJaccard());
    }

    public String delta(BatchComparison.Diff d) {
      if (d.delta().isEmpty() || !d.changed()) return "";
      double v = d.delta().getAsDouble();
      return String.format(Locale.ROOT, "%s%.4f", v > 0 ? "+" : "\u2212", Math.abs(v));
    }
  }

  public Page page(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    BatchHistory.Report r;
    try {
      r = history.read(job);
    } catch (NotFoundException e) {
      ctx.status(404);
      return new Page(frame, job, e.getMessage(), null, null, List.of(), 0, 0);
    }
    List<Long> kept = r.batches().stream().filter(BatchHistory::isRollbackTarget).map(BatchInfo::id).toList();
    BatchInfo current = r.current();
    long b = current != null ? current.id() : kept.isEmpty() ? 0 : kept.get(0);
    long a = kept.stream().filter(id -> id != b).findFirst().orElse(0L);
    // the chart follows the model across full runs; a refresh re-scores a few users with its base's model
    List<BatchInfo> full = r.batches().stream().filter(x -> !x.isRefresh()).toList();
    return new Page(frame, job, "", HistoryChart.of(full), section(r, frame, "", false), kept, a, b);
  }

  /** {@code GET /fragments/jobs/{job}/compare?a=&b=}: the comparison, for htmx to swap in. */
  public Compare compare(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    try {
      long a = id(ctx.queryParam("a"), "a"), b = id(ctx.queryParam("b"), "b");
      return new Compare(job, comparison.compare(job, a, b), "");
    } catch (LarderException e) {
      return new Compare(job, null, e.getMessage());
    }
  }

  /** {@code POST /jobs/{job}/rollback?to=BATCH} (admin, CSRF checked by the route): the section, redrawn. */
  public Section rollback(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    String message;
    boolean failed = false;
    try {
      long to = id(ctx.formParam("to") != null ? ctx.formParam("to") : ctx.queryParam("to"), "to");
      BatchInfo before = history.read(job).current();
      long from = before == null ? 0 : before.id();
      BatchInfo now = publisher.rollback(job, to, served.actor(ctx));
      message = now.id() == from ? "Job " + job + " already serves batch " + now.id() + "."
          : "Job " + job + " now serves batch " + now.id() + " (rolled back from batch " + from + ").";
    } catch (LarderException e) {
      message = "Not rolled back: " + e.getMessage();
      failed = true;
    }
    return section(history.read(job), frame, message, failed);
  }

  private static Section section(BatchHistory.Report r, Frame frame, String message, boolean failed) {
    List<BatchLine> lines = r.batches().stream().map(b -> BatchLine.of(b, r.finished(b))).toList();
    List<AuditLine> audit = r.rollbacks().stream().map(JobHistory::audit).toList();
    String at = r.batches().stream().map(BatchInfo::metrics).filter(m -> m.k().isPresent()).findFirst()
        .map(BatchLine::at).orElse("@k");
    return new Section(r.job(), lines, audit, frame.admin(), at, message, failed);
  }

  private static AuditLine audit(Rollbacks.Entry e) {
    return new AuditLine(BatchLine.UTC_MINUTE.format(e.at()), e.rolledBy(), e.fromBatch(), e.toBatch());
  }

  private static long id(String text, String name) {
    try {
      long v = Long.parseLong(text == null ? "" : text.strip());
      if (v >= 1) return v;
    } catch (NumberFormatException ignored) {
      // said below, with the value
    }
    throw new larder.core.ConfigException(name, text, "is not a batch id", "pick a batch from the job's history");
  }
}
