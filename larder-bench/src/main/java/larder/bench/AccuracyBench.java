package larder.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.popularity.Popularity;

/**
 * Real-data accuracy for {@code bench/accuracy.sh}: reads one dataset with a known layout, holds out a
 * random 25% of each user's interactions (seed 7, {@link Holdout#perUser}), fits popularity, item-kNN,
 * ALS and EASE with their default parameters on the rest and prints precision@10 and NDCG@10 over the
 * users with a held-out item, their training items excluded from the lists.
 * <pre>
 *   AccuracyBench &lt;preset&gt; --path file [--models popularity,itemknn,als,ease] [--threads n] [--train-csv out.csv]
 * </pre>
 * {@code als-constant} is ALS with one λ for every row; {@code --train-csv} also writes the training part as
 * {@code user,item,count} (dense ids, the raw values) for the Spark MLlib reference to fit the same pairs.
 */
public final class AccuracyBench {
  private AccuracyBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    String preset = a.command;
    Path path = Path.of(a.text("path", ""));
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    List<String> models = List.of(a.text("models", "popularity,itemknn,als,ease").split(","));
    long t = System.nanoTime();
    Interactions in = new CsvSource(CsvSpec.preset(preset, path)).read(Progress.NONE).interactions();
    System.out.printf("DATA preset=%s file=%s users=%d items=%d pairs=%d read_seconds=%.1f%n", preset,
        path.getFileName(), in.userCount(), in.itemCount(), in.size(), (System.nanoTime() - t) / 1e9);
    Holdout.Split split = Holdout.perUser(in, 0.25, 7);
    System.out.printf("SPLIT holdout=per-user-25%% seed=7 train_pairs=%d test_pairs=%d%n", split.train().size(),
        split.test().size());
    String trainCsv = a.text("train-csv", "");
    if (!trainCsv.isEmpty()) writePairs(split.train(), Path.of(trainCsv));
    for (String name : models) {
      Recommender r = switch (name.trim()) {
        case "popularity" -> new Popularity();
        case "itemknn" -> new ItemKnn();
        case "als" -> new Als();
        case "als-constant" -> new Als(AlsParams.defaults().withWeightedRegularization(false));
        case "ease" -> new Ease();
        case "ease-float" -> new Ease(larder.train.recommend.ease.EaseParams.defaults().withSinglePrecision(true));
        default -> throw new IllegalArgumentException("unknown model '" + name + "'");
      };
      t = System.nanoTime();
      TrainedModel m = r.fit(split.train(), Progress.NONE);
      double fit = (System.nanoTime() - t) / 1e9;
      Metrics q = Evaluation.evaluate(m, split.train(), split.test(), 10, threads);
      System.out.printf("EVAL dataset=%s model=%-10s precision@10=%.4f ndcg@10=%.4f recall@10=%.4f map@10=%.4f "
              + "hit_rate@10=%.4f coverage=%.4f users=%d fit_seconds=%.2f params=%s%n", preset, name.trim(),
          q.precision(), q.ndcg(), q.recall(), q.map(), q.hitRate(), q.coverage(), q.users(), fit, r.params());
    }
  }

  private static void writePairs(Interactions train, Path out) {
    SparseMatrix m = train.byUser();
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      w.write("user,item,count\n");
      for (int u = 0; u < m.rows(); u++) {
        for (int p = m.ptr()[u]; p < m.ptr()[u + 1]; p++) {
          w.write(u + "," + m.cols()[p] + "," + m.vals()[p] + "\n");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
