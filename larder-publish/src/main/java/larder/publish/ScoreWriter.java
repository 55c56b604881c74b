package larder.publish;

import larder.core.ModelException;
import larder.core.Scores;
import larder.store.BatchLoad;
import larder.store.Dialect;

/** The rows of a scores batch: one score (and label) per entity, bulk-loaded a range of entities at a time. */
public final class ScoreWriter extends KindWriter {
  private boolean written;

  ScoreWriter(BatchLoader batch, QueuedRows rows) {
    super(batch, rows);
  }

  /**
   * Every entity's score and label: queued for the writer thread a range of entities at a time (the
   * arrays are read there, not copied: leave them unchanged until {@link BatchLoader#publish}). At most
   * once per batch.
   *
   * @throws ModelException when a score is not finite, or an entity id or label holds a NUL character
   *     (PostgreSQL text cannot hold one; refused on SQLite too, so a file publishes the same on both)
   */
  public void write(Scores s) {
    synchronized (this) {
      if (written) throw new IllegalStateException(where() + ": scores written twice");
      written = true;
    }
    batch.checkWritable();
    int n = s.size();
    for (int e = 0; e < n; e++) {
      try {
        BatchLoad.storedScore(s, e);
      } catch (IllegalArgumentException bad) {
        throw new ModelException(where() + ": " + bad.getMessage(),
            "scores must be finite numbers, and entity ids and labels text without NUL characters");
      }
    }
    // in entity id order on SQLite, for the reason given in SegmentWriter.writeAssignment
    int[] order = batch.storeKind() == Dialect.Kind.SQLITE ? byExternalId(s.entities()) : null;
    for (int from = 0; from < n; from += CHUNK) {
      offer(new QueuedRows.ScoreChunk(s, order, from, Math.min(n, from + CHUNK)));
    }
  }

  @Override synchronized BatchTotals totals(BatchRows.Loaded loaded) {
    return new BatchTotals(0, 0, loaded.keys(), 0, null); // one row per entity
  }
}
