package larder.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import larder.core.SparseMatrix;
import larder.train.score.TopNScoring;
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
 *       [--diagnose true]
 * </pre>
 * With {@code --diagnose true} each cell also prints what its lists favour: the mean training popularity (users)
 * of the recommended items, and how many neighbour lists the 1% most popular items sit in (their in-degree; each
 * list holds at most k), against the median item's.
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
              if (a.text("diagnose", "false").equals("true")) diagnose(preset, sim, shrink, k, form, norm, m, split);
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

  private static void diagnose(String preset, String sim, String shrink, int k, Form form, String norm, ItemKnn.Model m,
      Holdout.Split split) {
    SparseMatrix byItem = split.train().byUser().transpose();
    int items = byItem.rows();
    int[] pop = new int[items];
    for (int i = 0; i < items; i++) pop[i] = byItem.rowLength(i);
    AtomicLong sum = new AtomicLong(), count = new AtomicLong();
    TopNScoring.scoreUsers(m, split.train().byUser(), null, 10, null, 1, (u, top, scores, n) -> {
      for (int r = 0; r < n; r++) sum.addAndGet(pop[top[r]]);
      count.addAndGet(n);
    }, Progress.NONE);
    int[] inDegree = new int[items];
    SparseMatrix nb = m.neighbours();
    for (long q = 0; q < nb.nonZeros(); q++) inDegree[nb.cols()[(int) q]]++;
    Integer[] byPop = new Integer[items];
    for (int i = 0; i < items; i++) byPop[i] = i;
    Arrays.sort(byPop, (x, y) -> Integer.compare(pop[y], pop[x]));
    int top = Math.max(1, items / 100);
    double topIn = 0;
    for (int r = 0; r < top; r++) topIn += inDegree[byPop[r]];
    int[] sorted = inDegree.clone();
    Arrays.sort(sorted);
    double meanPop = 0;
    for (int p : pop) meanPop += p;
    System.out.printf("DIAG dataset=%s similarity=%s shrink=%s k=%d form=%s normalize=%s "
            + "mean_popularity_of_recommended=%.1f mean_popularity_of_items=%.1f in_degree_top1%%=%.1f "
            + "in_degree_median=%d%n", preset, sim, shrink, k, form.name().toLowerCase(), norm,
        (double) sum.get() / count.get(), meanPop / items, topIn / top, sorted[items / 2]);
  }
}
