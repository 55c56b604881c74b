package larder.jobs.run;

import java.util.BitSet;
import java.util.List;
import java.util.ServiceLoader;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.ExtractResult;
import larder.jobs.config.LarderConfig;
import larder.core.Transactions;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SegmentsJob;
import larder.jobs.config.SparkConfig;
import larder.publish.BatchLoader;
import larder.train.eval.Evaluation;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.score.TopNScoring;
import larder.train.segment.Previous;
import larder.train.segment.SegmentFeatures;
import larder.train.segment.Segmentation;
import larder.train.segment.SegmentationResult;
import larder.train.segment.rfm.RfmFeatures;

/**
 * The steps of a recommendations or segments job that run on Spark ({@code engine: spark}); everything else (checks,
 * filters, fallback lists, the publish) is the local runner's, so both engines publish through one path. The
 * implementation lives in the larder-spark jar and is found with {@link ServiceLoader}; the CLI jar has none.
 */
public interface SparkEngine extends AutoCloseable {
  /** The master Spark runs on (spark-submit's, when it started this driver). */
  String master();

  /** Reads the job's interactions: Parquet with Spark, other sources with Larder's own reader. */
  ExtractResult read(RecommendationsJob job, Progress progress);

  /**
   * Trains the job's model and scores every user on the executors into {@code batch}'s user lists: on
   * PostgreSQL the executors load them themselves, in parts, exactly once ({@link BatchLoader#loadInParts},
   * verified and attached by its publish); on SQLite they come back to the driver's writer.
   *
   * @param allowed items that may be recommended, or null for all
   */
  Scored scoreUsers(RecommendationsJob job, Interactions data, BitSet allowed, BatchLoader batch,
      Progress progress);

  /**
   * {@code model} evaluated as {@link Evaluation#evaluate} evaluates it locally, on Spark: trained on {@code train}
   * as {@link #scoreUsers} trains, then every user with held-out items scored in the partitions (training items
   * left out, no filter), each partition summing its users' metrics; the sums merge exactly, so models whose lists
   * are the local engine's (popularity, item-kNN, EASE) get the local metrics to the last bit.
   *
   * @param test the held-out interactions: the same users and items as {@code train}
   */
  Metrics evaluate(Recommender model, Interactions train, Interactions test, int k, Progress progress);

  /**
   * RFM features of every customer of {@code t} as {@link RfmFeatures#compute} gives them, each customer's
   * rows reduced where they are (customers split by id modulo the partitions).
   */
  RfmFeatures rfm(SegmentsJob job, Transactions t, Progress progress);

  /**
   * Segments every customer by k-means as {@link Segmentation#kmeans} does, fitted (transform, k, centroids,
   * ids matched to {@code previous}) on a seeded sample of {@code job.sample()} customers on the driver, every
   * customer assigned on the executors.
   */
  SegmentationResult kmeans(SegmentsJob job, SegmentFeatures features, Previous previous, Progress progress);

  /**
   * @param itemModel the model's item side on the driver, for similar items, or null when it has none (popularity)
   * @param trainNanos time spent training (counting popularity, building neighbours), within the summary's time
   */
  record Scored(TopNScoring.ScoringSummary summary, TrainedModel itemModel, long trainNanos) {}

  /** Stops Spark if this engine started it. */
  @Override void close();

  /** Opens engines; one in the larder-spark jar. */
  interface Factory {
    /** True when this JVM is a driver that spark-submit started: Spark is already configured. */
    boolean insideSparkSubmit();

    /** A SparkSession in this JVM, for the config's master (local, or the one spark-submit gave). */
    SparkEngine open(SparkConfig spark);

    /**
     * Runs {@code larder <args>} as a Spark application through Spark's launcher from {@code SPARK_HOME},
     * reporting its state; returns its exit code.
     */
    int launch(LarderConfig cfg, List<String> args);
  }

  /** The factory on the class path, or null (the CLI's own jar). */
  static Factory factory() {
    return ServiceLoader.load(Factory.class).findFirst().orElse(null);
  }
}
