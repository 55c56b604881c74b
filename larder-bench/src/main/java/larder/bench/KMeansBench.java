package larder.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import larder.core.Progress;
import larder.train.segment.kmeans.KMeans;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.kmeans.KMeansResult;
import larder.train.segment.kmeans.Lloyd;

/**
 * End-to-end k-means driver for {@code bench/kmeans.sh}:
 * <pre>
 *   features --out features.csv [--customers 1000000] [--seed 1]   RFM-like features, header f1,f2,f3
 *   fit --in features.csv [--k 8] [--iters 20] [--runs 3] [--threads n] [--lloyd 0|1] [--defaults 0|1]
 * </pre>
 * {@code fit} times, like the scikit-learn and Spark references, {@code runs} single-start fits (seeds 1..runs)
 * of exactly {@code iters} iterations with tolerance 0, k-means++ seeding included; then, with
 * {@code --defaults 1}, one fit with the default settings (4 restarts, tolerance 1e-4, up to 100 iterations).
 * Every figure is one line starting with its kind (DATA, KMEANS, KMEANS-SUMMARY) as key=value pairs.
 */
public final class KMeansBench {
  private KMeansBench() {}

  /**
   * Planted customer segments: (recency days, orders, spend) drawn lognormally around each segment's centre,
   * then log1p and standardised per feature, as a segmentation job would prepare them. Row-major n × 3.
   */
  static double[] features(int n, long seed) {
    // weight, median recency (days), median orders, median spend per order
    double[][] segments = {
        {0.10, 5, 25, 80}, {0.20, 20, 8, 60}, {0.25, 60, 3, 40}, {0.25, 200, 1.5, 30}, {0.20, 500, 1, 20}};
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * 3];
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      int s = 0;
      while (s < segments.length - 1 && u >= segments[s][0]) u -= segments[s++][0];
      double[] g = segments[s];
      double recency = g[1] * Math.exp(0.5 * r.nextGaussian());
      double orders = 1 + Math.floor((g[2] - 1 + 0.5) * Math.exp(0.6 * r.nextGaussian()));
      double spend = orders * g[3] * Math.exp(0.4 * r.nextGaussian());
      x[i * 3] = Math.log1p(recency);
      x[i * 3 + 1] = Math.log1p(orders);
      x[i * 3 + 2] = Math.log1p(spend);
    }
    for (int t = 0; t < 3; t++) {
      double mean = 0;
      for (int i = 0; i < n; i++) mean += x[i * 3 + t];
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) var += (x[i * 3 + t] - mean) * (x[i * 3 + t] - mean);
      double sd = Math.sqrt(var / n);
      for (int i = 0; i < n; i++) x[i * 3 + t] = (x[i * 3 + t] - mean) / sd;
    }
    return x;
  }

  public static void main(String[] argv) {
    Args a = new Args(argv);
    int threads = a.integer("threads", Runtime.getRuntime().availableProcessors());
    System.out.println("INFO java=" + System.getProperty("java.version") + " cores="
        + Runtime.getRuntime().availableProcessors() + " threads=" + threads + " maxHeapMiB="
        + Runtime.getRuntime().maxMemory() / 1048576);
    switch (a.command) {
      case "features" -> {
        int n = a.integer("customers", 1_000_000);
        long t = System.nanoTime();
        Path out = Path.of(a.text("out", "features.csv"));
        write(out, features(n, a.number("seed", 1)), n);
        System.out.printf(Locale.ROOT, "DATA wrote=%s customers=%d seconds=%.1f%n", out, n, secs(t));
      }
      case "fit" -> fit(a, threads);
      default -> throw new IllegalArgumentException("command must be features or fit, got '" + a.command + "'");
    }
  }

  private static void fit(Args a, int threads) {
    long t = System.nanoTime();
    Path in = Path.of(a.text("in", "features.csv"));
    double[] x = read(in);
    int n = x.length / 3;
    System.out.printf(Locale.ROOT, "DATA file=%s customers=%d features=3 read_seconds=%.2f%n", in, n, secs(t));
    int k = a.integer("k", 8);
    int iters = a.integer("iters", 20);
    int runs = a.integer("runs", 3);
    long live = HeapSampler.live();
    List<Double> fits = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      KMeansParams p = new KMeansParams(k, 1, iters, 0, run, threads);
      fits.add(timed("fixed", x, n, p, live, run));
    }
    double[] sorted = fits.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "KMEANS-SUMMARY mode=fixed k=%d iters=%d runs=%d threads=%d median_fit_s=%.3f "
        + "best_fit_s=%.3f%n", k, iters, runs, threads, sorted[sorted.length / 2], sorted[0]);
    if (a.integer("lloyd", 0) != 0) {
      t = System.nanoTime();
      KMeansResult r = Lloyd.fit(x, n, 3, new KMeansParams(k, 1, iters, 0, 1, 1));
      System.out.printf(Locale.ROOT, "KMEANS mode=lloyd-oracle-1-thread run=1 seconds=%.3f iterations=%d "
          + "inertia=%.6e%n", secs(t), r.iterations(), r.inertia());
    }
    if (a.integer("defaults", 1) != 0) {
      timed("defaults", x, n, KMeansParams.defaults(k).withThreads(threads), live, 1);
    }
  }

  /** One timed fit; prints its line and returns the seconds. */
  private static double timed(String mode, double[] x, int n, KMeansParams p, long live, int run) {
    long[] marks = new long[p.restarts() * p.maxIterations() + 1];
    int[] count = {0};
    Progress progress = new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        if (count[0] < marks.length) marks[count[0]++] = System.nanoTime();
      }
    };
    long t;
    KMeansResult r;
    long peak;
    try (HeapSampler sampler = new HeapSampler()) {
      t = System.nanoTime();
      r = KMeans.fit(x, n, 3, p, progress);
      peak = sampler.peak();
    }
    long end = System.nanoTime();
    double sec = (end - t) / 1e9;
    // Between consecutive iteration marks of one start: pure iterations (seeding and the first pass excluded).
    double[] gaps = new double[Math.max(0, count[0] - 1)];
    for (int i = 1; i < count[0]; i++) gaps[i - 1] = (marks[i] - marks[i - 1]) / 1e9;
    double[] s = gaps.clone();
    Arrays.sort(s);
    double median = s.length == 0 ? Double.NaN : s[s.length / 2];
    double first = count[0] == 0 ? Double.NaN : (marks[0] - t) / 1e9;
    System.out.printf(Locale.ROOT, "KMEANS mode=%s run=%d k=%d restarts=%d max_iters=%d tol=%g threads=%d seconds=%.3f "
            + "iterations=%d seconds_per_iter_median=%.4f seeding_plus_first_iter_s=%.3f inertia=%.6e "
            + "heap_live_before_mib=%s heap_peak_during_mib=%s%n", mode, run, p.k(), p.restarts(), p.maxIterations(),
        p.tolerance(), p.threads(), sec, r.iterations(), median, first, r.inertia(), HeapSampler.mib(live),
        HeapSampler.mib(peak));
    return sec;
  }

  private static void write(Path out, double[] x, int n) {
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.US_ASCII)) {
      w.write("f1,f2,f3\n");
      StringBuilder line = new StringBuilder(64);
      for (int i = 0; i < n; i++) {
        line.setLength(0);
        for (int t = 0; t < 3; t++) {
          if (t > 0) line.append(',');
          fixed6(line, x[i * 3 + t]);
        }
        line.append('\n');
        w.append(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
  }

  /** Six decimals without String.format, which would dominate writing a million rows. */
  private static void fixed6(StringBuilder s, double v) {
    long m = Math.round(Math.abs(v) * 1e6);
    if (v < 0 && m != 0) s.append('-');
    s.append(m / 1_000_000).append('.');
    String frac = Long.toString(m % 1_000_000);
    for (int z = frac.length(); z < 6; z++) s.append('0');
    s.append(frac);
  }

  private static double[] read(Path in) {
    try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.US_ASCII)) {
      String header = r.readLine();
      if (header == null || !header.startsWith("f1,f2,f3")) throw new IllegalArgumentException(in + ": expected header f1,f2,f3");
      double[] x = new double[3 * 1_048_576];
      int size = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (size + 3 > x.length) x = Arrays.copyOf(x, x.length * 2);
        int a = line.indexOf(',');
        int b = line.indexOf(',', a + 1);
        x[size++] = Double.parseDouble(line.substring(0, a));
        x[size++] = Double.parseDouble(line.substring(a + 1, b));
        x[size++] = Double.parseDouble(line.substring(b + 1));
      }
      return Arrays.copyOf(x, size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + in, e);
    }
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
