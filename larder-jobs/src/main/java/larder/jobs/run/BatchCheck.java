package larder.jobs.run;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.InputException;
import larder.jobs.config.BatchChecks;
import larder.publish.Publisher;
import larder.serve.PredictionReader;

/**
 * Applies a job's {@link BatchChecks} to what a run read, before any training: its input rows and its keys against
 * the floors, then against the job's serving batch. Each failure names the check, both numbers and the serving
 * batch. With {@code acceptShrink} (once, from {@code larder run --accept-shrink}) a batch smaller than the limits
 * allow is published anyway, and the run says so; floors and growth limits still hold.
 */
final class BatchCheck {
  private final Publisher publisher;
  private final boolean acceptShrink;
  private final RunReport.Listener listener;

  BatchCheck(Publisher publisher, boolean acceptShrink, RunReport.Listener listener) {
    this.publisher = publisher;
    this.acceptShrink = acceptShrink;
    this.listener = listener;
  }

  /**
   * @param inputRows rows read and kept from the source
   * @param keys what the batch would cover: users, customers or entities ({@link BatchChecks#keys()})
   * @param source the input, for the message
   * @throws InputException when a check fails
   */
  void check(String job, BatchChecks c, long inputRows, long keys, String source) {
    String fix = "fix the input or change jobs." + job + ".checks";
    String keyWord = c.keys().plural();
    Optional<BatchInfo> serving = new PredictionReader(publisher.store()).current(job);
    String keeps = serving.map(b -> "nothing was published and batch " + b.id() + " keeps serving; ")
        .orElse("nothing was published; ");
    if (inputRows < c.minRows()) {
      throw new InputException(source, 0, null, String.format(Locale.ROOT, "%,d input rows, fewer than min_rows = %,d",
          inputRows, c.minRows()), keeps + fix);
    }
    if (keys < c.minKeys()) {
      throw new InputException(source, 0, null, String.format(Locale.ROOT, "%,d %s, fewer than %s = %,d", keys,
          keyWord, c.keys().minKey(), c.minKeys()), keeps + fix);
    }
    if (serving.isEmpty()) return;
    BatchInfo b = serving.get();
    Long before = b.inputRows();
    if (before == null) {
      listener.step(job, "serving batch " + b.id() + " has no input row count (published by an earlier Larder):"
          + " comparing " + keyWord + " only");
    }
    Measure rows = before == null ? null
        : new Measure("input rows", inputRows, before, "max_row_change", c.maxRowChange());
    Measure covered = new Measure(keyWord, keys, b.keys(), c.keys().changeKey(), c.maxKeyChange());
    for (Measure m : new Measure[] {rows, covered}) if (m != null) change(job, b, m, source, keeps);
    if (c.maxShrink() == null) return;
    for (Measure m : new Measure[] {rows, covered}) if (m != null) shrink(job, b, m, c.maxShrink(), source, keeps);
  }

  /** One count of the new batch, the serving batch's, and the configured limit on its relative change. */
  private record Measure(String what, long now, long before, String changeKey, Double maxChange) {
    double change() { return (now - before) / (double) before; }
  }

  /** Whether {@code now} is more than {@code maxChange} times {@code before} away from it; exact, no rounding. */
  static boolean changedMore(long now, long before, double maxChange) {
    BigDecimal diff = BigDecimal.valueOf(now).subtract(BigDecimal.valueOf(before)).abs();
    return diff.compareTo(new BigDecimal(maxChange).multiply(BigDecimal.valueOf(before))) > 0;
  }

  /**
   * Whether {@code now} lost {@code maxShrink} or more of {@code before}: at 0.5, half or fewer. Exact, so a cut to
   * exactly half is refused whatever the numbers.
   */
  static boolean shrankTooMuch(long now, long before, double maxShrink) {
    if (now >= before) return false;
    BigDecimal lost = BigDecimal.valueOf(before).subtract(BigDecimal.valueOf(now));
    return lost.compareTo(new BigDecimal(maxShrink).multiply(BigDecimal.valueOf(before))) >= 0;
  }

  private void change(String job, BatchInfo serving, Measure m, String source, String keeps) {
    if (m.maxChange() == null || m.before() <= 0 || !changedMore(m.now(), m.before(), m.maxChange())) return;
    String problem = String.format(Locale.ROOT, "%,d %s against %,d in the serving batch %d: a change of %s%s,"
        + " more than %s = %s", m.now(), m.what(), m.before(), serving.id(), m.change() > 0 ? "+" : "-",
        percent(Math.abs(m.change())), m.changeKey(), percent(m.maxChange()));
    if (m.now() < m.before() && accepted(job, problem)) return;
    throw new InputException(source, 0, null, problem, keeps + (m.now() < m.before() ? acceptOnce(job, m.changeKey())
        : "fix the input or change jobs." + job + ".checks." + m.changeKey()));
  }

  /** Refuses a batch that lost {@code maxShrink} or more of the serving batch's count: a truncated input. */
  private void shrink(String job, BatchInfo serving, Measure m, double maxShrink, String source, String keeps) {
    if (m.before() <= 0 || !shrankTooMuch(m.now(), m.before(), maxShrink)) return;
    double lost = (m.before() - m.now()) / (double) m.before();
    String problem = String.format(Locale.ROOT, "%,d %s against %,d in the serving batch %d: %s fewer, and a"
        + " batch that lost max_shrink = %s or more is refused", m.now(), m.what(), m.before(), serving.id(),
        percent(lost), percent(maxShrink));
    if (accepted(job, problem)) return;
    throw new InputException(source, 0, null, problem, keeps + acceptOnce(job, "max_shrink")
        + " (max_shrink: none turns this check off)");
  }

  /** A share as a percentage, cut (not rounded) to one decimal, so 4 rows of 9,000 is not "100% fewer". */
  static String percent(double share) {
    double tenths = Math.floor(share * 1000 + 1e-9) / 10;
    return (tenths == Math.rint(tenths) ? String.format(Locale.ROOT, "%.0f", tenths)
        : String.format(Locale.ROOT, "%.1f", tenths)) + "%";
  }

  private boolean accepted(String job, String problem) {
    if (acceptShrink) listener.step(job, "accepted with --accept-shrink: " + problem);
    return acceptShrink;
  }

  private static String acceptOnce(String job, String key) {
    return "if the input really shrank, publish it once with 'larder run CONFIG --job " + job + " --accept-shrink',"
        + " or change jobs." + job + ".checks." + key;
  }
}
