package larder.train.segment;

import larder.core.ConfigException;

/** How many segments k-means makes: a fixed k, or the best k of a range by silhouette. */
public sealed interface KSpec permits KSpec.Fixed, KSpec.Auto {

  /** Exactly {@code k} segments. */
  record Fixed(int k) implements KSpec {
    public Fixed {
      if (k < 1) throw new ConfigException("kmeans.k", k, "must be >= 1", "or use auto to choose k by silhouette");
    }
  }

  /**
   * Every k in {@code kMin..kMax} is fitted; the one with the highest mean silhouette on a sample of
   * {@code sampleSize} customers wins (see {@link larder.train.segment.kmeans.KChooser}).
   */
  record Auto(int kMin, int kMax, int sampleSize) implements KSpec {
    public Auto {
      if (kMin < 2) {
        throw new ConfigException("kmeans.k_min", kMin, "must be >= 2", "the silhouette needs two segments to compare");
      }
      if (kMax < kMin) throw new ConfigException("kmeans.k_max", kMax, "must be >= kmeans.k_min (" + kMin + ")");
      if (sampleSize < 2) {
        throw new ConfigException("kmeans.silhouette_sample", sampleSize, "must be >= 2", "1,000 to 10,000 is usual");
      }
    }
  }

  static KSpec fixed(int k) { return new Fixed(k); }

  static KSpec auto(int kMin, int kMax, int sampleSize) { return new Auto(kMin, kMax, sampleSize); }
}
