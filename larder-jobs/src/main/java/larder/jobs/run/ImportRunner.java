package larder.jobs.run;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import larder.core.BatchParams;
import larder.core.BatchMetrics;
import larder.core.BatchInfo;
import larder.core.InputException;
import larder.core.Progress;
import larder.core.Scores;
import larder.extract.ImportedLists;
import larder.extract.ScoresResult;
import larder.jobs.config.BatchChecks;
import larder.jobs.config.ImportJob;
import larder.publish.BatchLoader;
import larder.publish.Publisher;

/**
 * Runs one import job: read another model's predictions, validate every row and then the batch as a whole
 * ({@link BatchChecks}), and publish through the same atomic switch as Larder's own models. Any failure
 * marks the batch failed and leaves the previous batch serving.
 */
final class ImportRunner {
  private final Publisher publisher;
  private final Progress progress;
  private final RunReport.Listener listener;
  private final BatchCheck batchCheck;

  ImportRunner(Publisher publisher, Progress progress, RunReport.Listener listener, BatchCheck batchCheck) {
    this.publisher = publisher;
    this.progress = progress;
    this.listener = listener;
    this.batchCheck = batchCheck;
  }

  ImportReport run(ImportJob job) {
    long start = System.nanoTime();
    BatchLoader batch = publisher.begin(job.name(), job.kind(), "import", params(job));
    try {
      listener.step(job.name(), "reading " + job.sourceLabel());
      ImportReport report;
      if (job.scores() != null) {
        ScoresResult r = job.scores().read(progress);
        Scores s = r.scores();
        for (String bad : r.badRowSamples()) listener.step(job.name(), "skipped bad row: " + bad);
        double[] stats = stats(s.score(), s.size());
        long inputRows = r.rowsRead() - r.badRows(); // one row per entity
        check(job, inputRows, s.size(), stats, s, null);
        batch.setInputRows(inputRows);
        Map<String, Long> labels = labels(s);
        batch.setMetrics(metrics(s.size(), s.size(), stats, labels));
        batch.scores().write(s);
        BatchInfo published = batch.publish(job.keep());
        report = new ImportReport(job.name(), job.kind(), published, r.rowsRead(), r.badRows(), s.size(), s.size(), stats,
            labels, System.nanoTime() - start);
      } else {
        ImportedLists lists = job.lists().read(progress);
        for (String bad : lists.badRowSamples()) listener.step(job.name(), "skipped bad row: " + bad);
        int users = lists.users().size();
        long[] rows = {0};
        double[] stats = {Double.POSITIVE_INFINITY, 0, Double.NEGATIVE_INFINITY};
        lists.forEachList(job.topN(), (u, items, scores, count) -> {
          rows[0] += count;
          for (int k = 0; k < count; k++) {
            stats[0] = Math.min(stats[0], scores[k]);
            stats[1] += scores[k];
            stats[2] = Math.max(stats[2], scores[k]);
          }
        });
        stats[1] /= Math.max(1, rows[0]);
        check(job, lists.rows(), users, stats, null, lists);
        batch.setInputRows(lists.rows());
        batch.setMetrics(metrics(users, rows[0], stats, Map.of()));
        listener.step(job.name(), String.format("publishing %,d lists (top %d)", users, job.topN()));
        lists.forEachList(job.topN(), batch.recommendations().userSink(lists.users(), lists.items()));
        BatchInfo published = batch.publish(job.keep());
        report = new ImportReport(job.name(), job.kind(), published, lists.rowsRead(), lists.badRows(), users, rows[0],
            stats, Map.of(), System.nanoTime() - start);
      }
      return report;
    } catch (RuntimeException e) {
      throw batch.failedBy(e); // the previous batch keeps serving
    } catch (Error e) {
      throw batch.failedBy(e);
    } finally {
      batch.close();
    }
  }

  /** The whole-batch checks; each failure names the check, the value found and the limit. */
  private void check(ImportJob job, long inputRows, long keys, double[] stats, Scores scores, ImportedLists lists) {
    BatchChecks c = job.checks();
    String source = job.sourceLabel();
    String hint = "nothing was published and the previous batch keeps serving; fix the export or change jobs."
        + job.name() + ".checks";
    if (c.scoreMin() != null && stats[0] < c.scoreMin()) {
      throw new InputException(source, 0, null, "a score of " + stats[0] + " is below score_min = " + c.scoreMin()
          + firstOutside(scores, lists, c.scoreMin(), true), hint);
    }
    if (c.scoreMax() != null && stats[2] > c.scoreMax()) {
      throw new InputException(source, 0, null, "a score of " + stats[2] + " is above score_max = " + c.scoreMax()
          + firstOutside(scores, lists, c.scoreMax(), false), hint);
    }
    batchCheck.check(job.name(), c, inputRows, keys, source);
  }

  /** Names an entity (or user) whose score is outside the limit, so the user can find it. */
  private static String firstOutside(Scores scores, ImportedLists lists, double limit, boolean below) {
    if (scores != null) {
      for (int i = 0; i < scores.size(); i++) {
        double v = scores.score()[i];
        if (below ? v < limit : v > limit) return " (entity '" + scores.entities().name(i) + "')";
      }
    } else {
      for (int u = 0; u < lists.users().size(); u++) {
        for (int k = lists.offsets()[u]; k < lists.offsets()[u + 1]; k++) {
          float v = lists.scores()[k];
          if (below ? v < limit : v > limit) return " (user '" + lists.users().name(u) + "')";
        }
      }
    }
    return "";
  }

  private static double[] stats(double[] values, int n) {
    double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
      sum += values[i];
    }
    return new double[] {min, n == 0 ? 0 : sum / n, max};
  }

  /** Entities per label, the 20 most common first. */
  private static Map<String, Long> labels(Scores s) {
    if (!s.labelled()) return Map.of();
    Map<String, Long> counts = new java.util.HashMap<>();
    for (String l : s.label()) if (l != null) counts.merge(l, 1L, Long::sum);
    Map<String, Long> top = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(20).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  private static BatchParams params(ImportJob job) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("source", job.sourceLabel());
    p.put("kind", job.kind().text());
    if (job.lists() != null) p.put("top_n", job.topN());
    p.put("checks", job.checks().toMap());
    return BatchParams.of(p);
  }

  private static BatchMetrics metrics(long keys, long rows, double[] stats, Map<String, Long> labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("keys", keys);
    m.put("rows", rows);
    m.put(BatchMetrics.SCORE_MIN, stats[0]);
    m.put(BatchMetrics.SCORE_MEAN, stats[1]);
    m.put(BatchMetrics.SCORE_MAX, stats[2]);
    if (!labels.isEmpty()) m.put("labels", labels);
    return BatchMetrics.of(m);
  }
}
