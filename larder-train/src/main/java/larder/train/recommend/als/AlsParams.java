package larder.train.recommend.als;

import larder.core.ConfigException;

/**
 * Settings of implicit-feedback ALS, validated once here.
 *
 * @param factors rank of the user and item factor vectors
 * @param iterations alternating passes (users then items)
 * @param regularization L2 weight λ on every factor vector
 * @param alpha confidence scale: how much more an observed interaction counts than an unobserved one
 * @param confidence how a raw value r becomes a confidence c
 * @param epsilon the scale of r inside {@link Confidence#LOG}; unused by {@link Confidence#LINEAR}
 * @param cgSteps conjugate-gradient steps per user or item and half-iteration
 * @param seed seed of the initial factors; the model depends only on it and the data
 * @param threads worker threads; the model does not depend on it
 */
public record AlsParams(int factors, int iterations, float regularization, float alpha, Confidence confidence,
    float epsilon, int cgSteps, long seed, int threads) implements java.io.Serializable {

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
   * 64 factors, 15 iterations, λ = 10, LOG confidence with alpha = 1 and epsilon = 1, 3 CG steps,
   * seed 42, one thread per core. LOG keeps heavy counts (play counts in the hundreds of thousands)
   * from drowning everything else while still ranking 1-5 star ratings well; on per-user 20% holdouts
   * of MovieLens (ml-latest-small) and Last.fm (hetrec 2k) it beat LINEAR by 5-50% precision@10, and
   * λ = 10 beat λ = 0.01 by 4-7%. λ = 30 beats λ = 10 by 2.4-3.5% nDCG@10 on four per-user 25% splits of
   * MovieLens and by 4.2-5.0% on four of Last.fm, but on a small shop (600 users × 150 items, 20 events
   * each) it shrinks every factor to nothing and ALS ranks exactly as popularity does (nDCG@10 0.20 against
   * 0.55 at λ = 10): λ's good scale grows with the data, so the fixed default stays at 10 (BENCHMARKS.md,
   * "Tuning over repeated validation draws").
   */
  public static AlsParams defaults() {
    return new AlsParams(64, 15, 10f, 1f, Confidence.LOG, 1f, 3, 42L, Runtime.getRuntime().availableProcessors());
  }

  public AlsParams withFactors(int f) {
    return new AlsParams(f, iterations, regularization, alpha, confidence, epsilon, cgSteps, seed, threads);
  }

  public AlsParams withIterations(int n) {
    return new AlsParams(factors, n, regularization, alpha, confidence, epsilon, cgSteps, seed, threads);
  }

  public AlsParams withRegularization(float lambda) {
    return new AlsParams(factors, iterations, lambda, alpha, confidence, epsilon, cgSteps, seed, threads);
  }

  public AlsParams withConfidence(Confidence c, float newAlpha, float newEpsilon) {
    return new AlsParams(factors, iterations, regularization, newAlpha, c, newEpsilon, cgSteps, seed, threads);
  }

  public AlsParams withCgSteps(int steps) {
    return new AlsParams(factors, iterations, regularization, alpha, confidence, epsilon, steps, seed, threads);
  }

  public AlsParams withSeed(long s) {
    return new AlsParams(factors, iterations, regularization, alpha, confidence, epsilon, cgSteps, s, threads);
  }

  public AlsParams withThreads(int t) {
    return new AlsParams(factors, iterations, regularization, alpha, confidence, epsilon, cgSteps, seed, t);
  }

  /** c - 1 for a raw value r (its magnitude: a negative r is a confident "no"). */
  public float confidenceMinusOne(float r) {
    float m = Math.abs(r);
    return confidence == Confidence.LINEAR ? alpha * m : alpha * (float) Math.log1p(m / epsilon);
  }
}
