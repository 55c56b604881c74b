package larder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import larder.core.Interactions;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.kernel.VectorSupport;
import larder.train.score.TopNScoring;

/**
 * End-to-end driver for {@code bench/scoring-and-als.sh}, on generated shop data
 * ({@link SyntheticShop}, default 100,000 users × 20,000 items × 5,000,000 events, seed 1):
 * <pre>
 *   spark-csv --out file.csv [shape options]     the same events as user,item,count for the Spark reference
 *   score [--runs 3] [shape options]              all-user top-10 scoring, seen items excluded, counting sink
 *   als   [--iters 5] [--eval 0|1] [--weighted 1|0] [shape]   implicit ALS with default parameters (--weighted 0:
 *                                                 one λ for every row), time per iteration
 * shape options: --users --items --interactions --rank --threads --seed
 * </pre>
 * Every figure is printed on one line starting with its kind (SCORE, ALS, EVAL, DATA) as key=value pairs.
 */
public final class ScoringAndAlsBench {
  private ScoringAndAlsBench() {}

  public static void main(String[] argv) {
    Args a = new Args(argv);
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    ShopParams shape = ShopParams.of(a.integer("users", 100_000), a.integer("items", 20_000),
        a.number("interactions", 5_000_000), a.number("seed", 1));
    int rank = a.integer("rank", 64);
    System.out.println("INFO java=" + System.getProperty("java.version") + " vm=" + System.getProperty("java.vm.name")
        + " cores=" + Runtime.getRuntime().availableProcessors() + " threads=" + threads
        + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / 1048576);
    switch (a.command) {
      case "spark-csv" -> {
        long t = System.nanoTime();
        new SyntheticShop(shape).writeSparkCsv(Path.of(a.text("out", "interactions.csv")), Progress.NONE);
        System.out.printf("DATA wrote=%s seconds=%.1f%n", a.text("out", "interactions.csv"), secs(t));
      }
      case "score" -> score(generate(shape), rank, threads, a.integer("runs", 3), a.number("seed", 1));
      case "als" -> als(generate(shape), rank, threads, a.integer("iters", 5), a.integer("eval", 0) != 0,
          a.integer("weighted", 1) != 0);
      default -> throw new IllegalArgumentException("command must be spark-csv, score or als, got '" + a.command + "'");
    }
  }

  private static Interactions generate(ShopParams shape) {
    long t = System.nanoTime();
    Interactions in = new SyntheticShop(shape).interactions();
    System.out.printf("DATA users=%d items=%d events=%d distinct_pairs=%d generate_seconds=%.1f%n", in.userCount(),
        in.itemCount(), shape.interactions(), in.size(), secs(t));
    return in;
  }

  /**
   * Scores every user against every item with a random rank-{@code rank} model: the work is the same for
   * any factor values, and a random model keeps the scoring figure independent of training.
   */
  private static void score(Interactions in, int rank, int threads, int runs, long seed) {
    int users = in.userCount();
    int items = in.itemCount();
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[Math.multiplyExact(users, rank)];
    float[] y = new float[Math.multiplyExact(items, rank)];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
    AlsModel model = AlsModel.of(users, items, rank, x, y);
    x = null;
    y = null;
    long live = HeapSampler.live();
    double flop = 2.0 * users * items * rank;
    for (int run = 1; run <= runs; run++) {
      LongAdder rows = new LongAdder();
      LongAdder lists = new LongAdder();
      long t;
      TopNScoring.ScoringSummary s;
      long peak;
      try (HeapSampler sampler = new HeapSampler()) {
        t = System.nanoTime();
        s = TopNScoring.scoreUsers(model, in.byUser(), null, 10, null, threads, (user, its, scores, n) -> {
          rows.add(n);
          lists.increment();
        }, Progress.NONE);
        peak = sampler.peak();
      }
      double sec = secs(t);
      System.out.printf("SCORE run=%d users=%d items=%d rank=%d threads=%d kernel=%s seconds=%.2f dots_per_s=%.3e "
              + "gflops=%.1f lists=%d rows=%d heap_live_before_mib=%s heap_peak_during_mib=%s%n", run, users, items, rank,
          threads, VectorSupport.enabled() ? "vector" : "scalar", sec, (double) users * items / sec, flop / sec / 1e9, lists.sum(), rows.sum(), HeapSampler.mib(live),
          HeapSampler.mib(peak));
      if (s.keys() != users) throw new IllegalStateException("scored " + s.keys() + " of " + users + " users");
    }
  }

  private static final Pattern ITER = Pattern.compile("iteration (\\d+)/\\d+");

  private static void als(Interactions in, int rank, int threads, int iters, boolean eval, boolean weighted) {
    AlsParams p = AlsParams.defaults().withFactors(rank).withIterations(iters).withThreads(threads)
        .withWeightedRegularization(weighted);
    List<Double> perIter = new ArrayList<>();
    long[] last = {System.nanoTime()};
    Progress progress = new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {}

      @Override public void note(String phase, String message) {
        Matcher m = ITER.matcher(message);
        long now = System.nanoTime();
        // Time between notes: iteration 1 also carries the set-up (confidences, initial factors).
        if (m.find()) perIter.add((now - last[0]) / 1e9);
        last[0] = now;
        System.out.println("ALS-NOTE " + message);
      }
    };
    long t = System.nanoTime();
    last[0] = t;
    new Als(p).fit(in, progress);
    double total = secs(t);
    double sum = 0;
    double best = Double.MAX_VALUE;
    StringBuilder each = new StringBuilder();
    for (double s : perIter) {
      sum += s;
      best = Math.min(best, s);
      each.append(each.length() == 0 ? "" : ",").append(String.format("%.2f", s));
    }
    System.out.printf("ALS users=%d items=%d nnz=%d rank=%d iters=%d threads=%d fit_seconds=%.2f "
            + "seconds_per_iter_mean=%.2f seconds_per_iter_best=%.2f each=%s params=%s%n", in.userCount(), in.itemCount(),
        in.size(), rank, iters, threads, total, sum / perIter.size(), best, each, new Als(p).params());
    if (eval) {
      Holdout.Split split = Holdout.perUser(in, 0.25, 7);
      t = System.nanoTime();
      AlsModel m = new Als(p).fit(split.train(), Progress.NONE);
      Metrics q = Evaluation.evaluate(m, split.train(), split.test(), 10, threads);
      System.out.printf("EVAL model=als holdout=per-user-25%%-seed7 precision@10=%.4f ndcg@10=%.4f users=%d "
          + "seconds=%.1f%n", q.precision(), q.ndcg(), q.users(), secs(t));
    }
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
