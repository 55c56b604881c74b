package larder.train.segment.kmeans;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import larder.core.ConfigException;
import larder.core.ModelException;
import larder.core.Progress;

/**
 * Helps choose k: fits {@link KMeans} for every k in a range and reports each fit's inertia and sampled
 * {@link Silhouette}; the k with the highest silhouette (the smaller k on a tie) is chosen. Inertia always
 * falls as k grows, so it is printed for the elbow but not used to choose.
 */
public final class KChooser {
  private KChooser() {}

  /** One k of the table. */
  public record Row(int k, double inertia, double silhouette, int iterations) {}

  /**
   * The table, the chosen k and its fit.
   *
   * @param rows one per k, ascending
   * @param chosenK the k with the best silhouette
   * @param chosen the fit for {@code chosenK}
   */
  public record Choice(List<Row> rows, int chosenK, KMeansResult chosen) {
    /** The table as text: k, inertia, silhouette, a star on the chosen row. */
    public String table() {
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%4s  %14s  %10s  %s%n", "k", "inertia",
          "silhouette", "iterations"));
      for (Row r : rows) {
        s.append(String.format(Locale.ROOT, "%4d  %14.6g  %10.4f  %10d%s%n", r.k(), r.inertia(), r.silhouette(),
            r.iterations(), r.k() == chosenK ? "  *" : ""));
      }
      return s.toString();
    }
  }

  public static Choice auto(double[] points, int n, int d, int kMin, int kMax, KMeansParams base, int sampleSize) {
    return auto(points, n, d, kMin, kMax, base, sampleSize, Progress.NONE);
  }

  /**
   * Fits k = kMin..kMax with {@code base}'s other settings; silhouettes on {@code sampleSize} points drawn
   * with {@code base.seed()}, the same sample for every k.
   */
  public static Choice auto(double[] points, int n, int d, int kMin, int kMax, KMeansParams base, int sampleSize,
      Progress progress) {
    if (kMin < 2) {
      throw new ConfigException("kmeans.k_min", kMin, "must be >= 2", "the silhouette needs two clusters to compare");
    }
    if (kMax < kMin) throw new ConfigException("kmeans.k_max", kMax, "must be >= kmeans.k_min (" + kMin + ")");
    if (kMax > n) {
      throw new ConfigException("kmeans.k_max", kMax, "is more than the " + n + " points to cluster",
          "choose kmeans.k_max <= " + n);
    }
    List<Row> rows = new ArrayList<>();
    KMeansResult best = null;
    int bestK = -1;
    double bestSil = Double.NEGATIVE_INFINITY;
    for (int k = kMin; k <= kMax; k++) {
      KMeansResult r = KMeans.fit(points, n, d, base.withK(k), progress);
      double sil = Silhouette.sampled(points, n, d, r.assignment(), k, sampleSize, base.seed());
      rows.add(new Row(k, r.inertia(), sil, r.iterations()));
      progress.note("kmeans", String.format(Locale.ROOT, "k=%d inertia=%.6g silhouette=%.4f", k, r.inertia(), sil));
      if (sil > bestSil) {
        bestSil = sil;
        bestK = k;
        best = r;
      }
    }
    if (best == null) {
      throw new ModelException("kmeans: no k in " + kMin + ".." + kMax + " separates the points (every sampled "
          + "silhouette is undefined)", "the points may all be identical; check the features");
    }
    return new Choice(List.copyOf(rows), bestK, best);
  }
}
