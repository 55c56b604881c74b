package larder.train.tune;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.train.eval.Metric;

/**
 * What a {@code tune:} section asks for, validated once.
 *
 * @param metric what the search maximises, at {@code k}
 * @param k the evaluation's list length
 * @param validation share of each user's training interactions held out for the search, strictly between 0 and 1
 * @param byTime hold out each user's latest interactions (as {@code evaluate.split: time}) instead of a random share
 * @param repeats validation draws each configuration is measured on (seeded random shares, each with its own derived
 *     seed); the search compares the means. 0: the model's default ({@link Tunable#defaultRepeats}). 1 with
 *     {@code byTime}: the latest interactions are the same every time
 * @param trials configurations a sampled search starts
 * @param maxTime stop before the next fit after this long, or null
 * @param seed of the validation split (derived) and of every draw of the search (derived)
 * @param threads for fitting and scoring
 * @param space parameters replacing the model's default ones (empty: the default space)
 * @param at the config key of the section, for errors ({@code jobs.shop.tune})
 */
public record TuneSettings(Metric metric, int k, double validation, boolean byTime, int repeats, int trials,
    Duration maxTime, long seed, int threads, List<Param> space, String at) {
  /**
   * 15: with the prior points ALS tries first ({@link AlsTunable#PRIORS}, {@link AlsTunable#WEIGHTED_PRIORS}), 12, 15 and 20 trials found settings within
   * 1% of each other, and of what 30 trials without them found, on the test parts of ml-latest-small and Last.fm;
   * 15 cost 8-9 default fits where 30 cost 17 (BENCHMARKS.md, "Tuning within the budget").
   */
  public static final int DEFAULT_TRIALS = 15;
  /**
   * 10%: on ml-latest-small, 20% (the search then training on 60% of the data where the published model trains on
   * 75%) chose ALS and item-kNN settings that lost 3% nDCG@10 on the test part; 10% did not (README, Tuning).
   */
  public static final double DEFAULT_VALIDATION = 0.1;
  /**
   * Validation draws per configuration with a random split unless the model says otherwise
   * ({@link Tunable#defaultRepeats}): one, since ALS's and EASE's searches chose the same over three draws as over
   * one on both public data sets at three times the cost; item-kNN's grid takes {@link ItemKnnTunable#REPEATS}.
   */
  public static final int DEFAULT_REPEATS = 1;

  /** The most draws a config may ask for. */
  public static final int MAX_REPEATS = 20;

  /** The repeats a {@code tune:} section without {@code repeats:} asks for: 1 for a time split, else the model's (0). */
  public static int defaultRepeats(boolean byTime) {
    return byTime ? 1 : 0;
  }

  public TuneSettings {
    if (metric == null) metric = Metric.NDCG;
    if (repeats < 0 || repeats > MAX_REPEATS) {
      throw new ConfigException(at + ".repeats", repeats, "must be between 1 and " + MAX_REPEATS);
    }
    if (byTime && repeats > 1) {
      throw new ConfigException(at + ".repeats", repeats, "must be 1 with evaluate.split: time: each user's latest"
          + " interactions are the same validation part on every draw", "remove tune.repeats, or use evaluate.split:"
          + " random");
    }
    if (!(validation > 0 && validation < 1)) {
      throw new ConfigException(at + ".validation", validation, "must be strictly between 0 and 1 (e.g. 0.2)");
    }
    if (trials < 1 || trials > 10_000) throw new ConfigException(at + ".trials", trials, "must be between 1 and 10000");
    if (maxTime != null && (maxTime.isNegative() || maxTime.isZero())) {
      throw new ConfigException(at + ".max_time", maxTime, "must be a positive duration such as 20m");
    }
    if (k < 1) throw new ConfigException(at + ".k", k, "must be >= 1");
    if (threads < 1) throw new ConfigException(at + ".threads", threads, "must be >= 1");
    space = space == null ? List.of() : List.copyOf(space);
  }

  /** The seed of the evaluation's seed when {@code tune.seed} is not given: a different stream from the same seed. */
  public static long defaultSeed(long evaluationSeed) {
    return evaluationSeed ^ 0x7E57_5EED_0000_0011L;
  }

  /**
   * The seed of validation draw {@code r} (0-based): stream 1 for the first (so one draw is the split a search without
   * repeats made), 3, 4, ... for the others.
   */
  long drawSeed(int r) {
    return derived(r == 0 ? 1 : 2 + r);
  }

  /** Independent streams from the one seed: 1 for the validation split, 2 for the search's draws, 3+ more splits. */
  long derived(int stream) {
    SplittableRandom r = new SplittableRandom(seed);
    long v = 0;
    for (int i = 0; i < stream; i++) v = r.nextLong();
    return v;
  }

  /** These settings with {@code r} validation draws. */
  public TuneSettings withRepeats(int r) {
    return new TuneSettings(metric, k, validation, byTime, r, trials, maxTime, seed, threads, space, at);
  }

  public TuneSettings withThreads(int t) {
    return new TuneSettings(metric, k, validation, byTime, repeats, trials, maxTime, seed, t, space, at);
  }
}
