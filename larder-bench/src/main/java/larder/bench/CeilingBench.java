package larder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.itemknn.ItemKnnParams.Form;
import larder.train.recommend.itemknn.ItemKnnParams.Normalize;

/**
 * Ceilings, NOT a tuning method: the best nDCG@10 that ALS and item-kNN reach over a generous space when every
 * configuration is scored directly on the test part (the split of {@code larder evaluate} with {@code holdout: 0.25}:
 * per-user random 25%, seed 42 unless {@code --seed}). It answers whether a model family can come within a given
 * distance of another on a data set at all; a search that sees only the training part can do no better than this
 * in expectation, and these settings are chosen on the very split they are scored on.
 * <pre>
 *   CeilingBench &lt;preset&gt; --path file [--models als,itemknn] [--seed 42] [--threads n]
 * </pre>
 * ALS, in three stages: (1) 64 factors, 15 iterations: alpha {0.3, 1, 3, 10, 30, 100} × rho = λ / alpha {0.3, 1, 3,
 * 10, 30, 100} × confidence {log, linear} (72 fits); (2) the three best cells of (1) and the defaults at factors
 * {32, 64, 128, 256}, each measured after 15 and 30 iterations (the 30 continue the 15's factors); (3) around the
 * best of (2): alpha and rho each × {1/√3, 1, √3} at its factors and iterations. Item-kNN: similarity {cosine,
 * jaccard} × shrink {0, 5, 10, 20, 50, 100, 200} × k {5, 10, 25, 50, 100, 200, 400, 800} × form {candidate, history}
 * × normalize {none, rows} (448 cells, one similarity pass per (similarity, shrink)). One line per configuration
 * ({@code ALS ...}, {@code KNN ...}) and a {@code CEILING} line per model.
 */
public final class CeilingBench {
  private CeilingBench() {}

  private record Cell(String text, double ndcg, double precision) {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    String preset = a.command;
    Path path = Path.of(a.text("path", ""));
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    long seed = a.number("seed", 42);
    List<String> models = List.of(a.text("models", "als,itemknn").split(","));
    Interactions in = new CsvSource(CsvSpec.preset(preset, path)).read(Progress.NONE).interactions();
    Holdout.Split split = Holdout.perUser(in, 0.25, seed);
    System.out.printf("SPLIT dataset=%s users=%d items=%d train_pairs=%d test_pairs=%d holdout=per-user-25%% seed=%d%n",
        preset, in.userCount(), in.itemCount(), split.train().size(), split.test().size(), seed);
    if (models.contains("itemknn")) knn(preset, split, threads);
    if (models.contains("als")) als(preset, split, threads);
  }

  private static void knn(String preset, Holdout.Split split, int threads) {
    int[] ks = {5, 10, 25, 50, 100, 200, 400, 800};
    float[] shrinks = {0, 5, 10, 20, 50, 100, 200};
    List<Cell> cells = new ArrayList<>();
    ItemKnnParams d = ItemKnnParams.defaults().withThreads(threads);
    Metrics def = Evaluation.evaluate(new ItemKnn(d).fit(split.train(), Progress.NONE), split.train(), split.test(), 10,
        threads);
    System.out.printf("KNN dataset=%s default %s ndcg@10=%.4f%n", preset, describe(d), def.ndcg());
    for (String sim : List.of("cosine", "jaccard")) {
      for (float shrink : shrinks) {
        ItemKnnParams p = d.withSimilarity(ItemKnnParams.similarity(sim)).withShrink(shrink);
        long t = System.nanoTime();
        ItemKnn.Neighbours lists = ItemKnn.neighbours(split.train(), p, ks[ks.length - 1], Progress.NONE);
        double pass = (System.nanoTime() - t) / 1e9;
        for (int k : ks) {
          for (Form form : Form.values()) {
            for (Normalize norm : Normalize.values()) {
              Metrics q = Evaluation.evaluate(lists.model(k, form, norm), split.train(), split.test(), 10, threads);
              String text = String.format(java.util.Locale.ROOT, "similarity=%s shrink=%.0f k=%d form=%s normalize=%s",
                  sim, shrink, k, form.name().toLowerCase(), norm.name().toLowerCase());
              cells.add(new Cell(text, q.ndcg(), q.precision()));
              System.out.printf("KNN dataset=%s %s ndcg@10=%.4f precision@10=%.4f pass_seconds=%.2f%n", preset, text,
                  q.ndcg(), q.precision(), pass);
            }
          }
        }
      }
    }
    ceiling("itemknn", preset, cells, def.ndcg());
  }

