package larder.spark;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import larder.core.IdMap;
import larder.core.Progress;
import larder.core.Transactions;
import larder.jobs.config.SegmentsJob;
import larder.train.segment.Assigner;
import larder.train.segment.Previous;
import larder.train.segment.SegmentFeatures;
import larder.train.segment.Segmentation;
import larder.train.segment.SegmentationResult;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.rfm.RfmFeatures;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A segments job's per-customer work on Spark. Customers are split by dense id modulo the partitions (no
 * shuffle; a retried task gets the same customers): their transactions are reduced to RFM by Larder's own rules
 * where they are, and k-means, fitted on a seeded sample on the driver (transform, k, restarts, centroids), is
 * broadcast and assigns every customer in its partition. Per-customer results come back to the driver, where
 * the publisher's segment writer takes whole columns, as the local engine gives them.
 */
final class SparkSegments {
  private final JavaSparkContext jsc;
  private final int partitions;

  SparkSegments(JavaSparkContext jsc, int partitions) {
    this.jsc = jsc;
    this.partitions = partitions;
  }

  /** {@link RfmFeatures#compute}, with each customer's rows reduced on an executor. */
  RfmFeatures rfm(SegmentsJob job, Transactions t, Progress progress) {
    long asOfSec = RfmFeatures.asOfSecond(t, job.asOf()); // the whole data's as-of, and its checks
    Monetary mode = job.monetary();
    List<CustomerRows.RfmPart> parts = jsc.parallelize(CustomerRows.cut(t, partitions), partitions)
        .map(b -> b.rfm(asOfSec, mode)).collect();
    int nc = t.customerCount();
    progress.update("rfm", nc, nc, "customers");
    return merge(t, parts, asOfSec, mode);
  }

  /** The parts' customers in dense-id order, as the local rules number them; the rest left out. */
  static RfmFeatures merge(Transactions t, List<CustomerRows.RfmPart> parts, long asOfSec, Monetary mode) {
    int nc = t.customerCount();
    double[] rec = new double[nc];
    double[] freq = new double[nc];
    double[] mon = new double[nc];
    boolean[] kept = new boolean[nc];
    long after = 0;
    int keptCount = 0;
    for (CustomerRows.RfmPart p : parts) {
      after += p.rowsAfterAsOf();
      for (int i = 0; i < p.customer().length; i++) {
        int c = p.customer()[i];
        kept[c] = true;
        rec[c] = p.recencyDays()[i];
        freq[c] = p.frequency()[i];
        mon[c] = p.monetary()[i];
      }
      keptCount += p.customer().length;
    }
    IdMap ids = keptCount == nc ? t.customers() : new IdMap(keptCount);
    int[] source = new int[keptCount];
    double[] r = new double[keptCount];
    double[] f = new double[keptCount];
    double[] m = new double[keptCount];
    int i = 0;
    for (int c = 0; c < nc; c++) {
      if (!kept[c]) continue;
      if (keptCount != nc) ids.intern(t.customers().name(c));
      source[i] = c;
      r[i] = rec[c];
      f[i] = freq[c];
      m[i] = mon[c];
      i++;
    }
    return new RfmFeatures(ids, source, r, f, m, mode, Instant.ofEpochSecond(asOfSec), nc - keptCount, after);
  }

  /**
   * {@link Segmentation#kmeans}, fitted on a seeded sample of {@code job.sample()} customers (every customer when
   * there are no more): the transform (log1p, standardise) is fitted on the sample too, being part of what the
   * centroids mean. Ids are matched to {@code previous} by the clusters' sizes among all customers, and the
   * profiles describe all customers.
   */
  SegmentationResult kmeans(SegmentsJob job, SegmentFeatures features, Previous previous, Progress progress) {
    int n = features.rows();
    int d = features.dimensions();
    int m = Math.min(job.sample(), n);
    SegmentFeatures sample = m == n ? features : sample(features, m, job.kmeans().seed());
    Segmentation.KMeansModel model = Segmentation.fit(sample, job.transform(), job.k(), job.kmeans(), progress);
    Broadcast<Assigner> assigner = jsc.broadcast(model.assigner());
    try {
      List<FeatureRows> blocks = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) blocks.add(FeatureRows.of(features.values(), n, d, p, partitions));
      List<Assigned> parts = jsc.parallelize(blocks, partitions).map(b -> b.assign(assigner.value())).collect();
      int[] cluster = new int[n];
      float[] distance = new float[n];
      for (Assigned a : parts) {
        for (int i = 0; i < a.cluster().length; i++) {
          int c = a.part() + i * partitions;
          cluster[c] = a.cluster()[i];
          distance[c] = a.distance()[i];
        }
      }
      progress.update("segment", n, n, "customers");
      return Segmentation.kmeans(features, model, cluster, distance, previous, job.matchThreshold());
    } finally {
      assigner.destroy();
    }
  }

  /**
   * {@code m} customers drawn without replacement, each set of m equally likely (selection sampling, Knuth's
   * algorithm S: one pass, the chosen in id order), from the seed alone.
   */
  static int[] sampleIds(int n, int m, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] out = new int[m];
    int chosen = 0;
    for (int i = 0; i < n && chosen < m; i++) {
      if (random.nextLong(n - i) < m - chosen) out[chosen++] = i;
    }
    return out;
  }

  private static SegmentFeatures sample(SegmentFeatures features, int m, long seed) {
    int d = features.dimensions();
    int[] ids = sampleIds(features.rows(), m, seed);
    double[] values = new double[m * d];
    for (int i = 0; i < m; i++) System.arraycopy(features.values(), ids[i] * d, values, i * d, d);
    return new SegmentFeatures(IdMap.sequential(m), features.names(), values, null);
  }

  /** One partition's customers' features: customer {@code part + i * parts} is row i. */
  record FeatureRows(int part, double[] values) implements Serializable {
    static FeatureRows of(double[] all, int n, int d, int part, int parts) {
      int rows = n <= part ? 0 : (n - part + parts - 1) / parts;
      double[] v = new double[rows * d];
      for (int i = 0; i < rows; i++) System.arraycopy(all, (part + i * parts) * d, v, i * d, d);
      return new FeatureRows(part, v);
    }

    Assigned assign(Assigner a) {
      int rows = values.length / a.transform().dimensions();
      int[] cluster = new int[rows];
      float[] distance = new float[rows];
      a.assign(values, rows, cluster, distance);
      return new Assigned(part, cluster, distance);
    }
  }

  /** One partition's customers' clusters and distances, row i being customer {@code part + i * parts}. */
  record Assigned(int part, int[] cluster, float[] distance) implements Serializable {}
}
