package larder.spark;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.LarderException;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.core.TopNSink;
import larder.core.Transactions;
import larder.extract.ExtractResult;
import larder.extract.ParquetSource;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.SegmentsJob;
import larder.jobs.config.SparkConfig;
import larder.jobs.run.SparkEngine;
import larder.publish.BatchLoader;
import larder.store.Dialect;
import larder.store.RowTable;
import larder.store.StoreLocation;
import larder.train.eval.Metrics;
import larder.train.eval.MetricsAccumulator;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.score.TopNScoring;
import larder.train.segment.Previous;
import larder.train.segment.SegmentFeatures;
import larder.train.segment.SegmentationResult;
import larder.train.segment.rfm.RfmFeatures;
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
 * A recommendations job's heavy steps on Spark (a segments job's are {@link SparkSegments}'s). The driver holds the id dictionary (dense ids, string ids
 * kept, no hashing) and the item side of the model; users are hash-partitioned by dense id (so a rerun task
 * sees the same users) and scored in {@code mapPartitions} with Larder's own scorer against the broadcast item
 * side (ALS: each block zipped with its users' factors MLlib trained, partitioned the same way, beside the
 * broadcast item factors). On PostgreSQL each partition's lists, ALS's included, are loaded into the batch by its
 * task, exactly once; on SQLite they stream back with {@code toLocalIterator()} into the driver's writer, one
 * partition at a time.
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

  @Override public RfmFeatures rfm(SegmentsJob job, Transactions t, Progress progress) {
    return segments().rfm(job, t, progress);
  }

  @Override public SegmentationResult kmeans(SegmentsJob job, SegmentFeatures features, Previous previous,
      Progress progress) {
    return segments().kmeans(job, features, previous, progress);
  }

  private SparkSegments segments() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return new SparkSegments(jsc, configuredPartitions(jsc));
  }

  @Override public Scored scoreUsers(RecommendationsJob job, Interactions data, BitSet allowed,
      BatchLoader batch, Progress progress) {
    long start = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = partitions(jsc, data, progress);
    StoreLocation store = batch.storeLocation();
    boolean fromExecutors = store.kind() == Dialect.Kind.POSTGRES;
    List<Runnable> cleanup = new ArrayList<>();
    Broadcast<BitSet> mask = jsc.broadcast(allowed);
    cleanup.add(mask::destroy);
    try {
      long trainStart = System.nanoTime();
      // executors that load lists must name their users
      Trained trained = train(jsc, job.model(), data, partitions, fromExecutors ? data.users() : null, cleanup, progress);
      long trainNanos = System.nanoTime() - trainStart;
      Broadcast<ItemSide> item = jsc.broadcast(trained.side());
      cleanup.add(item::destroy);
      long rows = fromExecutors
          ? loadOnExecutors(jsc, job, data, batch, store, trained.users(), partitions, item, mask, progress)
          : streamToDriver(data, batch, trained.users().mapPartitions(new PartitionScorer(item, mask, job.topN(),
              job.excludeSeen())), progress, cleanup);
      progress.update("score", data.userCount(), data.userCount(), "users");
      return new Scored(new TopNScoring.ScoringSummary(data.userCount(), rows, System.nanoTime() - start),
          trained.itemModel(), trainNanos);
    } catch (Exception e) { // Spark throws SparkException (checked in Java terms) when a task failed for good
      throw larderCause(e);
    } finally {
      for (int k = cleanup.size() - 1; k >= 0; k--) cleanup.get(k).run();
    }
  }

  @Override public Metrics evaluate(Recommender model, Interactions train, Interactions test, int k,
      Progress progress) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = partitions(jsc, train, progress);
    List<Runnable> cleanup = new ArrayList<>();
    try {
      Trained trained = train(jsc, model, train, partitions, null, cleanup, progress);
      Broadcast<ItemSide> item = jsc.broadcast(trained.side());
      cleanup.add(item::destroy);
      JavaRDD<UserBlock> held = users(jsc, test.byUser(), partitions, null, cleanup);
      return trained.users().zipPartitions(held, new PartitionEvaluator(item, k))
          .reduce(MetricsAccumulator::merge)
          .finish();
    } catch (Exception e) {
      throw larderCause(e);
    } finally {
      for (int j = cleanup.size() - 1; j >= 0; j--) cleanup.get(j).run();
    }
  }

  private int configuredPartitions(JavaSparkContext jsc) {
    return config.partitions() > 0 ? config.partitions() : 2 * jsc.defaultParallelism();
  }

  /**
   * The partitions (user blocks, ALS blocks, parts) for {@code data}: the configured count, raised on a cluster
   * until each block fits in a task (see {@link #blocksFor}).
   */
  private int partitions(JavaSparkContext jsc, Interactions data, Progress progress) {
    int configured = configuredPartitions(jsc);
    if (jsc.isLocal()) return configured; // tasks stay in this JVM: no message size limit
    int needed = blocksFor(data.size(), data.userCount());
    if (needed <= configured) return configured;
    progress.note("spark", String.format("%,d partitions instead of %,d, so that no task carries more than %d MiB of"
        + " interactions (set spark.partitions to at least %,d to silence this)", needed, configured,
        MAX_BLOCK_BYTES >> 20, needed));
    return needed;
  }

  /**
   * The most bytes of interactions one block may carry. A block travels inside its task, and a cluster refuses a
   * task above {@code spark.rpc.message.maxSize} (128 MiB by default) with an error that names no setting of
   * Larder's; half of that leaves room for the rest of the task.
   */
  static final long MAX_BLOCK_BYTES = 64L << 20;

  /**
   * The fewest blocks that keep each under {@link #MAX_BLOCK_BYTES}, for {@code interactions} stored pairs
   * (8 bytes each: item and value) of {@code users} users (about 48 bytes each with the name a part loader
   * writes).
   */
  static int blocksFor(long interactions, int users) {
    long bytes = 8 * interactions + 48L * users;
    return (int) Math.min(Integer.MAX_VALUE, (bytes + MAX_BLOCK_BYTES - 1) / MAX_BLOCK_BYTES);
  }

  /**
   * A trained model as the executors score it: the users in their blocks (ALS: each with its users' factors),
   * the item side to broadcast, and the model's item side on the driver for similar items (null for popularity).
   */
  private record Trained(JavaRDD<UserBlock> users, ItemSide side, TrainedModel itemModel) {}

  /**
   * Trains {@code model} on {@code data}: ALS with MLlib on the executors; popularity counted with Spark SQL;
   * item-kNN's neighbours and EASE's weights on the driver, where the interactions are.
   *
   * @param userNames the users' external ids for blocks whose lists executors load, or null
   */
  private Trained train(JavaSparkContext jsc, Recommender model, Interactions data, int partitions, IdMap userNames,
      List<Runnable> cleanup, Progress progress) {
    if (model instanceof Als als) {
      AlsParams p = als.alsParams();
      JavaRDD<UserBlock> blocks = users(jsc, data.byUser(), partitions, userNames, cleanup);
      MllibAls.Settings settings = MllibAls.Settings.of(p, data.userCount(), data.itemCount(), data.size(),
          partitions);
      progress.note("als", String.format("MLlib ALS: rank %d, maxIter %d, regParam %.4g, alpha %s, seed %d, %d blocks",
          settings.rank(), settings.maxIter(), settings.regParam(), settings.alpha(), settings.seed(),
          settings.blocks()));
      MllibAls.Factors factors = MllibAls.fit(spark, blocks, settings, p, data.itemCount(), partitions);
      cleanup.add(() -> factors.users().unpersist(false));
      // each block with its users' factors, zipped before loadOnExecutors may coalesce the partitions
      return new Trained(blocks.zipPartitions(factors.users(), new AlsFactors(p.factors(), partitions)),
          ItemSide.als(factors.items(), p.factors()),
          // similar items on the driver, from the item factors, as locally (no user side needed there)
          AlsModel.of(0, data.itemCount(), p.factors(), new float[0], factors.items(),
              AlsParams.regularizationScale(data.userCount(), data.itemCount(), data.size())));
    }
    if (model instanceof Popularity p) {
      JavaRDD<UserBlock> users = users(jsc, data.byUser(), partitions, userNames, cleanup);
      return new Trained(users, ItemSide.popularity(popularity(users, data.itemCount(), p.parameters().count())), null);
    }
    if (model instanceof Ease ease) {
      // EASE: XᵀX and its inverse on the driver (the config caps the items), B broadcast.
      Ease.Model m = ease.fit(data, progress);
      return new Trained(users(jsc, m.history(), partitions, userNames, cleanup), ItemSide.ease(m.weights()), m);
    }
    // Item-kNN: the item-item neighbours are built on the driver, where the interactions are, and broadcast.
    ItemKnn.Model knn = ((ItemKnn) model).fit(data, progress);
    return new Trained(users(jsc, knn.history(), partitions, userNames, cleanup), ItemSide.neighbours(knn),
        knn);
  }

  /**
   * PostgreSQL: each part (a partition's users) is scored and loaded by its task, exactly once ({@link
   * PartLoader}); publish then verifies the ledger and attaches the rows. The partitions are coalesced, without a
   * shuffle, into at most {@code max_writers} tasks, each loading its parts one after the other on one connection
   * at a time: so no more than that many connections are open at once, and a part keeps its users whichever task
   * runs it. Returns the rows loaded, as the parts' ledger rows count them.
   */
  private long loadOnExecutors(JavaSparkContext jsc, RecommendationsJob job, Interactions data, BatchLoader batch,
      StoreLocation store, JavaRDD<UserBlock> users, int partitions, Broadcast<ItemSide> item, Broadcast<BitSet> mask,
      Progress progress) {
    batch.loadInParts(RowTable.RECOMMENDATIONS, partitions);
    int writers = Math.min(partitions, config.maxWriters());
    Broadcast<ItemNames> names = jsc.broadcast(new ItemNames(data.items()));
    try {
      JavaRDD<UserBlock> tasks = writers < partitions ? users.coalesce(writers, false) : users;
      List<PartLoader.Loaded> parts = tasks.mapPartitions(new PartLoader(job.name(), store.url(), batch.batchId(),
          item, mask, names, job.topN(), job.excludeSeen())).collect();
      long rows = 0;
      for (PartLoader.Loaded p : parts) rows += p.rows();
      progress.note("score", String.format("%,d parts loaded by %d writers, %d found loaded by an earlier attempt; %s",
          parts.size(), writers, parts.stream().filter(PartLoader.Loaded::skipped).count(), partRates(parts)));
      return rows;
    } finally {
      names.destroy();
    }
  }

  /**
   * The users each part scored and loaded per second of its task, and per second of its thread's CPU time (min,
   * median, max over the parts this run loaded): what one task slot does, so what more executors would do (parts
   * run side by side, one per slot); the CPU figure holds even when the machine is shared.
   */
  static String partRates(List<PartLoader.Loaded> parts) {
    List<PartLoader.Loaded> loaded = parts.stream().filter(p -> !p.skipped() && p.nanos() > 0).toList();
    if (loaded.isEmpty()) return "no part loaded by this run";
    return "per part " + spread(loaded.stream().mapToDouble(p -> p.lists() / (p.nanos() / 1e9)))
        + " users/s of task time, " + spread(loaded.stream().filter(p -> p.cpuNanos() > 0)
        .mapToDouble(p -> p.lists() / (p.cpuNanos() / 1e9))) + " users/s of CPU time (min / median / max)";
  }

  private static String spread(java.util.stream.DoubleStream values) {
    double[] v = values.sorted().toArray();
    if (v.length == 0) return "-";
    return String.format("%,.0f / %,.0f / %,.0f", v[0], v[v.length / 2], v[v.length - 1]);
  }

  /**
   * The lists of {@code scored} back to the driver's writer, one partition at a time (SQLite).
   * Returns the rows handed over.
   */
  private static long streamToDriver(Interactions data, BatchLoader batch, JavaRDD<ScoredList> scored,
      Progress progress, List<Runnable> cleanup) {
    TopNSink sink = batch.recommendations().userSink(data.users(), data.items());
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
    return rows;
  }

  /**
   * What a failed Spark job reports: the Larder error a task threw (a store's refusal, a non-finite score), with its
   * exit code, rather than Spark's wrapper around it.
   */
  private static RuntimeException larderCause(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LarderException le) return le;
    }
    return e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
  }

  /**
   * The users in {@code partitions} blocks, user u in block u mod partitions (what Spark's HashPartitioner does
   * with an int key), cut on the driver: deterministic, no shuffle, never round-robin. Block p is partition p.
   * Unpersisted by {@code cleanup}.
   */
  private static JavaRDD<UserBlock> users(JavaSparkContext jsc, SparseMatrix byUser, int partitions,
      IdMap userNames, List<Runnable> cleanup) {
    List<UserBlock> blocks = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) blocks.add(UserBlock.of(byUser, p, partitions, userNames));
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
