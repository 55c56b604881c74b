package larder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.eval.Holdout;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.blend.BlendModel;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.score.TopNScoring;

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
    List<Lists> onVal = new ArrayList<>();
    for (String n : names) {
      long t = System.nanoTime();
      onVal.add(lists(model(n).fit(val.train(), Progress.NONE), val, threads));
      System.out.printf("VAL model=%s ndcg@10=%.4f fit+lists %.1f s%n", n, ndcg(List.of(onVal.get(onVal.size() - 1)),
          new double[] {1}, BlendModel.Scale.RANK, val), (System.nanoTime() - t) / 1e9);
    }
    double best = -1;
    double[] bestW = null;
    BlendModel.Scale bestScale = null;
    for (BlendModel.Scale scale : BlendModel.Scale.values()) {
      for (double[] w : simplex(names.size(), 10)) {
        int nonZero = 0;
        for (double x : w) if (x > 0) nonZero++;
        if (nonZero < 2) continue;
        double v = ndcg(onVal, w, scale, val);
        if (v > best) {
          best = v;
          bestW = w;
          bestScale = scale;
        }
      }
      System.out.printf("VAL best so far scale=%s weights=%s ndcg@10=%.4f%n", bestScale, Arrays.toString(bestW), best);
    }
    List<Lists> onTest = new ArrayList<>();
    for (String n : names) {
      onTest.add(lists(model(n).fit(test.train(), Progress.NONE), test, threads));
      System.out.printf("TEST model=%s ndcg@10=%.4f%n", n, ndcg(List.of(onTest.get(onTest.size() - 1)), new double[] {1},
          BlendModel.Scale.RANK, test));
    }
    System.out.printf("TEST blend scale=%s weights=%s ndcg@10=%.4f%n", bestScale, Arrays.toString(bestW),
        ndcg(onTest, bestW, bestScale, test));
  }

  /** One model's top {@link #DEPTH} unseen items of each user with held-out items, best first. */
  private record Lists(int[][] items, float[][] scores) {}

  private static final int DEPTH = 200;

  private static Lists lists(TrainedModel m, Holdout.Split s, int threads) {
    SparseMatrix held = s.test().byUser();
    int[][] items = new int[held.rows()][];
    float[][] scores = new float[held.rows()][];
    List<Integer> users = new ArrayList<>();
    for (int u = 0; u < held.rows(); u++) if (held.rowLength(u) > 0) users.add(u);
    TopNScoring.scoreUsers(m, s.train().byUser(), users.stream().mapToInt(Integer::intValue).toArray(), DEPTH, null,
        threads, (user, it, sc, n) -> {
          items[user] = Arrays.copyOf(it, n);
          scores[user] = Arrays.copyOf(sc, n);
        }, Progress.NONE);
    return new Lists(items, scores);
  }

  /** nDCG@10 (binary relevance) of the blend of {@code parts} over the users with held-out items. */
  private static double ndcg(List<Lists> parts, double[] w, BlendModel.Scale scale, Holdout.Split s) {
    SparseMatrix held = s.test().byUser();
    double sum = 0;
    int users = 0;
    for (int u = 0; u < held.rows(); u++) {
      if (held.rowLength(u) == 0) continue;
      users++;
      Map<Integer, Double> blended = new HashMap<>();
      for (int p = 0; p < parts.size(); p++) {
        int[] it = parts.get(p).items()[u];
        float[] sc = parts.get(p).scores()[u];
        if (it == null || it.length == 0 || w[p] == 0) continue;
        float hi = sc[0], lo = sc[sc.length - 1];
        for (int r = 0; r < it.length; r++) {
          double v = scale == BlendModel.Scale.RANK ? 1.0 / (60 + r + 1) : hi > lo ? (sc[r] - lo) / (double) (hi - lo) : 0;
          blended.merge(it[r], w[p] * v, Double::sum);
        }
      }
      List<Map.Entry<Integer, Double>> e = new ArrayList<>(blended.entrySet());
      e.sort((x, y) -> y.getValue().compareTo(x.getValue()) != 0 ? y.getValue().compareTo(x.getValue())
          : Integer.compare(x.getKey(), y.getKey()));
      Set<Integer> rel = new HashSet<>();
      for (int q = held.rowStart(u); q < held.rowEnd(u); q++) rel.add(held.cols()[q]);
      double dcg = 0, idcg = 0;
      for (int r = 0; r < Math.min(10, e.size()); r++) if (rel.contains(e.get(r).getKey())) dcg += 1 / log2(r + 2);
      for (int r = 0; r < Math.min(10, rel.size()); r++) idcg += 1 / log2(r + 2);
      sum += dcg / idcg;
    }
    return sum / users;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static Recommender model(String name) {
    return switch (name.trim()) {
      case "ease" -> new Ease();
      case "als" -> new Als();
      case "itemknn" -> new ItemKnn();
      default -> throw new IllegalArgumentException(name);
    };
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
