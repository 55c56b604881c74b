package larder.publish;

/**
 * A batch's sizes as its {@code larder_batch} row stores them on publish.
 *
 * @param recRows ranked rows (recommendations batches)
 * @param similarRows similar-item rows (recommendations batches)
 * @param keys users with a list, customers, or entities (column {@code users})
 * @param segments segments of a segments batch; segments with a fallback list in a recommendations batch
 * @param segmentJob the segments job a recommendations batch takes segment fallback from, or null
 */
record BatchTotals(long recRows, long similarRows, long keys, long segments, String segmentJob) {}
