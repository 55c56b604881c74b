package larder.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * One published (or attempted) batch of predictions, as the store keeps it.
 *
 * @param id batch id, increasing across all jobs
 * @param job the job that produced it
 * @param kind what it holds: ranked lists, a segment per customer or an imported prediction per entity
 * @param model model name, e.g. "als"
 * @param params model parameters, with the YAML's key names
 * @param metrics what the run measured ({@link BatchMetrics#NONE} when nothing)
 * @param createdAt when the run started writing it
 * @param publishedAt when it became current, or null
 * @param status "staging", "published" (current), "superseded", "failed" or "retired"
 * @param rows rows of the main table (recommendation rows; customers for segments; entities for scores)
 * @param secondaryRows rows of the secondary table (similar items; 0 for scores)
 * @param keys distinct keys covered (users with a list; customers; entities)
 * @param message why it failed, or null
 * @param inputRows rows read and kept from the job's source, set on publish; null for a batch published before
 *     the store recorded it (schema version 4), or never published
 * @param dataUntil the newest interaction time the batch was built from (its data high-water mark), set on
 *     publish; null when its source has no timestamps, for other kinds, or before schema version 9
 * @param baseBatchId for a refresh (schema version 10), the full batch whose users it re-scored; null for a full run
 */
public record BatchInfo(
    long id,
    String job,
    BatchKind kind,
    String model,
    BatchParams params,
    BatchMetrics metrics,
    Instant createdAt,
    Instant publishedAt,
    String status,
    long rows,
    long secondaryRows,
    long keys,
    String message,
    Long inputRows,
    Instant dataUntil,
    Long baseBatchId) {

  /** Whether this batch is a refresh of {@link #baseBatchId}: it holds lists of the users it re-scored, not all. */
  @JsonIgnore // not a column: JSON shows baseBatchId, as the store does
  public boolean isRefresh() {
    return baseBatchId != null;
  }
}
