package larder.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a run measured about its batch, stored with it as a JSON object by {@link #toJson}, with the key names
 * the YAML and the docs use. The keys that code reads back are named here once, and read through the typed
 * accessors below; the runners write them with the same constants.
 *
 * @param values the metrics in their order; values are strings, numbers, booleans, lists and maps
 */
public record BatchMetrics(Map<String, Object> values) {
  /** No metrics: stored as {@code {}}. */
  public static final BatchMetrics NONE = new BatchMetrics(Map.of());

  /** Recommendations: the cut-off of the offline evaluation (ndcg@k). */
  public static final String K = "k";
  /** Recommendations: the model's evaluation, an object of {@link #NDCG} and the other measures. */
  public static final String MODEL = "model";
  /** Recommendations: the popularity baseline's evaluation, shaped as {@link #MODEL}. */
  public static final String POPULARITY = "popularity";
  /** Within {@link #MODEL} and {@link #POPULARITY}: normalized discounted cumulative gain at {@link #K}. */
  public static final String NDCG = "ndcg";
  /** Segments: how many segments the batch has. */
  public static final String SEGMENTS = "segments";
  /** Segments: the share of customers in both batches who kept their segment id. */
  public static final String STAYED_SHARE = "stayed_share";
  /** Segments: the highest id the job has handed out, so a fresh id never reuses a retired one. */
  public static final String HIGHEST_SEGMENT_ID = "highest_segment_id";
  /** Segments: the batch the transitions were counted from (the job's current batch when the run began). */
  public static final String PREVIOUS_BATCH = "previous_batch";
  /** Segments with {@code k: auto}: a list of {@code {k, inertia, silhouette}}, one per k tried. */
  public static final String K_CHOICE = "k_choice";
  /** Imports: the lowest score. */
  public static final String SCORE_MIN = "score_min";
  /** Imports: the mean score. */
  public static final String SCORE_MEAN = "score_mean";
  /** Imports: the highest score. */
  public static final String SCORE_MAX = "score_max";

  public BatchMetrics {
    values = BatchJson.copy(values);
  }

  /** The metrics in {@code values}, copied. */
  public static BatchMetrics of(Map<String, ?> values) {
    return new BatchMetrics(BatchJson.copy(values));
  }

  /**
   * The metrics stored as {@code json}; none for null.
   *
   * @throws StoreException when the text is not a JSON object
   */
  public static BatchMetrics fromJson(String json) {
    return new BatchMetrics(BatchJson.read("metrics", json));
  }

  /**
   * The stored text: a JSON object with the YAML's key names. JSON output of a batch shows this text, as it
   * did when the column was a string.
   */
  @JsonValue public String toJson() { return BatchJson.write(values); }

  public boolean isEmpty() { return values.isEmpty(); }

  /** The value of key {@code key}, or null. */
  public Object get(String key) { return values.get(key); }

  /** The evaluation's cut-off k, when the run evaluated. */
  public OptionalLong k() { return whole(K); }

  /** The model's ndcg@k, when the run evaluated. */
  public OptionalDouble ndcg() { return number(MODEL, NDCG); }

  /** The popularity baseline's ndcg@k, when the run evaluated. */
  public OptionalDouble popularityNdcg() { return number(POPULARITY, NDCG); }

  /** A segments batch's segment count. */
  public OptionalLong segments() { return whole(SEGMENTS); }

  /** A segments batch's share of customers who kept their segment id (none for a job's first batch). */
  public OptionalDouble stayedShare() { return number(STAYED_SHARE); }

  /** The highest segment id the job had handed out by this batch. */
  public OptionalLong highestSegmentId() { return whole(HIGHEST_SEGMENT_ID); }

  /** The batch a segments batch's transitions come from (none for a first batch, or one stored before it was recorded). */
  public OptionalLong previousBatch() { return whole(PREVIOUS_BATCH); }

  /** An import's lowest score. */
  public OptionalDouble scoreMin() { return number(SCORE_MIN); }

  /** An import's mean score. */
  public OptionalDouble scoreMean() { return number(SCORE_MEAN); }

  /** An import's highest score. */
  public OptionalDouble scoreMax() { return number(SCORE_MAX); }

  /** The number at {@code path} (keys of nested objects), if there is one. */
  public OptionalDouble number(String... path) {
    Object v = at(List.of(path));
    return v instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
  }

  private OptionalLong whole(String key) {
    Object v = values.get(key);
    return v instanceof Number n ? OptionalLong.of(n.longValue()) : OptionalLong.empty();
  }

  private Object at(List<String> path) {
    Object v = values;
    for (String key : path) {
      if (!(v instanceof Map<?, ?> m)) return null;
      v = m.get(key);
    }
    return v;
  }

  @Override public String toString() { return toJson(); }
}
