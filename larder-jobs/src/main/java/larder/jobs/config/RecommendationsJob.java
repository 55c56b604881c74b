package larder.jobs.config;

import java.time.Duration;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.extract.Column;
import larder.extract.CsvSource;
import larder.extract.InteractionSource;
import larder.extract.JdbcSource;
import larder.train.recommend.Recommender;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;

/**
 * One recommendations job ({@code type: recommendations}, the default), validated: where its interactions
 * come from, which model, and how its batch is scored and kept.
 *
 * @param name job name; the key of the job in the views ({@code WHERE job = ?})
 * @param source where to read interactions
 * @param model the recommender with its parameters
 * @param topN list length per user
 * @param excludeSeen leave out items the user already has
 * @param similarItems list length per item for similar items; 0 for none
 * @param fallback publish a popularity list for users with no history
 * @param keep how many published batches to keep for rollback (the current one included)
 * @param threads worker threads for training and scoring
 * @param evaluation the offline evaluation run before publishing, or null for none
 * @param segmentFallback the segmentation job whose current segments give users without a list of their
 *     own their segment's most popular items before the global list; null for none
 * @param filters items that must not, or the only items that may, be recommended
 * @param fallbackHalfLife the decay of the fallback lists' popularity (global and per segment), or null for
 *     none; needs timestamps
 * @param checks whole-batch checks on the users with a list, made before training
 * @param keepModel keep the fitted model, the merged histories and the ids with the batch ({@code keep_model},
 *     default true), so that its users can be scored again later
 * @param refresh the {@code refresh:} section ({@link RefreshConfig}), or null when absent: {@code larder run
 *     --refresh} then uses {@link RefreshConfig#DEFAULT} (see {@link #refreshOrDefault()})
 * @param tune the {@code tune:} section ({@link TuneConfig}), or null: the model's parameters as configured
 */
