package larder.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;

/**
 * Item-kNN's neighbourhood forms over a grid, on {@link AccuracyBench}'s split and metrics (per-user random 25%
 * holdout, seed 7, top-10 with training items left out): one similarity pass per (similarity, shrink) at the
 * largest k ({@link ItemKnn#neighbours}), then every k, form and normalisation cut from it. One line per cell.
 * <pre>
 *   KnnFormsBench &lt;preset&gt; --path file [--ks 10,25,50,100,200,400] [--shrinks 0,10,50,200]
 *       [--similarities cosine,jaccard] [--normalize none,rows] [--weighting binary] [--threads n]
 * </pre>
 */
public final class KnnFormsBench {
  private KnnFormsBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    String preset = a.command;
    Path path = Path.of(a.text("path", ""));
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    int[] ks = Arrays.stream(a.text("ks", "10,25,50,100,200,400").split(",")).mapToInt(Integer::parseInt).toArray();
    List<String> shrinks = List.of(a.text("shrinks", "0,10,50,200").split(","));
    List<String> sims = List.of(a.text("similarities", "cosine,jaccard").split(","));
    List<String> norms = List.of(a.text("normalize", "none").split(","));
    ItemKnnParams.Weighting weighting = ItemKnnParams.weighting(a.text("weighting", "binary"));
    Interactions in = new CsvSource(CsvSpec.preset(preset, path)).read(Progress.NONE).interactions();
    Holdout.Split split = Holdout.perUser(in, 0.25, 7);
    System.out.printf("SPLIT dataset=%s users=%d items=%d train_pairs=%d test_pairs=%d holdout=per-user-25%% seed=7%n",
        preset, in.userCount(), in.itemCount(), split.train().size(), split.test().size());
    int maxK = Arrays.stream(ks).max().orElseThrow();
    for (String sim : sims) {
      for (String shrink : shrinks) {
        ItemKnnParams p = ItemKnnParams.defaults().withSimilarity(ItemKnnParams.similarity(sim))
            .withShrink(Float.parseFloat(shrink)).withWeighting(weighting).withThreads(threads);
        long t = System.nanoTime();
        ItemKnn.Neighbours lists = ItemKnn.neighbours(split.train(), p, maxK, Progress.NONE);
        double pass = (System.nanoTime() - t) / 1e9;
        for (int k : ks) {
          for (Form form : Form.values()) {
            for (String norm : norms) {
              t = System.nanoTime();
              ItemKnn.Model m = lists.model(k, form, ItemKnnParams.normalize(norm));
              double cut = (System.nanoTime() - t) / 1e9;
              Metrics q = Evaluation.evaluate(m, split.train(), split.test(), 10, threads);
              System.out.printf("KNN dataset=%s similarity=%s shrink=%s k=%d form=%s normalize=%s precision@10=%.4f "
                      + "ndcg@10=%.4f recall@10=%.4f coverage=%.4f pass_seconds=%.2f cut_seconds=%.3f%n", preset, sim,
                  shrink, k, form.name().toLowerCase(), norm, q.precision(), q.ndcg(), q.recall(), q.coverage(), pass,
                  cut);
            }
          }
        }
      }
    }
  }
}
