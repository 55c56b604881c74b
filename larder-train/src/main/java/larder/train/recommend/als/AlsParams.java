package larder.train.recommend.als;

import larder.core.ConfigException;

/**
 * Settings of implicit-feedback ALS, validated once here.
 *
 * @param factors rank of the user and item factor vectors
 * @param iterations alternating passes (users then items)
 * @param regularization L2 weight λ on the factor vectors
 * @param weightedRegularization whether each row's λ grows with its count of positive values ("weighted-λ
 *     regularization", Zhou et al. 2008, as Spark MLlib's ALS solves): a row with n positives gets
 *     λ·max(1, n) / s, s = {@link #regularizationScale} of the training data, so the mean row keeps about λ. When false
 *     every row gets λ
 * @param alpha confidence scale: how much more an observed interaction counts than an unobserved one
 * @param confidence how a raw value r becomes a confidence c
 * @param epsilon the scale of r inside {@link Confidence#LOG}; unused by {@link Confidence#LINEAR}
 * @param cgSteps conjugate-gradient steps per user or item and half-iteration
 * @param seed seed of the initial factors; the model depends only on it and the data
 * @param threads worker threads; the model does not depend on it
 */
public record AlsParams(int factors, int iterations, float regularization, boolean weightedRegularization,
    float alpha, Confidence confidence, float epsilon, int cgSteps, long seed, int threads)
    implements java.io.Serializable {

  /** Confidence weighting of Hu, Koren &amp; Volinsky (2008), section 4. */
  public enum Confidence {
    /** c = 1 + alpha * r. */
    LINEAR,
    /** c = 1 + alpha * log(1 + r / epsilon): damps heavy users such as play counts. */
    LOG
  }

  public AlsParams {
    if (factors < 1 || factors > 1024) throw new ConfigException("als.factors", factors, "must be between 1 and 1024");
    if (iterations < 1) throw new ConfigException("als.iterations", iterations, "must be >= 1");
    if (!(regularization >= 0) || Float.isInfinite(regularization)) {
      throw new ConfigException("als.regularization", regularization, "must be a finite number >= 0");
    }
    if (!(alpha > 0) || Float.isInfinite(alpha)) {
      throw new ConfigException("als.alpha", alpha, "must be a finite number > 0");
    }
    if (confidence == null) throw new ConfigException("als.confidence", null, "must be LINEAR or LOG");
    if (!(epsilon > 0) || Float.isInfinite(epsilon)) {
      throw new ConfigException("als.epsilon", epsilon, "must be a finite number > 0");
    }
    if (cgSteps < 1) throw new ConfigException("als.cgSteps", cgSteps, "must be >= 1", "3 is usually enough");
    if (threads < 1) throw new ConfigException("als.threads", threads, "must be >= 1");
  }

  /**
   * 64 factors, 15 iterations, λ = 10 weighted by each row's positives, LOG confidence with alpha = 1 and epsilon = 1, 3 CG steps,
   * seed 42, one thread per core. LOG keeps heavy counts (play counts in the hundreds of thousands)
   * from drowning everything else while still ranking 1-5 star ratings well; on per-user 20% holdouts
   * of MovieLens (ml-latest-small) and Last.fm (hetrec 2k) it beat LINEAR by 5-50% precision@10, and
   * λ = 10 beat λ = 0.01 by 4-7%. λ = 30 beats λ = 10 by 2.4-3.5% nDCG@10 on four per-user 25% splits of
   * MovieLens and by 4.2-5.0% on four of Last.fm, but on a small shop (600 users × 150 items, 20 events
   * each) it shrinks every factor to nothing and ALS ranks exactly as popularity does (nDCG@10 0.20 against
   * 0.55 at λ = 10): λ's good scale grows with the data, so the fixed default stays at 10 (BENCHMARKS.md,
   * "Tuning over repeated validation draws"). Weighting λ by each row's positives raised nDCG@10 on the per-user
   * 25% holdout (seed 7) from 0.2757 to 0.2968 on Last.fm and from 0.3685 to 0.3755 on MovieLens, level with
   * Spark MLlib's exact solves (0.2973, 0.3781; BENCHMARKS.md, "ALS on the real data sets against Spark MLlib").
   */
  public static AlsParams defaults() {
    return new AlsParams(64, 15, 10f, true, 1f, Confidence.LOG, 1f, 3, 42L,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * The s of weighted regularization: √(n̄_rows · n̄_columns), the geometric mean of the mean interactions per
   * user and per item, at least 1. The mean user then gets λ·√(n̄_users / n̄_items) and the mean item
   * λ·√(n̄_items / n̄_users). Spark's engine hands MLlib regParam = λ / s, so both engines solve the same rows.
   */
  public static double regularizationScale(long users, long items, long interactions) {
    double perUser = users == 0 ? 1 : (double) interactions / users;
    double perItem = items == 0 ? 1 : (double) interactions / items;
    return Math.max(1.0, Math.sqrt(perUser * perItem));
  }

  public AlsParams withFactors(int f) {
    return new AlsParams(f, iterations, regularization, weightedRegularization, alpha, confidence, epsilon, cgSteps,
        seed, threads);
  }

  public AlsParams withIterations(int n) {
    return new AlsParams(factors, n, regularization, weightedRegularization, alpha, confidence, epsilon, cgSteps,
        seed, threads);
  }

  public AlsParams withRegularization(float lambda) {
    return new AlsParams(factors, iterations, lambda, weightedRegularization, alpha, confidence, epsilon, cgSteps,
        seed, threads);
  }

  public AlsParams withWeightedRegularization(boolean weighted) {
    return new AlsParams(factors, iterations, regularization, weighted, alpha, confidence, epsilon, cgSteps, seed,
        threads);
  }

  public AlsParams withConfidence(Confidence c, float newAlpha, float newEpsilon) {
    return new AlsParams(factors, iterations, regularization, weightedRegularization, newAlpha, c, newEpsilon,
        cgSteps, seed, threads);
  }

  public AlsParams withCgSteps(int steps) {
    return new AlsParams(factors, iterations, regularization, weightedRegularization, alpha, confidence, epsilon,
        steps, seed, threads);
  }

  public AlsParams withSeed(long s) {
    return new AlsParams(factors, iterations, regularization, weightedRegularization, alpha, confidence, epsilon,
        cgSteps, s, threads);
  }

  public AlsParams withThreads(int t) {
    return new AlsParams(factors, iterations, regularization, weightedRegularization, alpha, confidence, epsilon,
        cgSteps, seed, t);
  }

  /**
   * The λ of a row with {@code positives} positive values, given the training data's {@code scale}; a row with
   * none (only zero or negative values) counts as one, so its system stays positive definite.
   */
  public double rowRegularization(int positives, double scale) {
    return weightedRegularization ? regularization * Math.max(1, positives) / scale : regularization;
  }

  /** c - 1 for a raw value r (its magnitude: a negative r is a confident "no"). */
  public float confidenceMinusOne(float r) {
    float m = Math.abs(r);
    return confidence == Confidence.LINEAR ? alpha * m : alpha * (float) Math.log1p(m / epsilon);
  }
}
