package larder.store;

/**
 * One row table of a batch loaded in parts by other processes, exactly once: the driver's side. The
 * executors of a distributed job each load one part with {@link PartWriter}, in one transaction with a
 * ledger row ({@link Schema#LEDGER}) that makes a retried or duplicate attempt of a part write nothing.
 *
 * <pre>{@code
 * PartitionedLoad load = PartitionedLoad.prepare(store, batchId, RowTable.RECOMMENDATIONS, parts); // driver
 * PartWriter.load(db, batchId, RowTable.RECOMMENDATIONS, part, attempt, rows -> ...);          // each part, anywhere
 * load.finish();                     // driver: every part in, counts add up; index and attach
 * }</pre>
 *
 * The parts must be a deterministic split of the rows (a hash of the key, never round robin): a part
 * loaded once is never loaded again, so a retried part must hold the same rows. A part numbered beyond
 * {@link #parts()} fails {@link #verify}, or, once {@link #finish} has counted, is refused. On PostgreSQL the rows go
 * into the batch's own partition, {@code <table>_<batch_id>}, created by {@link #prepare} and indexed and
 * attached by {@link #finish}, as a single-process load does. SQLite is refused: other processes cannot
 * share the writer's file, so its rows go through the driver's {@link BatchLoad}.
 * A failed batch's {@link Store#dropRows} removes the table and the ledger rows; a late attempt then
 * fails and writes nothing.
 */
public interface PartitionedLoad {
  /**
   * Readies {@code table} of staging batch {@code batchId} for {@code parts} parts (numbered 0 to
   * parts - 1): on PostgreSQL creates its partition, without indexes. Idempotent, so a driver that runs the
   * load again after some parts committed keeps them.
   *
   * @throws larder.core.ConfigException on SQLite, or when {@code parts} is below 1
   * @throws larder.core.StoreException when the batch is not staging, or the store fails
   */
  static PartitionedLoad prepare(Store store, long batchId, RowTable table, int parts) {
    if (parts < 1) throw new larder.core.ConfigException("parts", parts, "must be >= 1");
    return store.dialect().prepareParts(store, batchId, table, parts);
  }

  long batchId();

  RowTable table();

  /** Number of parts, numbered 0 to parts - 1. */
  int parts();

  /**
   * Checks that every part 0 to parts - 1 is in the ledger, no other, and that the rows they counted are
   * the rows in the batch's table.
   *
   * @throws larder.core.StoreException naming the missing parts, or both counts
   */
  Totals verify();

  /** {@link #verify} (with writers shut out), then indexes the rows and attaches them to the batch. */
  Totals finish();

  /** Drops the table's rows of this batch and its ledger rows; safe at any point. */
  void abort();

  /**
   * What the parts loaded.
   *
   * @param rows rows in the batch's table
   * @param keys lists (ranked tables), customers or entities, as counted by the parts
   */
  record Totals(int parts, long rows, long keys) {}
}
