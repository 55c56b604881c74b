package larder.publish;

import java.util.Map;
import larder.store.RowTable;

/**
 * How a batch's rows reach its staging tables, as the {@link BatchLoader} sees it: it finishes them at publish,
 * aborts them on failure, and asks for a failure before more rows are handed over. Locally one writer thread
 * fed by a bounded queue loads them ({@link QueuedRows}); rows written by many writers at once (partitions of a
 * cluster job, each committing its share) fit the same contract, their {@link #finish} checking that every
 * writer committed once before the loader switches.
 */
public interface BatchRows {
  /**
   * Returns once every row is durable, indexed and part of the batch's row tables; the rows are complete
   * afterwards.
   *
   * @throws larder.core.StoreException when a row could not be written or the rows were aborted
   */
  Loaded finish();

  /**
   * Gives the rows up: what is in flight is discarded and nothing more is written once this returns. Safe from
   * any thread, at any time, more than once; the loader then drops the batch's rows.
   */
  void abort();

  /** Why the rows stopped arriving (a failed write), or null. */
  Throwable failure();

  /**
   * What reached the batch.
   *
   * @param rows rows written per table
   * @param keys keys of the kind's main table: users with a list, customers, entities
   */
  record Loaded(Map<RowTable, Long> rows, long keys) {
    public Loaded {
      rows = Map.copyOf(rows);
    }

    /** Rows written to {@code table} (0 for none). */
    public long rows(RowTable table) {
      return rows.getOrDefault(table, 0L);
    }
  }
}
