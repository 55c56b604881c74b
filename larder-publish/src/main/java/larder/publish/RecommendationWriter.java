package larder.publish;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import larder.core.BatchKind;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.ModelException;
import larder.core.TopNSink;
import larder.store.RowTable;

/**
 * The rows of a recommendations batch: per-user lists, similar-items lists, the fallback list, and per-segment
 * fallback lists for the customers of a segments job. Thread-safe: scoring threads hand the sinks ranked
 * lists, which are checked and copied here and loaded by the batch's writer thread.
 */
public final class RecommendationWriter extends KindWriter {
  private volatile boolean fallbackWritten;
  private final Set<Integer> fallbackSegments = new HashSet<>();
  private String segmentJob;

  RecommendationWriter(BatchLoader batch, QueuedRows rows) {
    super(batch, rows);
  }

  /** Recommendation lists: key = dense user id in {@code users}, items dense ids in {@code items}. */
  public TopNSink userSink(IdMap users, IdMap items) {
    return (key, it, sc, count) -> enqueue(RowTable.RECOMMENDATIONS, key, users, it, sc, count, items);
  }

  /** Similar-items lists: key and items are dense ids in {@code items}. */
  public TopNSink similarSink(IdMap items) {
    return (key, it, sc, count) -> enqueue(RowTable.SIMILAR, key, items, it, sc, count, items);
  }

  /** The job's list for users the batch does not know; at most once per batch. */
  public void writeFallback(int[] items, float[] scores, int count, IdMap itemNames) {
    synchronized (this) {
      if (fallbackWritten) throw new IllegalStateException(where() + ": fallback list written twice");
      fallbackWritten = true;
    }
    enqueue(RowTable.FALLBACK, -1, null, items, scores, count, itemNames);
  }

  /**
   * The fallback list of segment {@code segmentId}: for users without a list of their own who are
   * customers of that segment in the {@linkplain #setSegmentJob segments job}'s current batch. At most
   * once per segment; an empty list ({@code count} 0) is not stored. Requires {@link #setSegmentJob}
   * before {@link BatchLoader#publish}.
   */
  public void writeSegmentFallback(int segmentId, int[] items, float[] scores, int count, IdMap itemNames) {
    if (segmentId < 1) throw new IllegalArgumentException("segment id " + segmentId + " is below 1");
    synchronized (this) {
      if (!fallbackSegments.add(segmentId)) {
        throw new IllegalStateException(where() + ": fallback list of segment " + segmentId + " written twice");
      }
    }
    if (!enqueue(RowTable.SEGMENT_FALLBACK, segmentId, null, items, scores, count, itemNames)) {
      synchronized (this) {
        fallbackSegments.remove(segmentId);
      }
    }
  }

  /**
   * Names the segments job whose current batch places users in segments for {@link #writeSegmentFallback};
   * stored with the batch as {@code segment_job}.
   *
   * @throws ConfigException when the name is not a job name, is this job, or names a job that publishes
   *     another kind than segments
   */
  public void setSegmentJob(String segmentsJob) {
    Publisher.checkJobName(segmentsJob);
    if (segmentsJob.equals(batch.job())) {
      throw new ConfigException("segment_job", segmentsJob, "is this job itself; it must name a segments job",
          "name the job that publishes the customer segments");
    }
    BatchKind published = batch.publisher().publishedKind(segmentsJob);
    if (published != null && published != BatchKind.SEGMENTS) {
      throw new ConfigException("segment_job", segmentsJob, "job '" + segmentsJob + "' publishes '" + published
          + "' batches, not 'segments'", "name the job that publishes the customer segments");
    }
    synchronized (this) {
      segmentJob = segmentsJob;
    }
  }

  @Override synchronized void checkComplete() {
    if (!fallbackSegments.isEmpty() && segmentJob == null) {
      throw new IllegalStateException(where() + " has segment fallback lists but no segment job; call"
          + " setSegmentJob before publish");
    }
  }

  @Override synchronized BatchTotals totals(BatchRows.Loaded loaded) {
    return new BatchTotals(loaded.rows(RowTable.RECOMMENDATIONS), loaded.rows(RowTable.SIMILAR), loaded.keys(),
        fallbackSegments.size(), segmentJob);
  }

  /** Checks and copies one list and queues it; false (nothing queued) for an empty list. */
  private boolean enqueue(RowTable table, int key, IdMap keyNames, int[] items, float[] scores, int count,
      IdMap names) {
    batch.checkWritable();
    if (count <= 0) return false;
    if (count > items.length || count > scores.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the arrays (" + items.length + ", "
          + scores.length + ")");
    }
    for (int i = 0; i < count; i++) {
      if (Float.isNaN(scores[i]) || Float.isInfinite(scores[i])) {
        String k = table == RowTable.SEGMENT_FALLBACK ? "fallback list of segment " + key
            : keyNames == null ? "fallback list" : "key '" + keyNames.name(key) + "'";
        throw new ModelException(where() + ": " + k + " rank " + (i + 1) + " has score " + scores[i],
            "the model produced a non-finite score; check its parameters and input");
      }
    }
    offer(new QueuedRows.ListChunk(table, key, keyNames, Arrays.copyOf(items, count), Arrays.copyOf(scores, count),
        count, names));
    return true;
  }
}
