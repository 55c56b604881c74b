package larder.store;

import java.util.function.Consumer;
import larder.core.ConfigException;
import larder.store.postgres.PostgresPart;

/**
 * Loads one part of a batch's row table from any process that can reach the store, exactly once: the side
 * of a task of a distributed job (see {@link PartitionedLoad} for the driver's). Needs only the store's
 * location, the batch, the table, the part and an id for this attempt; opens one connection of its own
 * (user and password from the URL or {@code LARDER_DB_USER} / {@code LARDER_DB_PASSWORD}, never from
 * arguments), and in one transaction:
 * <ol>
 *   <li>inserts the part's ledger row, unless it is there. A committed row means an earlier attempt
 *       loaded the part: nothing is written, and the result says so. An attempt still loading it holds
 *       the row: this one waits, and goes on only if that one rolls back;
 *   <li>streams the rows {@code rows} hands to its sink into the batch's table ({@code COPY} on
 *       PostgreSQL);
 *   <li>records in the ledger row how many rows and keys it wrote, and commits.
 * </ol>
 * Each call holds one connection for its transaction: capping how many run at once (below the server's
 * {@code max_connections}) is the caller's job. An attempt waits on another one's open transaction for as long
 * as that lasts; {@code options=-c%20lock_timeout%3D10min} in the URL bounds the wait.
 * A part already loaded is reported so whatever became of its batch since. Otherwise a batch that is no
 * longer staging, whose table is gone (it failed, or was retired) or already verified and indexed, gets a
 * StoreException and nothing written.
 */
public final class PartWriter {
  private PartWriter() {}

  /**
   * What one attempt did.
   *
   * @param alreadyLoaded true when an earlier attempt had loaded the part, and this one wrote nothing
   * @param attempt the attempt whose rows the part holds (this one, or the earlier one)
   * @param rows the part's rows; keys its lists (ranked tables), customers or entities
   */
  public record Result(boolean alreadyLoaded, String attempt, long rows, long keys) {}

  /**
   * Loads part {@code part} of {@code table} of batch {@code batchId}; {@code rows} is called only when
   * this attempt is the one to load it, and must hand the sink rows of {@code table} only.
   *
   * @param db the store's location, as {@link Store#open} takes it
   * @param attempt an id for this attempt, kept in the ledger (a Spark task attempt id)
   * @throws ConfigException on SQLite (see {@link PartitionedLoad}), or a part below 0
   * @throws larder.core.StoreException when the store refuses or fails; the transaction is rolled back and
   *     the part is left for another attempt
   * @throws RuntimeException whatever {@code rows} throws, after rolling back
   */
  public static Result load(String db, long batchId, RowTable table, int part, String attempt,
      Consumer<RowSink> rows) {
    StoreLocation location = StoreLocation.parse(db);
    if (part < 0) throw new ConfigException("part", part, "must be >= 0");
    if (attempt == null || attempt.isEmpty()) throw new ConfigException("attempt", attempt, "must not be empty");
    if (location.kind() != Dialect.Kind.POSTGRES) throw sqlite(location);
    return PostgresPart.load(location, batchId, table, part, attempt, rows);
  }

  /** The refusal of SQLite, shared with {@link PartitionedLoad#prepare}. */
  public static ConfigException sqlite(StoreLocation location) {
    if (location.kind() == Dialect.Kind.MYSQL) {
      return new ConfigException("db", location.display(), "loading a batch in parts from several processes needs"
          + " PostgreSQL; a MySQL/MariaDB store is loaded by the run's own batch writer",
          "hand the rows to the run's own batch writer (one process), or use a jdbc:postgresql: store");
    }
    return new ConfigException("db", location.display(), "loading a batch in parts from several processes needs"
        + " PostgreSQL; a SQLite file is written by one process",
        "on SQLite, hand the rows to the run's own batch writer (one process), or use a jdbc:postgresql: store");
  }
}
