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
import larder.train.recommend.als.Als;
import larder.train.recommend.blend.Blend;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;

/**
 * Whether a blend adds accuracy on real data: the per-user 25% test split of {@code AccuracyBench} (seed 7), each
 * model alone and {@code type: blend} of them all with its weights chosen as a job chooses them (on a validation
 * split of the training part, {@link Blend}), every one fitted on the training part and scored on the test part.
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
    List<Recommender> parts = new ArrayList<>();
    for (String n : names) {
      Recommender r = model(n);
      parts.add(r);
      report(r, test, threads);
    }
    report(new Blend(parts, null, null, 0.2, 7), test, threads);
  }

  private static void report(Recommender r, Holdout.Split test, int threads) {
    long t = System.nanoTime();
    Metrics q = Evaluation.evaluate(r.fit(test.train(), Progress.NONE), test.train(), test.test(), 10, threads);
    System.out.printf("TEST model=%s ndcg@10=%.4f precision@10=%.4f fit_seconds=%.1f%s%n", r.name(), q.ndcg(),
        q.precision(), (System.nanoTime() - t) / 1e9, r instanceof Blend ? " params=" + r.params() : "");
  }

  private static Recommender model(String name) {
    return switch (name.trim()) {
      case "ease" -> new Ease();
      case "als" -> new Als();
      case "itemknn" -> new ItemKnn();
      default -> throw new IllegalArgumentException("unknown model '" + name + "'");
    };
  }
}
