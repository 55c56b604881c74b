package larder.jobs.run;

import java.util.Locale;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.InputException;
import larder.jobs.config.BatchChecks;
import larder.publish.Publisher;
import larder.serve.PredictionReader;

/** Applies a job's {@link BatchChecks} to what a run is about to publish; each failure names the check and values. */
final class BatchCheck {
  private BatchCheck() {}

  /**
   * @param keys what the batch would publish: users, customers or entities, named by {@code what}
   * @param source the input, for the message
   * @throws InputException when a check fails
   */
  static void keys(Publisher publisher, String job, BatchChecks c, long keys, String what, String source) {
    String hint = "nothing was published and the previous batch keeps serving; fix the input or change jobs." + job
        + ".checks";
    if (keys < c.minRows()) {
      throw new InputException(source, 0, null, keys + " " + what + ", fewer than min_rows = " + c.minRows(), hint);
    }
    if (c.maxRowChange() == null) return;
    Optional<BatchInfo> current = new PredictionReader(publisher.store()).current(job);
    if (current.isEmpty() || current.get().keys() <= 0) return;
    long before = current.get().keys();
    double change = Math.abs(keys - before) / (double) before;
    if (change > c.maxRowChange()) {
      throw new InputException(source, 0, null, String.format(Locale.ROOT,
          "%,d %s against %,d in the current batch %d: a change of %.0f%%, more than max_row_change = %.0f%%", keys, what,
          before, current.get().id(), change * 100, c.maxRowChange() * 100), hint);
    }
  }
}
