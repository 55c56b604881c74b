package larder.spark;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.extract.ExtractResult;
import larder.extract.ParquetSource;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SparkConfig;
import larder.jobs.run.SparkEngine;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.score.TopNScoring;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A recommendations job's heavy steps on Spark. The driver holds the id dictionary (dense ids, string ids
 * kept, no hashing) and the item side of the model; users are hash-partitioned by dense id (so a rerun task
 * sees the same users), scored in {@code mapPartitions} with Larder's own scorer against the broadcast item
 * side (ALS: the user factors MLlib trained, partitioned the same way, beside the broadcast item factors),
 * and their lists streamed back with {@code toLocalIterator()} into the local publisher, one partition
 * at a time.
 */
final class LarderSparkEngine implements SparkEngine {
  private final SparkSession spark;
  private final SparkConfig config;
  private final boolean ownsSession;

  LarderSparkEngine(SparkSession spark, SparkConfig config, boolean ownsSession) {
    this.spark = spark;
    this.config = config;
    this.ownsSession = ownsSession;
  }

  @Override public String master() {
    return spark.sparkContext().master();
  }

  @Override public ExtractResult read(RecommendationsJob job, Progress progress) {
    if (job.source() instanceof ParquetSource p) return ParquetReader.read(spark, job.name(), p, progress);
    return job.source().read(progress); // Larder's strict reader, on the driver: file:line in every bad row
  }

  @Override public Scored scoreUsers(RecommendationsJob job, Interactions data, BitSet allowed,
      TopNSink sink, Progress progress) {
    long start = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.partitions() > 0 ? config.partitions() : 2 * jsc.defaultParallelism();
    Broadcast<BitSet> mask = jsc.broadcast(allowed);
    List<Runnable> cleanup = new ArrayList<>();
    cleanup.add(mask::destroy);
    try {
      JavaRDD<UserBlock> users;
      JavaRDD<ScoredList> scored;
      TrainedModel itemModel = null;
      long trainStart = System.nanoTime();
      if (job.model() instanceof Als als) {
        AlsParams p = als.alsParams();
        users = users(jsc, data.byUser(), partitions, cleanup);
        MllibAls.Settings settings = MllibAls.Settings.of(p, data.userCount(), data.itemCount(), data.size(),
            partitions);
        progress.note("als", String.format("MLlib ALS: rank %d, maxIter %d, regParam %.4g, alpha %s, seed %d, %d blocks",
            settings.rank(), settings.maxIter(), settings.regParam(), settings.alpha(), settings.seed(),
            settings.blocks()));
        MllibAls.Factors factors = MllibAls.fit(spark, users, settings, p, data.itemCount(), partitions);
        cleanup.add(() -> factors.users().unpersist(false));
        // Similar items on the driver, from the item factors, as locally (no user side needed there).
        itemModel = AlsModel.of(0, data.itemCount(), p.factors(), new float[0], factors.items());
        Broadcast<float[]> y = jsc.broadcast(factors.items());
        cleanup.add(y::destroy);
        scored = users.zipPartitions(factors.users(), new AlsPartitionScorer(y, mask, p.factors(), partitions,
            job.topN(), job.excludeSeen()));
      } else {
        ItemSide side;
        if (job.model() instanceof Popularity p) {
          users = users(jsc, data.byUser(), partitions, cleanup);
          side = ItemSide.popularity(popularity(users, data.itemCount(), p.parameters().count()));
        } else if (job.model() instanceof Ease ease) {
          // EASE: XᵀX and its inverse on the driver (the config caps the items), B broadcast.
          Ease.Model m = ease.fit(data, progress);
          itemModel = m;
          users = users(jsc, m.history(), partitions, cleanup);
          side = ItemSide.ease(m.weights());
        } else {
          // Item-kNN: the item-item neighbours are built on the driver, where the interactions are, and broadcast.
          ItemKnn.Model knn = ((ItemKnn) job.model()).fit(data, progress);
          itemModel = knn;
          users = users(jsc, knn.history(), partitions, cleanup);
          side = ItemSide.neighbours(knn.neighbours());
        }
        Broadcast<ItemSide> item = jsc.broadcast(side);
        cleanup.add(item::destroy);
        scored = users.mapPartitions(new PartitionScorer(item, mask, job.topN(), job.excludeSeen()));
      }
      long trainNanos = System.nanoTime() - trainStart;
      JavaRDD<ScoredList> lists = scored.persist(StorageLevel.MEMORY_AND_DISK_SER());
      cleanup.add(() -> lists.unpersist(false));
      // Scored on every executor at once; toLocalIterator then fetches the kept lists one partition at a time
      // (alone, it would also compute them one partition at a time).
      lists.count();
      long rows = 0;
      long done = 0;
      for (Iterator<ScoredList> it = lists.toLocalIterator(); it.hasNext(); ) {
        ScoredList l = it.next();
        sink.accept(l.user(), l.items(), l.scores(), l.items().length);
        rows += l.items().length;
        if (++done % 100_000 == 0) progress.update("score", done, data.userCount(), "users");
      }
      progress.update("score", data.userCount(), data.userCount(), "users");
      return new Scored(new TopNScoring.ScoringSummary(data.userCount(), rows, System.nanoTime() - start), itemModel,
          trainNanos);
    } finally {
      for (int k = cleanup.size() - 1; k >= 0; k--) cleanup.get(k).run();
    }
  }

  /**
   * The users in {@code partitions} blocks, user u in block u mod partitions (what Spark's HashPartitioner does
   * with an int key), cut on the driver: deterministic, no shuffle, never round-robin. Block p is partition p.
   * Unpersisted by {@code cleanup}.
   */
  private static JavaRDD<UserBlock> users(JavaSparkContext jsc, SparseMatrix byUser, int partitions,
      List<Runnable> cleanup) {
    List<UserBlock> blocks = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) blocks.add(UserBlock.of(byUser, p, partitions));
    JavaRDD<UserBlock> users = jsc.parallelize(blocks, partitions).persist(StorageLevel.MEMORY_AND_DISK());
    cleanup.add(() -> users.unpersist(false));
    return users;
  }

  /**
   * Each item's popularity, counted with Spark SQL: distinct users (each stored pair is one user), or their
   * summed weights (summed in double, so a float sum locally may differ in the last bit for fractional weights).
   */
  private float[] popularity(JavaRDD<UserBlock> users, int items, PopularityParams.Count count) {
    StructType schema = new StructType().add("item", DataTypes.IntegerType, false).add("value", DataTypes.FloatType, false);
    JavaRDD<Row> pairs = users.flatMap(b -> {
      List<Row> out = new ArrayList<>(b.cols().length);
      for (int k = 0; k < b.cols().length; k++) out.add(RowFactory.create(b.cols()[k], b.vals()[k]));
      return out.iterator();
    });
    Dataset<Row> df = spark.createDataFrame(pairs, schema);
    boolean byUsers = count == PopularityParams.Count.USERS;
    float[] scores = new float[items];
    for (Row r : df.groupBy("item").agg(functions.count(functions.lit(1)), functions.sum("value")).collectAsList()) {
      scores[r.getInt(0)] = byUsers ? (float) r.getLong(1) : (float) r.getDouble(2);
    }
    return scores;
  }

  @Override public void close() {
    if (ownsSession) spark.stop();
  }
}
