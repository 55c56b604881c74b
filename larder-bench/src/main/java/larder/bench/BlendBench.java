package larder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.blend.BlendModel;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;

/**
 * Whether a blend adds accuracy on real data: per-user 25% test split (seed 7, as {@code AccuracyBench}), a 20%
 * validation split carved from the training part, each model fitted on the rest; blend weights on a 0.1-step
 * simplex chosen on validation (both scales); then the models refitted on the whole training part and the chosen
 * blend scored on the test split beside each model alone.
 * <pre>
 *   BlendBench &lt;preset&gt; --path file [--models ease,als,itemknn]
 * </pre>
 */
public final class BlendBench {
  private BlendBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    Path path = Path.of(a.text("path", ""));
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    List<String> names = List.of(a.text("models", "ease,als,itemknn").split(","));
    Interactions in = new CsvSource(CsvSpec.preset(a.command, path)).read(Progress.NONE).interactions();
    Holdout.Split test = Holdout.perUser(in, 0.25, 7);
    Holdout.Split val = Holdout.perUser(test.train(), 0.2, 7 ^ 0x5DEECE66DL);
    List<TrainedModel> onVal = new ArrayList<>();
    for (String n : names) {
      TrainedModel m = model(n).fit(val.train(), Progress.NONE);
      onVal.add(m);
      System.out.printf("VAL model=%s ndcg@10=%.4f%n", n, eval(m, val, threads).ndcg());
    }
    int parts = names.size();
    double best = -1;
    double[] bestW = null;
    BlendModel.Scale bestScale = null;
    for (BlendModel.Scale scale : BlendModel.Scale.values()) {
      for (double[] w : simplex(parts, 10)) {
        int nonZero = 0;
        for (double x : w) if (x > 0) nonZero++;
        if (nonZero < 2) continue;
        double v = eval(new BlendModel(onVal, w, val.train().byUser(), scale, 200), val, threads).ndcg();
        if (v > best) {
          best = v;
          bestW = w;
          bestScale = scale;
        }
      }
      System.out.printf("VAL best so far scale=%s weights=%s ndcg@10=%.4f%n", bestScale, java.util.Arrays.toString(bestW), best);
    }
    List<TrainedModel> onTrain = new ArrayList<>();
    for (String n : names) {
      TrainedModel m = model(n).fit(test.train(), Progress.NONE);
      onTrain.add(m);
      Metrics q = eval(m, test, threads);
      System.out.printf("TEST model=%s ndcg@10=%.4f precision@10=%.4f%n", n, q.ndcg(), q.precision());
    }
    Metrics q = eval(new BlendModel(onTrain, bestW, test.train().byUser(), bestScale, 200), test, threads);
    System.out.printf("TEST blend scale=%s weights=%s ndcg@10=%.4f precision@10=%.4f%n", bestScale,
        java.util.Arrays.toString(bestW), q.ndcg(), q.precision());
  }

  private static Recommender model(String name) {
    return switch (name.trim()) {
      case "ease" -> new Ease();
      case "als" -> new Als();
      case "itemknn" -> new ItemKnn();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static Metrics eval(TrainedModel m, Holdout.Split s, int threads) {
    return Evaluation.evaluate(m, s.train(), s.test(), 10, threads);
  }

  /** Every weight vector of {@code parts} non-negative multiples of 1/steps summing to 1. */
  static List<double[]> simplex(int parts, int steps) {
    List<double[]> out = new ArrayList<>();
    fill(new int[parts], 0, steps, steps, out);
    return out;
  }

  private static void fill(int[] w, int at, int left, int steps, List<double[]> out) {
    if (at == w.length - 1) {
      w[at] = left;
      double[] d = new double[w.length];
      for (int i = 0; i < w.length; i++) d[i] = w[i] / (double) steps;
      out.add(d);
      return;
    }
    for (int x = 0; x <= left; x++) {
      w[at] = x;
      fill(w, at + 1, left - x, steps, out);
    }
  }
}
