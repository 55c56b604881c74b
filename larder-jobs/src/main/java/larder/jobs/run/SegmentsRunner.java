package larder.jobs.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchParams;
import larder.core.BatchMetrics;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.Progress;
import larder.core.StoreException;
import larder.core.segment.SegmentProfile;
import larder.extract.FeatureResult;
import larder.extract.TransactionsResult;
import larder.jobs.config.SegmentsJob;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.publish.SegmentWriter;
import larder.serve.PredictionReader;
import larder.serve.PreviousSegments;
import larder.serve.SegmentReader;
import larder.train.segment.Previous;
import larder.train.segment.SegmentFeatures;
import larder.train.segment.SegmentationResult;
import larder.train.segment.Segmenter;
import larder.train.segment.kmeans.KChooser;
import larder.train.segment.rfm.RfmFeatures;
import larder.train.segment.stable.Transitions;

/**
 * Runs one segmentation job end to end: extract transactions (or a feature table), derive RFM features as
 * of a date, segment (k-means or classic RFM rules) with ids matched to the job's current batch, and
 * publish every customer's segment with the profiles and the transition table. The job's lock is taken
 * first; any failure marks the batch failed and leaves the previous batch serving.
 */
final class SegmentsRunner {
  private final Publisher publisher;
  private final Progress progress;
  private final RunReport.Listener listener;
  private final BatchCheck checks;

  SegmentsRunner(Publisher publisher, Progress progress, RunReport.Listener listener, BatchCheck checks) {
    this.publisher = publisher;
    this.progress = progress;
    this.listener = listener;
    this.checks = checks;
  }

  /**
   * @param spark computes RFM and assigns k-means segments on Spark when not null; reading, the quintile scores,
   *     rule segments, profiles and the publish stay here, so both engines publish through one path
   */
  SegmentsReport run(SegmentsJob job, SparkEngine spark) {
    long start = System.nanoTime();
    BatchLoader batch = publisher.begin(job.name(), job.kind(), job.model(), params(job));
    try {
      listener.step(job.name(), "reading " + job.sourceLabel());
      long rowsRead;
      long rowsKept;
      long badRows;
      List<String> badSamples;
      SegmentFeatures features;
      RfmFeatures rfm = null;
      if (job.transactions() != null) {
        TransactionsResult r = job.transactions().read(progress);
        rowsRead = r.rowsRead();
        rowsKept = r.rowsKept();
        badRows = r.badRows();
        badSamples = r.badRowSamples();
        listener.step(job.name(), String.format("read %,d rows: %,d customers", rowsRead, r.transactions().customerCount()));
        rfm = spark != null ? spark.rfm(job, r.transactions(), progress)
            : RfmFeatures.compute(r.transactions(), job.asOf(), job.monetary());
        listener.step(job.name(), String.format("RFM as of %s (%s spend): %,d customers%s%s", rfm.asOf(),
            job.monetary().name().toLowerCase(java.util.Locale.ROOT), rfm.size(),
            rfm.customersLeftOut() > 0 ? String.format(", %,d left out (no order with a positive amount up to as-of)", rfm.customersLeftOut()) : "",
            rfm.rowsAfterAsOf() > 0 ? String.format(", %,d rows after as-of ignored", rfm.rowsAfterAsOf()) : ""));
        features = SegmentFeatures.of(rfm);
      } else {
        FeatureResult r = job.features().read(progress);
        rowsRead = r.rowsRead();
        rowsKept = r.rowsKept();
        badRows = r.badRows();
        badSamples = r.badRowSamples();
        listener.step(job.name(), String.format("read %,d rows: %,d customers x %d features %s", rowsRead,
            r.table().rows(), r.table().dimensions(), r.table().names()));
        features = SegmentFeatures.of(r.table());
      }
      for (String bad : badSamples) listener.step(job.name(), "skipped bad row: " + bad);
      checks.check(job.name(), job.checks(), rowsKept, features.rows(), job.sourceLabel());
      batch.setInputRows(rowsKept);

      long readNanos = System.nanoTime() - start;
      Optional<PreviousSegments> current = new SegmentReader(publisher.store()).previousForStability(job.name());
      Previous previous = previous(job, features.customers(), current);
      Segmenter segmenter = job.segmenter();
      listener.step(job.name(), segmenter.describe());
      if (spark != null && job.method() == SegmentsJob.Method.KMEANS) {
        listener.step(job.name(), String.format("fitting on a seeded sample of %,d customers, assigning all %,d on Spark",
            Math.min(job.sample(), features.rows()), features.rows()));
      }
      long t0 = System.nanoTime();
      SegmentationResult result = spark != null && job.method() == SegmentsJob.Method.KMEANS
          ? spark.kmeans(job, features, previous, progress) : segmenter.segment(features, previous, progress);
      long segmentNanos = System.nanoTime() - t0;
      String kTable = result.kChoice() == null ? null : result.kChoice().table();
      if (kTable != null) {
        listener.step(job.name(), "k chosen by silhouette on a sample: " + result.kChoice().chosenK());
        for (String line : kTable.split("\\R")) listener.step(job.name(), "  " + line);
      }
      String ids = result.idMapping() == null ? "" : result.idMapping().describe();
      // Rule segments have fixed ids: one line says so; per-cluster decisions only matter for k-means.
      String shown = job.method() == SegmentsJob.Method.RFM ? result.idMapping() == null ? "" : result.idMapping().note() : ids;
      for (String line : shown.split("\\R")) if (!line.isBlank()) listener.step(job.name(), line);

      double stayed = previous == null ? Double.NaN : Transitions.stayedShare(result.transitions());
      batch.setMetrics(metrics(result, previous, stayed, current.map(PreviousSegments::batchId).orElse(null)));
      long t1 = System.nanoTime();
      SegmentWriter segments = batch.segments();
      segments.writeAssignment(result.assignment());
      segments.writeProfiles(result.profiles());
      segments.writeTransitions(result.transitions());
      BatchInfo published = batch.publish(job.keep());
      return new SegmentsReport(job.name(), job.model(), published, rowsRead, badRows, result.assignment().size(),
          result.customersLeftOut(), rfm == null ? null : rfm.asOf().toString(), kTable, ids, result.profiles(), stayed,
          readNanos, segmentNanos, System.nanoTime() - t1, System.nanoTime() - start);
    } catch (ConfigException e) {
      // A setting that the data turned out to contradict (as_of, k): name it under the job, as the config does.
      throw batch.failedBy(e.under("jobs." + job.name()));
    } catch (RuntimeException e) {
      throw batch.failedBy(e);
    } catch (Error e) {
      throw batch.failedBy(e);
    } finally {
      batch.close();
    }
  }