  private static void als(String preset, Holdout.Split split, int threads) {
    AlsParams d = AlsParams.defaults().withThreads(threads);
    double[] grid = {0.3, 1, 3, 10, 30, 100};
    List<Cell> cells = new ArrayList<>();
    List<AlsParams> stage1 = new ArrayList<>();
    List<Double> stage1Ndcg = new ArrayList<>();
    double def = Double.NaN;
    for (AlsParams.Confidence c : AlsParams.Confidence.values()) {
      for (double alpha : grid) {
        for (double rho : grid) {
          AlsParams p = d.withConfidence(c, (float) alpha, d.epsilon()).withRegularization((float) (rho * alpha));
          double v = fitAls(preset, "stage=1", p, split, threads, cells);
          stage1.add(p);
          stage1Ndcg.add(v);
          if (c == d.confidence() && alpha == d.alpha() && rho * alpha == d.regularization()) def = v;
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < stage1.size(); i++) order.add(i);
    order.sort(Comparator.comparingDouble(i -> -stage1Ndcg.get(i)));
    List<AlsParams> seeds = new ArrayList<>();
    for (int i = 0; i < 3; i++) seeds.add(stage1.get(order.get(i)));
    seeds.add(d);
    AlsParams best = null;
    double bestV = -1;
    int bestIt = 15;
    for (AlsParams s : seeds) {
      for (int f : new int[] {32, 64, 128, 256}) {
        AlsParams p = s.withFactors(f).withIterations(15);
        Als als = new Als(p);
        long t = System.nanoTime();
        AlsModel m = als.fit(split.train(), Progress.NONE);
        double v15 = report(preset, "stage=2", p, 15, m, split, threads, cells, t);
        t = System.nanoTime();
        AlsModel m30 = als.resume(split.train(), m, 15, Progress.NONE);
        double v30 = report(preset, "stage=2", p, 30, m30, split, threads, cells, t);
        if (v15 > bestV) { bestV = v15; best = p; bestIt = 15; }
        if (v30 > bestV) { bestV = v30; best = p; bestIt = 30; }
      }
    }
    double r3 = Math.sqrt(3);
    for (double fa : new double[] {1 / r3, 1, r3}) {
      for (double fr : new double[] {1 / r3, 1, r3}) {
        if (fa == 1 && fr == 1) continue;
        double alpha = best.alpha() * fa;
        double rho = best.regularization() / best.alpha() * fr;
        AlsParams p = best.withConfidence(best.confidence(), (float) alpha, best.epsilon())
            .withRegularization((float) (rho * alpha)).withIterations(bestIt);
        fitAls(preset, "stage=3", p, split, threads, cells);
      }
    }
    ceiling("als", preset, cells, def);
  }

  private static double fitAls(String preset, String stage, AlsParams p, Holdout.Split split, int threads,
      List<Cell> cells) {
    long t = System.nanoTime();
    AlsModel m = new Als(p).fit(split.train(), Progress.NONE);
    return report(preset, stage, p, p.iterations(), m, split, threads, cells, t);
  }

  private static double report(String preset, String stage, AlsParams p, int iterations, AlsModel m,
      Holdout.Split split, int threads, List<Cell> cells, long t0) {
    double fit = (System.nanoTime() - t0) / 1e9;
    Metrics q = Evaluation.evaluate(m, split.train(), split.test(), 10, threads);
    String text = String.format(java.util.Locale.ROOT, "factors=%d iterations=%d alpha=%.4g rho=%.4g regularization=%.4g"
        + " confidence=%s", p.factors(), iterations, p.alpha(), p.regularization() / p.alpha(), p.regularization(),
        p.confidence().name().toLowerCase());
    cells.add(new Cell(text, q.ndcg(), q.precision()));
    System.out.printf("ALS dataset=%s %s %s ndcg@10=%.4f precision@10=%.4f fit_seconds=%.2f%n", preset, stage, text,
        q.ndcg(), q.precision(), fit);
    return q.ndcg();
  }

  private static void ceiling(String model, String preset, List<Cell> cells, double def) {
    Cell best = cells.stream().max(Comparator.comparingDouble(Cell::ndcg)).orElseThrow();
    System.out.printf("CEILING model=%s dataset=%s cells=%d best_ndcg@10=%.4f precision@10=%.4f default_ndcg@10=%.4f"
        + " best=%s%n", model, preset, cells.size(), best.ndcg(), best.precision(), def, best.text());
  }

  private static String describe(ItemKnnParams p) {
    return "similarity=" + p.similarity().name().toLowerCase() + " shrink=" + p.shrink() + " k=" + p.neighbors()
        + " form=" + p.neighborhood().name().toLowerCase() + " normalize=" + p.normalize().name().toLowerCase();
  }
}
