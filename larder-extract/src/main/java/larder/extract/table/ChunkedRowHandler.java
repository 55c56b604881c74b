package larder.extract.table;

/**
 * A {@link RowHandler} whose work on a row splits in two, so that a file's rows can be parsed on several
 * threads: {@link #parse} turns fields into values (numbers, times, checked ids) with no state shared between
 * calls, on any thread, a chunk of rows at a time; {@link #apply} then takes the parsed rows one by one in the
 * file's order on one thread (interning ids in first-seen order, counting). A file's reader calls these; a query's
 * rows still go through {@link #row}, which is {@code parse} then {@code apply}.
 *
 * @param <P> one chunk's parsed rows
 */
public interface ChunkedRowHandler<P extends ChunkedRowHandler.Parsed> extends RowHandler {
  /** One chunk's parsed rows, in the order {@link #parse} added them. */
  interface Parsed {
    /** Empties it for the next chunk. */
    void clear();
  }

  /** An empty holder for one chunk's rows. */
  P newParsed();

  /**
   * Parses one data row into {@code out}, on any thread, after {@link #start}. Either adds exactly one row to
   * {@code out} and returns true, or records the row as bad in {@code rows} and returns false.
   *
   * @param line the row's line (within its chunk when called by the file reader: for {@code rows} only)
   * @param rows checks and records bad rows; the reader's own for a query, a deferred one for a file's chunks
   */
  boolean parse(long line, Fields fields, P out, BadRowCollector rows);

  /**
   * Takes the {@code index}th row of {@code parsed} (0-based, counting the rows {@link #parse} kept), in the
   * file's order, on the reader's thread.
   *
   * @param line the row's line in the file
   */
  void apply(P parsed, int index, long line);
}