  /**
   * The job's current batch as the matcher needs it: profiles with centroids, each current customer's
   * previous segment, and the highest id the job has handed out (so a fresh id never reuses a retired one).
   */
  private Previous previous(SegmentsJob job, IdMap customers, Optional<PreviousSegments> current) {
    if (current.isEmpty()) {
      listener.step(job.name(), "first batch of this job: segment ids are numbered by size");
      return null;
    }
    PreviousSegments prev = current.get();
    Previous.Builder b = Previous.builder(customers);
    long rows = prev.forEachAssignment(b::accept);
    int highest = 0;
    for (SegmentProfile p : prev.profiles()) highest = Math.max(highest, p.segmentId());
    Optional<BatchInfo> info = new PredictionReader(publisher.store()).current(job.name());
    if (info.isPresent()) highest = (int) Math.max(highest, info.get().metrics().highestSegmentId().orElse(0));
    listener.step(job.name(), String.format("matching segment ids to batch %d (%d segments, %,d customers)",
        prev.batchId(), prev.profiles().size(), rows));
    return b.build(prev.profiles(), highest);
  }


  private static BatchParams params(SegmentsJob job) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("method", job.model());
    p.put("input", job.transactions() != null ? "transactions" : "features");
    if (job.transactions() != null) {
      p.put("as_of", job.asOf() == null ? "latest" : job.asOf().toString());
      p.put("monetary", job.monetary().name().toLowerCase(java.util.Locale.ROOT));
    }
    p.putAll(job.segmenter().params());
    return BatchParams.of(p);
  }

  private static BatchMetrics metrics(SegmentationResult r, Previous previous, double stayed, Long previousBatch) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(BatchMetrics.SEGMENTS, r.segments());
    m.put("customers", r.assignment().size());
    m.put("customers_left_out", r.customersLeftOut());
    int highest = previous == null ? 0 : previous.highestIdUsed();
    for (SegmentProfile p : r.profiles()) highest = Math.max(highest, p.segmentId());
    m.put(BatchMetrics.HIGHEST_SEGMENT_ID, highest);
    if (!Double.isNaN(stayed)) m.put(BatchMetrics.STAYED_SHARE, stayed);
    // Named, so pages can show each member's previous segment from the batch the transitions were counted from.
    if (previousBatch != null) m.put(BatchMetrics.PREVIOUS_BATCH, previousBatch);
    KChooser.Choice c = r.kChoice();
    if (c != null) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (KChooser.Row row : c.rows()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("k", row.k());
        x.put("inertia", row.inertia());
        x.put("silhouette", row.silhouette());
        rows.add(x);
      }
      m.put(BatchMetrics.K_CHOICE, rows);
    }
    return BatchMetrics.of(m);
  }
}
