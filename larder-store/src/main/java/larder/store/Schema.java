package larder.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import larder.core.StoreException;

/**
 * The Larder schema, versioned in {@code larder_schema(version, applied_at)} and migrated on
 * {@link Store#open}: idempotent, and safe when two processes open the store at once (SQLite takes the
 * write lock with {@code BEGIN IMMEDIATE}; PostgreSQL a transaction-scoped advisory lock per schema).
 *
 * <h2>Tables</h2>
 * <pre>
 * larder_batch          one row per run of a job
 *   batch_id      PK, increasing across all jobs (never reused)
 *   job, kind, model      text; kind is "recommendations" (later "segments", "import")
 *   params, metrics       JSON text ("{}" when none)
 *   created_at            when the run began; published_at when it first became current (or NULL)
 *   status                'staging' | 'published' (current) | 'superseded' (kept, can be rolled back to)
 *                         | 'failed' (rows removed, message says why) | 'retired' (beyond keep, rows removed)
 *   rec_rows, similar_rows, users   row counts, set on publish
 *   message               why it failed or was rolled back, else NULL
 *   index (job, batch_id)
 * larder_current        job PK, batch_id (FK larder_batch), switched_at: the batch each job serves
 * larder_rec_rows       (batch_id, user_id, rank, item_id, score)        PK (batch_id, user_id, rank)
 * larder_similar_rows   (batch_id, item_id, rank, similar_item_id, score) PK (batch_id, item_id, rank)
 * larder_fallback_rows  (batch_id, rank, item_id, score)                  PK (batch_id, rank)
 * larder_job_lock       job PK, owner ("host/pid#run"), acquired_at: at most one run per job
 * </pre>
 * Ranks start at 1; scores are 32-bit floats; timestamps are UTC instants (ISO-8601 text with
 * microseconds on SQLite, {@code timestamptz} on PostgreSQL). On PostgreSQL the three row tables are
 * {@code PARTITION BY LIST (batch_id)}, one partition per batch named {@code <table>_<batch_id>}, its
 * id columns {@code COLLATE "C"}: a batch is loaded with {@code COPY} into its own table, indexed, and
 * attached; retiring it detaches and drops that table. On SQLite they are {@code WITHOUT ROWID} tables
 * clustered on the primary key; retiring deletes the batch's key range.
 *
 * <h2>Views: the contract for applications</h2>
 * Each view shows, for every job, only the rows of its current batch (the one {@code larder_current}
 * points at), so a single query never mixes batches and never sees a batch being loaded.
 * <pre>
 * larder_recommendations(job, user_id, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank
 *   index: larder_current PK (job), then the row PK (batch_id, user_id, rank): an indexed range read
 *   already in rank order.
 * larder_similar_items(job, item_id, rank, similar_item_id, score, batch_id)
 *   SELECT similar_item_id, score FROM larder_similar_items WHERE job = ? AND item_id = ? ORDER BY rank
 *   index: larder_current PK (job), then (batch_id, item_id, rank).
 * larder_fallback(job, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_fallback WHERE job = ? ORDER BY rank
 *   the list for users the batch does not know; index (batch_id, rank).
 * larder_batches(batch_id, job, kind, model, params, metrics, created_at, published_at, status,
 *                rec_rows, similar_rows, users, is_current, message)
 *   every batch of every job, is_current true (1 on SQLite) for the one being served:
 *   SELECT * FROM larder_batches WHERE job = ? ORDER BY batch_id DESC;  index (job, batch_id).
 * </pre>
 */
public final class Schema {
  /** The schema version this code creates and reads. */
  public static final int VERSION = 1;

  private Schema() {}

  static void migrate(Store store) {
    Dialect d = store.dialect();
    store.write("create or migrate the Larder schema", c -> {
      d.lockSchema(c);
      Store.execute(c, d.migration(0).toArray(String[]::new));
      int have;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM larder_schema")) {
        rs.next();
        have = rs.getInt(1);
      }
      if (have > VERSION) {
        throw new StoreException("store " + store.name() + ": schema version " + have
            + " is newer than this Larder understands (" + VERSION + ")", "upgrade Larder to read this store", null);
      }
      for (int v = have + 1; v <= VERSION; v++) {
        Store.execute(c, d.migration(v).toArray(String[]::new));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_schema (version, applied_at) VALUES (?, ?)")) {
          ps.setInt(1, v);
          d.setInstant(ps, 2, now());
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  /** The schema version recorded in the store. */
  public static int version(Store store) {
    return store.withConnection("read the schema version", c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(version) FROM larder_schema")) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  /** Now, at the microsecond precision both stores keep. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

}
