package larder.serve;

import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.BatchInfo;

/**
 * A batch as the API and {@code larder batches --format json} write it ({@link ApiJson}), built once here so the
 * two cannot drift: snake_case fields, {@code age} in seconds, explicit nulls where absent would mislead.
 */
public final class BatchJson {
  private BatchJson() {}

  /**
   * One batch of a job.
   *
   * @param current whether it serves: the job's base or its current refresh
   * @param now the instant {@code age} is measured to
   */
  public static Map<String, Object> batch(BatchInfo b, boolean current, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch_id", b.id());
    m.put("job", b.job());
    m.put("kind", b.kind().text());
    m.put("model", b.model());
    m.put("status", b.status());
    m.put("is_current", current);
    // explicit null for a full run, as data_until: absent would read as a server that does not know refreshes
    m.put("base_batch_id", b.isRefresh() ? b.baseBatchId() : NullNode.getInstance());
    m.put("created_at", b.createdAt());
    // an explicit null: the batch's source had no timestamps, so events are bounded by created_at; absent would
    // read as a server that does not know the field
    m.put("data_until", b.dataUntil() == null ? NullNode.getInstance() : b.dataUntil());
    if (b.publishedAt() != null) {
      m.put("published_at", b.publishedAt());
      m.put("age", Duration.between(b.publishedAt(), now));
    }
    m.put("rows", b.rows());
    m.put("secondary_rows", b.secondaryRows());
    m.put("keys", b.keys());
    m.put("params", b.params().yaml());
    m.put("metrics", b.metrics().values());
    if (b.message() != null) m.put("message", b.message());
    return m;
  }

  /** A job's current base as {@link #batch}, with its current refresh as {@code refresh} (null when none). */
  public static Map<String, Object> withRefresh(BatchInfo base, BatchInfo refresh, Instant now) {
    Map<String, Object> m = batch(base, true, now);
    m.put("refresh", refresh == null ? NullNode.getInstance() : batch(refresh, true, now));
    return m;
  }
}
