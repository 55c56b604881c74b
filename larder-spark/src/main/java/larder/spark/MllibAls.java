package larder.spark;

import java.util.ArrayList;
import java.util.List;
import larder.core.ConfigException;
import larder.train.recommend.als.AlsParams;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Larder's implicit ALS trained with MLlib's {@code ml.recommendation.ALS} on the dense ids of the engine's
 * dictionary. Larder's settings map to MLlib's as {@link Settings#of} says; the two objectives differ in how λ
 * is applied, so the factors are not Larder's, only of the same kind.
 */
final class MllibAls {
  private MllibAls() {}

  /**
   * MLlib's settings for Larder's.
   *
   * <ul>
   *   <li>rank = factors, maxIter = iterations, seed = seed, implicitPrefs;</li>
   *   <li>confidence: MLlib's is c = 1 + alpha·|rating|, Larder's c = 1 + alpha·g(r), g(r) = r (linear) or
   *       log(1 + r/epsilon) (log). Each value is therefore handed over as rating = sign(r)·g(|r|) (see
   *       {@link #rating}) with alpha unchanged, which gives every pair Larder's confidence and preference
   *       (1 when r &gt; 0);</li>
   *   <li>λ: MLlib solves each row with regParam·n, n the row's count of positive values ("ALS-WR"), as the
   *       local engine does with weighted regularization (its default): regParam = λ / s, s =
   *       {@link AlsParams#regularizationScale} (√(n̄_users · n̄_items)), so both engines give each row the same λ
   *       (the local engine counts a row without positives as one). Constant λ
   *       ({@code weighted_regularization: false}) has no MLlib counterpart and is refused;</li>
   *   <li>cgSteps and threads have no counterpart: MLlib solves exactly (Cholesky), one task per block.</li>
   * </ul>
   *
   * @param blocks user and item blocks (numUserBlocks, numItemBlocks)
   */
  record Settings(int rank, int maxIter, double regParam, double alpha, long seed, int blocks) {
    static Settings of(AlsParams p, int users, int items, long interactions, int blocks) {
      if (!p.weightedRegularization()) {
        throw new ConfigException("model.weighted_regularization", false,
            "has no counterpart on Spark: MLlib's ALS always weights λ by each row's positive values",
            "remove weighted_regularization: false, or run this job with engine: local");
      }
      double scale = AlsParams.regularizationScale(users, items, interactions); // as the local engine's rows
      return new Settings(p.factors(), p.iterations(), p.regularization() / scale, p.alpha(), p.seed(),
          Math.max(1, blocks));
    }

    ALS estimator() {
      return new ALS().setImplicitPrefs(true).setRank(rank).setMaxIter(maxIter).setRegParam(regParam)
          .setAlpha(alpha).setSeed(seed).setNumUserBlocks(blocks).setNumItemBlocks(blocks)
          .setUserCol("user").setItemCol("item").setRatingCol("rating").setNonnegative(false);
    }
  }

  /** The value MLlib is given for a raw value r: with MLlib's alpha, it yields Larder's confidence. */
  static float rating(AlsParams p, float r) {
    float g = p.confidenceMinusOne(r) / p.alpha();
    return r < 0 ? -g : g;
  }

  /**
   * The fitted factors: the item side collected on the driver (items × rank, entity-major; an item MLlib never
   * saw keeps zeros), the user side keyed by dense id, hash-partitioned as the user blocks are, and persisted
   * and counted, so a retried scoring task reads the numbers the first attempt read instead of training again.
   */
  record Factors(float[] items, JavaPairRDD<Integer, float[]> users) {}

  static Factors fit(SparkSession spark, JavaRDD<UserBlock> blocks, Settings s, AlsParams p, int itemCount,
      int partitions) {
    StructType schema = new StructType().add("user", DataTypes.IntegerType, false)
        .add("item", DataTypes.IntegerType, false).add("rating", DataTypes.FloatType, false);
    JavaRDD<Row> rows = blocks.flatMap(b -> {
      List<Row> out = new ArrayList<>(b.cols().length);
      for (int r = 0; r < b.users().length; r++) {
        for (int k = b.ptr()[r]; k < b.ptr()[r + 1]; k++) {
          out.add(RowFactory.create(b.users()[r], b.cols()[k], rating(p, b.vals()[k])));
        }
      }
      return out.iterator();
    });
    Dataset<Row> ratings = spark.createDataFrame(rows, schema);
    ALSModel model = s.estimator().fit(ratings);
    int rank = s.rank();
    float[] items = new float[Math.multiplyExact(itemCount, rank)];
    for (Row r : model.itemFactors().collectAsList()) {
      List<Float> f = r.getList(1);
      int at = r.getInt(0) * rank;
      for (int k = 0; k < rank; k++) items[at + k] = f.get(k);
    }
    JavaPairRDD<Integer, float[]> users = model.userFactors().javaRDD()
        .mapToPair(r -> new Tuple2<>(r.getInt(0), toArray(r.<Float>getList(1))))
        .partitionBy(new HashPartitioner(partitions))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    users.count();
    return new Factors(items, users);
  }

  private static float[] toArray(List<Float> f) {
    float[] out = new float[f.size()];
    for (int k = 0; k < out.length; k++) out[k] = f.get(k);
    return out;
  }
}
