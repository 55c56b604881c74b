package larder.jobs.config;

import java.time.Instant;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.extract.FeatureSource;
import larder.extract.TransactionSource;
import larder.train.segment.KMeansSegmenter;
import larder.train.segment.KSpec;
import larder.train.segment.RfmRulesSegmenter;
import larder.train.segment.Segmenter;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.transform.Transform;

/**
 * One segmentation job ({@code type: segments}), validated: where its customers come from, how they are
 * segmented, and how the batch is kept.
 *
 * @param name job name; the key of the job in the views
 * @param transactions where transactions come from (RFM features are derived from them), or null when
 *     {@code features} is given
 * @param features a per-customer feature table to cluster as is, or null when {@code transactions} is given
 * @param method {@link Method#KMEANS} or {@link Method#RFM} (classic quintile scores and named segments)
 * @param asOf the point in time RFM is computed at; null = the end of the latest transaction's day
 * @param monetary total or average spend
 * @param transform applied to the features before k-means
 * @param k a fixed k or a range chosen by silhouette
 * @param kmeans every k-means setting but k
 * @param sample on the Spark engine, the customers k-means is fitted on (a seeded sample drawn to the driver;
 *     every customer when there are fewer); the local engine fits on every customer
 * @param matchThreshold distance (transformed units) below which a new cluster keeps a previous segment's id
 * @param keep batches kept for rollback (the current one included)
 * @param threads worker threads
 * @param checks whole-batch checks on the customers segmented, made before segmenting
 */
public record SegmentsJob(
    String name,
    TransactionSource transactions,
    FeatureSource features,
    Method method,
    Instant asOf,
    Monetary monetary,
    Transform transform,
    KSpec k,
    KMeansParams kmeans,
    int sample,
    double matchThreshold,
    int keep,
    int threads,
    BatchChecks checks) implements JobConfig {

  /** Customers k-means is fitted on by the Spark engine unless {@code kmeans.sample} says otherwise. */
  public static final int DEFAULT_SAMPLE = 1_000_000;

  /** How customers are put into segments. */
  public enum Method {
    KMEANS("kmeans"), RFM("rfm");

    private final String label;

    Method(String label) { this.label = label; }

    public String label() { return label; }
  }

  public SegmentsJob {
    String at = "jobs." + name;
    JobConfig.checkName(name);
    if ((transactions == null) == (features == null)) {
      throw new ConfigException(at + ".source", null, "give either transactions or a feature table");
    }
    if (method == Method.RFM && features != null) {
      throw new ConfigException(at + ".method", "rfm", "needs transactions, not a feature table",
          "give the transactions (customer, timestamp, amount), or use method: kmeans on the features");
    }
    if (!(matchThreshold >= 0) || Double.isInfinite(matchThreshold)) {
      throw new ConfigException(at + ".match_threshold", matchThreshold, "must be a number >= 0",
          "0 gives fresh ids every run; 1.0 (one standard deviation) is the default");
    }
    int kNeeded = k instanceof KSpec.Fixed f ? f.k() : ((KSpec.Auto) k).kMax();
    if (sample < kNeeded) {
      throw new ConfigException(at + ".kmeans.sample", sample, "must be at least k (" + kNeeded + ")",
          "the sample k-means is fitted on needs a customer per segment; " + DEFAULT_SAMPLE + " is the default");
    }
    if (keep < 1) throw new ConfigException(at + ".keep", keep, "must be >= 1 (the current batch counts)");
    if (threads < 1) throw new ConfigException(at + ".threads", threads, "must be >= 1");
    if (checks == null) checks = BatchChecks.defaults(BatchChecks.Keys.CUSTOMERS);
  }

  @Override public BatchKind kind() { return BatchKind.SEGMENTS; }

  /** The model name stored with each batch: "kmeans" or "rfm". */
  public String model() { return method.label(); }

  /** The segmentation the job's method and settings make. */
  public Segmenter segmenter() {
    return method == Method.RFM ? new RfmRulesSegmenter() : new KMeansSegmenter(transform, k, kmeans, matchThreshold);
  }

  /** Where the customers are read from, for messages. */
  public String sourceLabel() {
    return transactions != null ? transactions.label() : features.label();
  }
}
