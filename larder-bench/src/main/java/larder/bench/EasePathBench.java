package larder.bench;

import java.nio.file.Path;
import java.util.Locale;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.ease.EasePath;

/**
 * EASE in user space against the item-space inverse, and the λ path, for {@code bench/ease-path.sh}: on one file,
 * {@code runs} times each, the whole {@link Ease#fit} forced to each way ({@code larder.ease.space}), the user-space
 * fit with its m×m inverse in Java ({@code larder.ease.lapack=java}), then {@link EasePath#prepare} and, per λ,
 * {@link EasePath#at} and the scores of every user; last, how far the two B differ.
 * <pre>
 *   EasePathBench &lt;preset&gt; --path file [--threads n] [--lambda 250] [--runs 3] [--items 1]
 * </pre>
 * Prints {@code EASE_FIT space=… seconds=…} per run, {@code EASE_PATH …} per λ and {@code EASE_AGREE …}.
 */
public final class EasePathBench {
  private EasePathBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    double lambda = Double.parseDouble(a.text("lambda", "250"));
    int runs = a.integer("runs", 3);
    Interactions in = new CsvSource(CsvSpec.preset(a.command, Path.of(a.text("path", "")))).read(Progress.NONE)
        .interactions();
    int m = in.userCount();
    int n = in.itemCount();
    EaseParams params = EaseParams.defaults().withLambda(lambda).withThreads(threads);
    Ease.Model items = null;
    Ease.Model users = null;
    for (int r = 0; r < runs; r++) {
      if (a.integer("items", 1) == 1) items = fit("items", null, in, params, r);
      users = fit("users", null, in, params, r);
      fit("users", "java", in, params, r);
    }
    double[] lambdas = {10, 100, 1000, 10_000};
    for (int r = 0; r < runs; r++) {
      long t = System.nanoTime();
      EasePath path = EasePath.prepare(in, params);
      double prepare = seconds(t);
      for (double l : lambdas) {
        t = System.nanoTime();
        TrainedModel model = path.at(l);
        double at = seconds(t);
        t = System.nanoTime();
        double checksum = scoreAll(model);
        double score = seconds(t);
        System.out.printf(Locale.ROOT, "EASE_PATH run=%d users=%d items=%d space=%s prepare_seconds=%.3f lambda=%s "
            + "at_seconds=%.3f score_all_seconds=%.3f checksum=%.6e%n", r, m, n, path.userSpace() ? "users" : "items",
            prepare, l, at, score, checksum);
      }
    }
    long t = System.nanoTime();
    double checksum = scoreAll(users);
    System.out.printf(Locale.ROOT, "EASE_SCORE_B users=%d items=%d score_all_seconds=%.3f checksum=%.6e%n", m, n,
        seconds(t), checksum);
    if (items != null) agree(items, users);
  }

  static Ease.Model fit(String space, String lapack, Interactions in, EaseParams params, int run) {
    System.setProperty("larder.ease.space", space);
    if (lapack != null) System.setProperty("larder.ease.lapack", lapack);
    try (HeapSampler heap = new HeapSampler()) {
      HeapSampler.live();
      long t = System.nanoTime();
      Ease.Model model = new Ease(params).fit(in, Progress.NONE);
      System.out.printf(Locale.ROOT, "EASE_FIT run=%d space=%s inverse=%s users=%d items=%d seconds=%.3f "
              + "heap_peak_mib=%s%n", run, space, lapack == null ? "native" : lapack, in.userCount(), in.itemCount(),
          seconds(t), HeapSampler.mib(heap.peak()));
      return model;
    } finally {
      System.clearProperty("larder.ease.space");
      System.clearProperty("larder.ease.lapack");
    }
  }

  /** Every user's scores in blocks of the model's preferred size, on this thread; their sum, so none is skipped. */
  static double scoreAll(TrainedModel model) {
    int m = model.userCount();
    int n = model.itemCount();
    int block = model.preferredBlock();
    int[] users = new int[block];
    float[] out = new float[block * n];
    UserScorer scorer = model.newUserScorer();
    double sum = 0;
    for (int u0 = 0; u0 < m; u0 += block) {
      int count = Math.min(block, m - u0);
      for (int c = 0; c < count; c++) users[c] = u0 + c;
      scorer.score(users, count, out);
      for (int i = 0; i < count * n; i++) sum += out[i];
    }
    return sum;
  }

  /** max |B_users − B_items| over max |B_items|. */
  static void agree(Ease.Model items, Ease.Model users) {
    int n = items.itemCount();
    double max = 0;
    double diff = 0;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        float b = items.weight(j, i);
        max = Math.max(max, Math.abs(b));
        diff = Math.max(diff, Math.abs(users.weight(j, i) - b));
      }
    }
    System.out.printf(Locale.ROOT, "EASE_AGREE items=%d max_abs_b=%.4e max_abs_diff=%.3e relative=%.3e%n", n, max,
        diff, diff / max);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