public record RecommendationsJob(
    String name,
    InteractionSource source,
    Recommender model,
    int topN,
    boolean excludeSeen,
    int similarItems,
    boolean fallback,
    int keep,
    int threads,
    EvaluationConfig evaluation,
    String segmentFallback,
    ItemFilters filters,
    Duration fallbackHalfLife,
    BatchChecks checks,
    boolean keepModel,
    RefreshConfig refresh,
    TuneConfig tune) implements JobConfig {

  public RecommendationsJob {
    String at = "jobs." + name;
    JobConfig.checkName(name);
    if (topN < 1 || topN > 10_000) throw new ConfigException(at + ".top_n", topN, "must be between 1 and 10000");
    if (similarItems < 0 || similarItems > 10_000) {
      throw new ConfigException(at + ".similar_items", similarItems, "must be between 0 (none) and 10000");
    }
    if (keep < 1) throw new ConfigException(at + ".keep", keep, "must be >= 1 (the current batch counts)");
    if (threads < 1) throw new ConfigException(at + ".threads", threads, "must be >= 1");
    if (name.equals(segmentFallback)) {
      throw new ConfigException(at + ".segment_fallback", segmentFallback, "names this job itself",
          "name a job of type: segments");
    }
    if (filters == null) filters = ItemFilters.NONE;
    if (checks == null) checks = BatchChecks.defaults(BatchChecks.Keys.USERS);
    PopularityParams.checkHalfLife(at + ".fallback_half_life", fallbackHalfLife);
    boolean noTimes = knowsTimestampColumn(source) && timestampColumn(source) == null;
    if (evaluation != null && evaluation.split() == EvaluationConfig.Split.TIME && noTimes) {
      throw new ConfigException(at + ".evaluate.split", "time", "needs a timestamp column, and " + at
          + ".source has none", "name it in " + at + ".source.columns.timestamp, or use split: random");
    }
    Duration modelHalfLife = modelHalfLife(model);
    if (modelHalfLife != null && noTimes) {
      throw new ConfigException(at + ".model.half_life", DurationText.format(modelHalfLife), "needs a timestamp"
          + " column, and " + at + ".source has none", "name it in " + at + ".source.columns.timestamp, or remove half_life");
    }
    if (fallbackHalfLife != null && noTimes) {
      throw new ConfigException(at + ".fallback_half_life", DurationText.format(fallbackHalfLife), "needs a timestamp"
          + " column, and " + at + ".source has none", "name it in " + at + ".source.columns.timestamp, or remove"
          + " fallback_half_life");
    }
    if (refresh != null) checkRefresh(at, source, modelHalfLife, keepModel, refresh);
    if (refresh != null && modelHalfLife == null) {
      String why = larder.train.recommend.kept.KeptModel.refreshable(model);
      if (why != null) throw new ConfigException(at + ".refresh", null, "cannot refresh: " + why, "remove refresh:");
    }
    if (tune != null) {
      if (evaluation == null) {
        throw new ConfigException(at + ".tune", null, "needs evaluate: the search validates on part of the"
            + " evaluation's training part, and the winner must face the evaluation's test part",
            "add evaluate: (e.g. evaluate: { holdout: 0.2 }), or remove tune:");
      }
      // the space against the model: a key it cannot tune, or a model without parameters, fails here
      larder.train.tune.Tuning.space(model, tune.settings(evaluation, threads));
    }
  }

  /** Without a tune: section. */
  public RecommendationsJob(String name, InteractionSource source, Recommender model, int topN, boolean excludeSeen,
      int similarItems, boolean fallback, int keep, int threads, EvaluationConfig evaluation, String segmentFallback,
      ItemFilters filters, Duration fallbackHalfLife, BatchChecks checks, boolean keepModel, RefreshConfig refresh) {
    this(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads, evaluation, segmentFallback,
        filters, fallbackHalfLife, checks, keepModel, refresh, null);
  }

  /** A copy with {@code v} as its tune: section (null for none). */
  public RecommendationsJob withTune(TuneConfig v) {
    return new RecommendationsJob(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads,
        evaluation, segmentFallback, filters, fallbackHalfLife, checks, keepModel, refresh, v);
  }

  /**
   * A refresh re-scores changed users with the batch's kept model from their kept histories merged with the
   * new rows; what it cannot do is refused here rather than at the first refresh.
   */
  private static void checkRefresh(String at, InteractionSource source, Duration modelHalfLife, boolean keepModel,
      RefreshConfig refresh) {
    if (modelHalfLife != null) {
      throw new ConfigException(at + ".refresh", null, "cannot refresh a model with half_life ("
          + DurationText.format(modelHalfLife) + "): the kept histories hold no times to decay",
          "remove refresh: (full runs recompute the decay), or remove " + at + ".model.half_life");
    }
    if (!keepModel) {
      throw new ConfigException(at + ".refresh", null, "needs the model kept with the batch, and keep_model is false",
          "remove keep_model: false, or remove refresh:");
    }
    InteractionSource from = refresh.source() != null ? refresh.source() : source;
    if (knowsTimestampColumn(from) && timestampColumn(from) == null) {
      String where = refresh.source() != null ? at + ".refresh.source" : at + ".source";
      throw new ConfigException(where, null, "has no timestamp column, and a refresh reads only the rows after the"
          + " serving batch's high-water mark", "name it in " + where + ".columns.timestamp"
          + (refresh.source() != null ? "" : ", or give refresh: a source of its own with one"));
    }
  }

  /** The {@code refresh:} section, or the defaults when there is none: the job's source, at most 10% changed users. */
  public RefreshConfig refreshOrDefault() {
    return refresh != null ? refresh : RefreshConfig.DEFAULT;
  }

  /** Where a refresh reads its new rows: the refresh's own source, else the job's. */
  public InteractionSource refreshSource() {
    InteractionSource s = refreshOrDefault().source();
    return s != null ? s : source;
  }

  /** Without a refresh: section. */
  public RecommendationsJob(String name, InteractionSource source, Recommender model, int topN, boolean excludeSeen,
      int similarItems, boolean fallback, int keep, int threads, EvaluationConfig evaluation, String segmentFallback,
      ItemFilters filters, Duration fallbackHalfLife, BatchChecks checks, boolean keepModel) {
    this(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads, evaluation, segmentFallback,
        filters, fallbackHalfLife, checks, keepModel, null);
  }

  /** A copy with {@code v} as its refresh: section (null for none). */
  public RecommendationsJob withRefresh(RefreshConfig v) {
    return new RecommendationsJob(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads,
        evaluation, segmentFallback, filters, fallbackHalfLife, checks, keepModel, v, tune);
  }

  /** The half-life of a popularity model that decays, else null. */
  public static Duration modelHalfLife(Recommender model) {
    return model instanceof Popularity p ? p.parameters().halfLife() : null;
  }

  /** Sources built from a config say which column holds the time; other sources are checked when read. */
  private static boolean knowsTimestampColumn(InteractionSource source) {
    return source instanceof CsvSource || source instanceof JdbcSource;
  }

  private static Column timestampColumn(InteractionSource source) {
    return source instanceof CsvSource c ? c.spec().timestamp() : ((JdbcSource) source).spec().timestamp();
  }

  /** Keeping the model with the batch, the default. */
  public RecommendationsJob(String name, InteractionSource source, Recommender model, int topN, boolean excludeSeen,
      int similarItems, boolean fallback, int keep, int threads, EvaluationConfig evaluation, String segmentFallback,
      ItemFilters filters, Duration fallbackHalfLife, BatchChecks checks) {
    this(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads, evaluation, segmentFallback,
        filters, fallbackHalfLife, checks, true);
  }

  /** Without segment-aware fallback, filters or decay of the fallback. */
  public RecommendationsJob(String name, InteractionSource source, Recommender model, int topN, boolean excludeSeen,
      int similarItems, boolean fallback, int keep, int threads, EvaluationConfig evaluation) {
    this(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads, evaluation, null);
  }

  /** Without filters or decay of the fallback. */
  public RecommendationsJob(String name, InteractionSource source, Recommender model, int topN, boolean excludeSeen,
      int similarItems, boolean fallback, int keep, int threads, EvaluationConfig evaluation, String segmentFallback) {
    this(name, source, model, topN, excludeSeen, similarItems, fallback, keep, threads, evaluation, segmentFallback,
        ItemFilters.NONE, null, null);
  }

  @Override public BatchKind kind() { return BatchKind.RECOMMENDATIONS; }

  /**
   * The offline evaluation: a share of each user's interactions is held out (at random, or the latest by
   * time), the model is trained on the rest and compared with popularity at k; with a gate, a model that
   * falls short is not published.
   *
   * @param holdout share of each user's interactions held out, strictly between 0 and 1
   * @param split which of a user's interactions are held out
   * @param k list length the metrics are measured at
   * @param seed the random split's seed
   * @param gate what the model must reach to be published, or null to publish whatever it scores
   */
  public record EvaluationConfig(double holdout, Split split, int k, long seed, QualityGate gate) {
    /** How the holdout is chosen. */
    public enum Split {
      /** A seeded random share of each user's interactions. */
      RANDOM,
      /** Each user's latest interactions by timestamp: the model is judged on what came after its data. */
      TIME;

      /** The name used in configs. */
      public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    public EvaluationConfig {
      if (!(holdout > 0 && holdout < 1)) throw new ConfigException("evaluate.holdout", holdout, "must be between 0 and 1 (e.g. 0.2)");
      if (k < 1) throw new ConfigException("evaluate.k", k, "must be >= 1");
      if (split == null) split = Split.RANDOM;
    }

    /** A random split without a gate. */
    public EvaluationConfig(double holdout, int k, long seed) {
      this(holdout, Split.RANDOM, k, seed, null);
    }
  }
}
