package larder.publish;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import larder.core.IdMap;
import larder.store.RowTable;

/**
 * What one kind of batch adds to the shared {@link BatchLoader}: checks and formats its rows before they are
 * queued, and says what the batch row stores on publish. The loader owns everything else (lock, queue,
 * switch, failure).
 */
abstract sealed class KindWriter permits RecommendationWriter, SegmentWriter, ScoreWriter {
  /** Customers (entities) per chunk of segment (score) rows on their way to the writer thread. */
  static final int CHUNK = 8192;

  final BatchLoader batch;
  final QueuedRows rows;

  KindWriter(BatchLoader batch, QueuedRows rows) {
    this.batch = batch;
    this.rows = rows;
  }

  /** Throws IllegalStateException when the batch lacks something publishing needs; called before the load ends. */
  void checkComplete() {}

  /** The batch row's sizes, from what was loaded and what this writer was given. */
  abstract BatchTotals totals(BatchRows.Loaded loaded);

  /** Writes this kind's small tables (kept in memory until now) in the transaction that switches the job. */
  void writeInSwitch(Connection c, long batchId) throws SQLException {}

  /** Queues {@code c}, giving up when the run can no longer be written. */
  final void offer(QueuedRows.Chunk c) {
    batch.requireOwnRows(c instanceof QueuedRows.ListChunk l ? l.table()
        : c instanceof QueuedRows.SegmentChunk ? RowTable.SEGMENTS : RowTable.SCORES);
    rows.offer(c, batch::checkWritable);
  }

  /** "batch N of job 'x'", as every message about the batch starts. */
  final String where() {
    return "batch " + batch.batchId() + " of job '" + batch.job() + "'";
  }

  /** Dense ids of {@code ids} in the order of their external ids. */
  static int[] byExternalId(IdMap ids) {
    int n = ids.size();
    String[] names = new String[n];
    for (int c = 0; c < n; c++) names[c] = ids.name(c);
    // UTF-16 order; SQLite compares UTF-8 bytes, which differs only past U+D7FF: locality, not correctness
    Arrays.parallelSort(names);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = ids.idOf(names[i]);
    return order;
  }
}
