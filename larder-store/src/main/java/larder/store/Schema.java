package larder.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import larder.core.StoreException;

/**
 * The Larder schema, versioned in {@code larder_schema(version, applied_at)} and migrated on
 * {@link Store#open}: idempotent, and safe when two processes open the store at once (SQLite takes the
 * write lock with {@code BEGIN IMMEDIATE}; PostgreSQL a transaction-scoped advisory lock per schema).
 * Version 2 added segments (tables, views, and two columns of {@code larder_batch}), version 3 scores (a
 * table and a view), version 4 each batch's input rows and crash recovery and retention (the lock's
 * process and lease, a batch's {@code served_until}), version 5 the ledger of partitioned loads
 * ({@code larder_batch_parts}, see {@link PartitionedLoad}), version 6 the audit of rollbacks
 * ({@code larder_rollback_log}, see {@link Rollbacks}) and when each run finished, version 7 the events
 * recorded after a batch ({@code larder_events} and {@code larder_recommendations_fresh}, see {@link Events}),
 * version 8 what a batch keeps to score users again ({@code larder_batch_artifacts}, see {@link Artifacts}),
 * version 9 each batch's data high-water mark ({@code data_until}), version 10 refreshes (a batch's
 * {@code base_batch_id}, {@code larder_current.refresh_id}, {@code larder_rec_delta} and {@code larder_user_history},
 * see {@link RecDelta} and {@link UserHistories}); an older store is upgraded in place on open, its batches serving
 * throughout.
 *
 * <h2>Tables</h2>
 * <pre>
 * larder_batch          one row per run of a job
 *   batch_id      PK, increasing across all jobs (never reused)
 *   job, kind, model      text; kind is "recommendations", "segments" or "scores" ({@link larder.core.BatchKind});
 *                         a job keeps the kind of its first published batch
 *   params, metrics       JSON text ("{}" when none)
 *   created_at            when the run began; published_at when it first became current (or NULL)
 *   status                'staging' | 'published' (current) | 'superseded' (kept, can be rolled back to)
 *                         | 'failed' (rows removed, message says why) | 'retired' (beyond keep, rows removed)
 *   rec_rows, similar_rows, users, segments   counts, set on publish: users is the users with a list
 *                         (recommendations), the customers assigned, one segment row each (segments), or
 *                         the entities scored, one score row each (scores); segments is the segments
 *                         assigned (segments), the segments with a fallback list (recommendations), or 0
 *                         (scores)
 *   segment_job           recommendations only: the segments job whose current batch places a user without
 *                         a list of their own in a segment (for larder_segment_fallback), else NULL
 *   message               why it failed or was rolled back, else NULL
 *   input_rows            rows read and kept from the job's source (bad rows and rows below min_weight left
 *                         out), set on publish; what the next run's checks compare its input with. NULL for a
 *                         batch published before version 4 (its checks then compare keys only) or never published
 *   served_until          when it last stopped being current (superseded or rolled back from); NULL while
 *                         current, for a batch that never served, and for batches superseded before version 4
 *   finished_at           when its run ended: published or failed (read by {@link Batches#finishedAt}); NULL while
 *                         it runs and for runs that ended before version 6
 *   data_until            the newest interaction time the batch was built from (the latest timestamp of the rows
 *                         its source gave, to the second), set on publish; NULL when the source has no timestamp
 *                         column, for batches published before version 9, and for other kinds. Its as-of time
 *                         for larder_events is COALESCE(data_until, created_at) ({@link Events#AS_OF})
 *   base_batch_id         NULL for a full run; for a refresh (version 10), the full batch it re-scored users of
 *                         (its base): a refresh's lists serve only with its base, in larder_rec_delta. A refresh's
 *                         rec_rows and users count the lists it wrote (an emptied list is not counted); it is
 *                         'published' while it serves with its base, 'superseded' once a newer refresh or another
 *                         base serves (rollback never picks it: rolling back to its base brings back the base's
 *                         latest refresh), 'retired' with its base
 *   index (job, batch_id); index larder_batch_base (base_batch_id)
 * larder_current        job PK, batch_id (FK larder_batch), switched_at: the batch each job serves
 *   refresh_id            (version 10) the base's refresh serving with it, FK larder_batch; NULL when none has
 *                         been published since the base (a full run publishes with NULL: its delta starts empty)
 * larder_rec_rows       (batch_id, user_id, rank, item_id, score)        PK (batch_id, user_id, rank)
 * larder_similar_rows   (batch_id, item_id, rank, similar_item_id, score) PK (batch_id, item_id, rank)
 * larder_fallback_rows  (batch_id, rank, item_id, score)                  PK (batch_id, rank)
 * larder_segment_fallback_rows (batch_id, segment_id, rank, item_id, score) PK (batch_id, segment_id, rank)
 * larder_segment_rows   (batch_id, customer_id, segment_id, distance, recency_days, frequency, monetary,
 *                        rfm_score)                                      PK (batch_id, customer_id)
 *   index larder_segment_rows_segment (batch_id, segment_id, customer_id): a segment's members in order
 *   distance to the segment's centroid in the clustering space (0 for rule-based segments); recency in days,
 *   frequency (orders), monetary and the RFM score as text ('545') are NULL when the job clustered a feature
 *   table, and rfm_score NULL when not scored
 * larder_segment_profile_rows  (batch_id, segment_id, label, size, share, recency_mean, recency_median,
 *                        frequency_mean, frequency_median, monetary_mean, monetary_median, centroid)
 *                                                                        PK (batch_id, segment_id)
 *   share = size / customers; R/F/M figures NULL for feature-table segments; centroid is JSON text
 *   {"feature": value, ...} in the features' original units, in feature order ({} for rule-based segments)
 * larder_segment_transition_rows (batch_id, from_segment, to_segment, customers)
 *                                                                        index (batch_id, from_segment, to_segment)
 *   customers that moved from a segment of the job's previous batch to one of this batch; from_segment
 *   NULL counts new customers, to_segment NULL customers that left
 * larder_score_rows     (batch_id, entity_id, score, label)              PK (batch_id, entity_id)
 *   index larder_score_rows_score (batch_id, score DESC, entity_id): the top entities by score in order
 *   one prediction per entity imported from another model (a customer's churn probability); score is a
 *   finite 64-bit double (-0.0 is stored as 0.0), label optional text ("high risk") or NULL
 * larder_job_lock       job PK, owner ("host/pid#run"), acquired_at: at most one run per job
 *   process               who holds it, to tell a live run from a dead one: "pid/start-millis/machine"
 *                         ({@link ProcessKey}); NULL in rows written before version 4
 *   expires_at            the lease: the holder renews it while it runs; once past, another host may take
 *                         the lock over (a holder on the same machine whose process is gone is taken over at
 *                         once). NULL before version 4: acquired_at + 6 h
 * larder_batch_parts    (batch_id, row_table, part, attempt, rows, keys, committed_at)
 *                                                                        PK (batch_id, row_table, part)
 *   the ledger of a batch loaded in parts by several processes ({@link PartitionedLoad}): one row per part
 *   of a row table, inserted by the attempt that loaded it in the same transaction as its rows (attempt is
 *   the loader's id for itself, rows and keys what it wrote); removed with the batch's rows
 * larder_rollback_log   (rollback_id, job, from_batch, to_batch, rolled_by, rolled_at)  PK rollback_id
 *   index (job, rollback_id)
 *   one row per rollback, written in the transaction that switches the job ({@link Rollbacks}): who (a
 *   non-secret label: "key 1a2b3c4d5e6f" for an admin key over HTTP, "user alice" for the CLI), when, from
 *   which batch to which. Kept when the batches are retired: it is the job's record of what served when
 * larder_events         (job, user_id, item_id, at)                      PK (job, user_id, item_id)
 *   index larder_events_at (job, at)
 *   interactions recorded after a batch ({@link Events}): a recommendations job's lists leave out an item the
 *   user interacted with after the serving batch's as-of time, COALESCE(data_until, created_at), at read time,
 *   until a run covers it. One row per (job, user, item) with the latest time. Written by POST /v1/events, or by any application:
 *     PostgreSQL: INSERT INTO larder_events (job, user_id, item_id, at) VALUES ('shop', 'u42', 'i7', now())
 *                   ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = GREATEST(larder_events.at, EXCLUDED.at)
 *     SQLite:     INSERT INTO larder_events (job, user_id, item_id, at)
 *                   VALUES ('shop', 'u42', 'i7', strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')
 *                   ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = MAX(larder_events.at, excluded.at)
 *   On SQLite, at must be UTC in Larder's fixed-width text, 2026-12-05T14:30:00.123456Z (six fraction digits,
 *   then Z), so that text order is time order. Each publish of a recommendations job deletes the job's events
 *   at or before the earliest as-of time of its kept batches (current or superseded): no batch a rollback can
 *   reach needs them.
 * larder_batch_artifacts (batch_id, name, chunk, bytes)                 PK (batch_id, name, chunk)
 *   named binary artifacts of a batch (its kept model, the users' merged histories, the id dictionaries), each
 *   cut into chunks of a few MB numbered from 0 (BLOB on SQLite, BYTEA on PostgreSQL); written before the
 *   batch is published and removed with its rows (a failed or retired batch keeps none)
 * larder_rec_delta      (base_batch_id, user_id, rank, item_id, score, refresh_id)  PK (base_batch_id, user_id, rank)
 *   (version 10, {@link RecDelta}) the latest list of each user a refresh re-scored since base_batch_id was
 *   published (refresh_id: the refresh that wrote it), plus one marker row per such user, rank 0, item_id '',
 *   score 0, which hides the base's list (an emptied list is the marker alone). A refresh deletes its users' rows
 *   and inserts the new ones in its publishing transaction. One plain table on both stores (COLLATE "C" ids on
 *   PostgreSQL; WITHOUT ROWID on SQLite), not partitioned: a refresh writes a few thousand rows with ordinary
 *   statements, and a partition per base would put DDL into every first refresh. Deleted by base_batch_id with
 *   the base's rows (retired or failed)
 * larder_user_history   (batch_id, user_id, history)                     PK (batch_id, user_id)
 *   (version 10, {@link UserHistories}) each user's merged history for a base batch, opaque bytes (BLOB/BYTEA)
 *   whose format belongs to the train module; written in bulk before the base is published, upserted for the
 *   changed users by each refresh; on PostgreSQL partitioned by batch like the row tables (loaded with binary
 *   COPY, dropped with the batch), on SQLite deleted by batch id
 * </pre>
 * Ranks start at 1; ranked-list scores and distances are 32-bit floats, R/F/M figures and the scores of
 * larder_score_rows 64-bit; timestamps are UTC instants (ISO-8601 text with microseconds on SQLite,
 * {@code timestamptz} on PostgreSQL). On PostgreSQL
 * the bulk row tables ({@link RowTable}: rec, similar, fallback, segment fallback, segment, score rows) are
 * {@code PARTITION BY LIST (batch_id)}, one partition per batch named {@code <table>_<batch_id>}, its id
 * columns {@code COLLATE "C"}: a batch is loaded with {@code COPY} into its own table, indexed, and
 * attached; retiring it detaches and drops that table. On SQLite they are {@code WITHOUT ROWID} tables
 * clustered on the primary key; retiring deletes the batch's key range. The small per-batch tables
 * ({@link #SMALL_ROW_TABLES}: profiles, transitions, k and k² rows) are plain tables on both, written in
 * the switching transaction and deleted by batch id.
 *
 * <h2>Views: the contract for applications</h2>
 * Each view shows, for every job, only the rows of its current batch (the one {@code larder_current}
 * points at), so a single query never mixes batches and never sees a batch being loaded. A job that refreshes
 * (version 10) serves its base batch with the latest lists of the users its refreshes re-scored: each user's
 * list comes whole from one batch (the base or the refresh that last wrote it, as batch_id says).
 * <pre>
 * larder_recommendations(job, user_id, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_recommendations WHERE job = ? AND user_id = ? ORDER BY rank
 *   The base's delta rows (rank > 0, batch_id = their refresh_id), UNION ALL the base's rows of users without
 *   a delta marker:
 *     CREATE VIEW larder_recommendations AS
 *       SELECT c.job, d.user_id, d.rank, d.item_id, d.score, d.refresh_id AS batch_id
 *         FROM larder_current c JOIN larder_rec_delta d ON d.base_batch_id = c.batch_id WHERE d.rank > 0
 *       UNION ALL
 *       SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id
 *         FROM larder_current c JOIN larder_rec_rows r ON r.batch_id = c.batch_id
 *        WHERE NOT EXISTS (SELECT 1 FROM larder_rec_delta m WHERE m.base_batch_id = c.batch_id
 *                             AND m.user_id = r.user_id AND m.rank = 0)
 *   index: larder_current PK (job), then the delta PK (base_batch_id, user_id, rank > 0), the row PK
 *   (batch_id, user_id) and one probe of the delta PK (base_batch_id, user_id, 0) for the marker. Checked with
 *   EXPLAIN (QUERY PLAN): PostgreSQL reads each branch by index (the base's one partition, pruned at run time),
 *   the anti-join an Index Only Scan of larder_rec_delta_pkey; SQLite SEARCHes every table by its primary key,
 *   no SCAN and no temporary B-tree (RefreshContract#theViewsReadByKey).
 * larder_similar_items(job, item_id, rank, similar_item_id, score, batch_id)
 *   SELECT similar_item_id, score FROM larder_similar_items WHERE job = ? AND item_id = ? ORDER BY rank
 *   index: larder_current PK (job), then (batch_id, item_id, rank).
 * larder_fallback(job, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_fallback WHERE job = ? ORDER BY rank
 *   the list for users the batch does not know; index (batch_id, rank).
 * larder_segment_fallback(job, segment_id, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_segment_fallback WHERE job = ? AND segment_id = ? ORDER BY rank
 *   a recommendations job's list for users without their own list, per segment of its segment_job;
 *   index (batch_id, segment_id, rank). The whole look-up is one query, {@link #RECOMMEND_SQL}.
 * larder_segments(job, customer_id, segment_id, segment_label, distance, recency_days, frequency,
 *                 monetary, rfm_score, batch_id)
 *   SELECT segment_id, segment_label, distance, rfm_score FROM larder_segments WHERE job = ? AND customer_id = ?
 *     index: larder_current PK (job), row PK (batch_id, customer_id), profile PK (batch_id, segment_id).
 *   SELECT customer_id, distance, batch_id FROM larder_segments WHERE job = ? AND batch_id = ? AND segment_id = ?
 *      AND customer_id > ? ORDER BY customer_id LIMIT 1000
 *     a segment's members a page at a time, keyset: customer_id > the last id of the previous page ('' for
 *     the first), batch_id = the job's current batch_id (from larder_batches, or the first page read
 *     without that condition). Pinning the batch keeps every page in one batch (after a switch the pages
 *     run out; start again) and lets PostgreSQL read index (batch_id, segment_id, customer_id) of the one
 *     partition in order: no sort, whatever the segment's size. Drop the LIMIT to export a segment.
 *   segment_label comes from the batch's profile of the segment (NULL when the batch has none).
 * larder_segment_profiles(job, segment_id, segment_label, size, share, recency_mean, recency_median,
 *                         frequency_mean, frequency_median, monetary_mean, monetary_median, centroid, batch_id)
 *   SELECT * FROM larder_segment_profiles WHERE job = ? ORDER BY segment_id;  index (batch_id, segment_id).
 * larder_segment_transitions(job, from_segment, to_segment, customers, batch_id)
 *   SELECT from_segment, to_segment, customers FROM larder_segment_transitions WHERE job = ?
 *   index (batch_id, from_segment, to_segment); NULL from = new customers, NULL to = customers who left.
 * larder_scores(job, entity_id, score, label, batch_id)
 *   SELECT score, label, batch_id FROM larder_scores WHERE job = ? AND entity_id = ?
 *     one entity's score; index: larder_current PK (job), then the row PK (batch_id, entity_id).
 *   SELECT entity_id, score, label FROM larder_scores WHERE job = ? AND batch_id = ?
 *      ORDER BY score DESC, entity_id LIMIT 100
 *     the top entities by score, ties by entity id; add AND label = ? for the top of one label. As for
 *     segment members, batch_id = the job's current batch_id (from larder_batches) lets PostgreSQL read
 *     the one partition's index (batch_id, score DESC, entity_id) in order and stop at the LIMIT: under a
 *     millisecond, where leaving it out scans and sorts every partition (~90 ms for 200,000 entities a
 *     batch). SQLite reads that index in order either way. A label filter walks the index until the
 *     LIMIT is met (a rare label reads far).
 *   SELECT entity_id, score FROM larder_scores WHERE job = ? AND batch_id = ? AND label = ? ORDER BY entity_id
 *     the entities with a label, e.g. to export the 'high risk' customers: the batch's rows in primary
 *     key order on SQLite, one partition scanned and its label's rows sorted on PostgreSQL (no index on
 *     label: a label is a large share of the entities, not a few).
 * larder_recommendations_fresh(job, user_id, rank, item_id, score, batch_id)
 *   SELECT item_id, score FROM larder_recommendations_fresh WHERE job = ? AND user_id = ? ORDER BY rank LIMIT 10
 *   larder_recommendations without the rows whose (job, user_id, item_id) has a larder_events row with at after
 *   the batch's as-of time, COALESCE(data_until, created_at): an interaction after the newest one the batch was
 *   built from is not in it, even when recorded before its run began (a source exported or replicated earlier);
 *   without a timestamp column the batch knows no such time, and created_at, when its run began reading the
 *   source, stands in (version 9; before it, created_at always). Ranks keep their stored numbers, gaps and all: rank says where the item stood in the batch, and
 *   ORDER BY rank LIMIT n still gives the top n that remain (use ROW_NUMBER() OVER (ORDER BY rank) for 1..n).
 *   Each row uses the as-of time of the batch that produced it (version 10): a delta row its refresh's, a base
 *   row the base's.
 *     CREATE VIEW larder_recommendations_fresh AS
 *       SELECT c.job, d.user_id, d.rank, d.item_id, d.score, d.refresh_id AS batch_id
 *         FROM larder_current c JOIN larder_rec_delta d ON d.base_batch_id = c.batch_id
 *         JOIN larder_batch b ON b.batch_id = d.refresh_id
 *        WHERE d.rank > 0 AND NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = c.job
 *          AND e.user_id = d.user_id AND e.item_id = d.item_id AND e.at > COALESCE(b.data_until, b.created_at))
 *       UNION ALL
 *       SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id
 *         FROM larder_current c JOIN larder_batch b ON b.batch_id = c.batch_id
 *         JOIN larder_rec_rows r ON r.batch_id = c.batch_id
 *        WHERE NOT EXISTS (marker, as larder_recommendations) AND NOT EXISTS (SELECT 1 FROM larder_events e
 *          WHERE e.job = c.job AND e.user_id = r.user_id AND e.item_id = r.item_id
 *            AND e.at > COALESCE(b.data_until, b.created_at))
 *   index: as larder_recommendations, plus the batch PK for the as-of time and one probe of the events' primary
 *   key per row.
 * larder_batches(batch_id, job, kind, model, params, metrics, created_at, published_at, status,
 *                rec_rows, similar_rows, users, is_current, message, segments, segment_job, input_rows,
 *                served_until, data_until, base_batch_id)
 *   every batch of every job, is_current true (1 on SQLite) for the one being served and for the refresh serving
 *   with it (larder_current.refresh_id): the job's full batch is the current row with base_batch_id NULL:
 *   SELECT * FROM larder_batches WHERE job = ? ORDER BY batch_id DESC;  index (job, batch_id).
 *   Version 2 added segments and segment_job, version 4 input_rows and served_until, version 9 data_until, version
 *   10 base_batch_id; the others kept their names, order and meaning.
 * </pre>
 */
public final class Schema {
  /** The schema version this code creates and reads. */
  public static final int VERSION = 10;

  /** Version 10's index, the same on both stores: the refreshes of a base batch. */
  public static final String V10_BATCH_BASE_INDEX =
      "CREATE INDEX larder_batch_base ON larder_batch (base_batch_id)";

  /** Per-batch tables small enough to write in one ordinary transaction and delete by batch id. */
  public static final List<String> SMALL_ROW_TABLES =
      List.of("larder_segment_profile_rows", "larder_segment_transition_rows");

  /** The ledger of batches loaded in parts ({@link PartitionedLoad}); its rows go with the batch's rows. */
  public static final String LEDGER = "larder_batch_parts";

  /** Version 6: the audit of rollbacks ({@link Rollbacks}). */
  public static final String ROLLBACK_LOG = "larder_rollback_log";

  /** Version 7: what each batch keeps to score users again later ({@link Artifacts}). */
  public static final String ARTIFACTS = "larder_batch_artifacts";

  /** Version 6's index, the same on both stores: a job's rollbacks in order. */
  public static final String V6_ROLLBACK_LOG_INDEX =
      "CREATE INDEX larder_rollback_log_job ON larder_rollback_log (job, rollback_id)";

  /**
   * A user's recommendations in one query, with the segment-aware fallback: the user's own list; else,
   * when the batch names a segment_job and the user is a customer of that job's current batch with a
   * fallback list for their segment, that list; else the job's fallback list. Every level leaves out the
   * items the user interacted with after the batch's as-of time ({@code larder_events}, see {@link Events#AS_OF}),
   * before the LIMIT, so the answer still has {@code limit} items when the stored list is long enough; ranks keep
   * their stored numbers. A user whose own list is all left out gets the next level. Parameters, in order:
   * job, user, user, job, job, user, limit. Columns: level (1 own, 2 segment, 3 fallback), segment_id (level
   * 2 only), rank, item_id, score, batch_id (for a refreshed user's own list, the refresh's id; the segment branch
   * reads the job's full batch, {@code base_batch_id IS NULL}, whose fallback lists a refresh does not change). Each branch is an indexed look-up (the exclusion a probe of the
   * events' primary key per row); the three are small.
   * <pre>
   * WITH own_list AS (
   *   SELECT 1 AS level, CAST(NULL AS INTEGER) AS segment_id, rank, item_id, score, batch_id
   *     FROM larder_recommendations_fresh WHERE job = :job AND user_id = :user),
   * segment_list AS (
   *   SELECT 2 AS level, f.segment_id, f.rank, f.item_id, f.score, f.batch_id
   *     FROM larder_batches b
   *     JOIN larder_segments s ON s.job = b.segment_job AND s.customer_id = :user
   *     JOIN larder_segment_fallback f ON f.job = b.job AND f.segment_id = s.segment_id
   *    WHERE b.job = :job AND b.is_current AND b.base_batch_id IS NULL
   *      AND NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = b.job AND e.user_id = s.customer_id
   *                         AND e.item_id = f.item_id AND e.at > COALESCE(b.data_until, b.created_at))),
   * fallback_list AS (
   *   SELECT 3 AS level, CAST(NULL AS INTEGER) AS segment_id, f.rank, f.item_id, f.score, f.batch_id
   *     FROM larder_fallback f JOIN larder_batch b ON b.batch_id = f.batch_id
   *    WHERE f.job = :job
   *      AND NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = f.job AND e.user_id = :user
   *                         AND e.item_id = f.item_id AND e.at > COALESCE(b.data_until, b.created_at))),
   * lists AS (SELECT * FROM own_list UNION ALL SELECT * FROM segment_list UNION ALL SELECT * FROM fallback_list)
   * SELECT level, segment_id, rank, item_id, score, batch_id FROM lists
   *  WHERE level = (SELECT MIN(level) FROM lists) ORDER BY rank LIMIT :limit
   * </pre>
   */
  public static final String RECOMMEND_SQL = recommendSql("rank", "CAST(NULL AS INTEGER)");

  /** {@link #RECOMMEND_SQL} as {@code d}'s database writes it (the rank column quoted where it is a reserved word). */
  public static String recommendSql(Dialect d) {
    return recommendSql(d.rank(), d.nullInteger());
  }

  private static String recommendSql(String rank, String nullInteger) {
    return "WITH own_list AS ("
      + " SELECT 1 AS level, " + nullInteger + " AS segment_id, " + rank + ", item_id, score, batch_id"
      + " FROM larder_recommendations_fresh WHERE job = ? AND user_id = ?),"
      + " segment_list AS ("
      + " SELECT 2 AS level, f.segment_id, f." + rank + ", f.item_id, f.score, f.batch_id"
      + " FROM larder_batches b"
      + " JOIN larder_segments s ON s.job = b.segment_job AND s.customer_id = ?"
      + " JOIN larder_segment_fallback f ON f.job = b.job AND f.segment_id = s.segment_id"
      + " WHERE b.job = ? AND b.is_current AND b.base_batch_id IS NULL"
      + " AND NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = b.job AND e.user_id = s.customer_id"
      + " AND e.item_id = f.item_id AND e.at > COALESCE(b.data_until, b.created_at))),"
      + " fallback_list AS ("
      + " SELECT 3 AS level, " + nullInteger + " AS segment_id, f." + rank + ", f.item_id, f.score, f.batch_id"
      + " FROM larder_fallback f JOIN larder_batch b ON b.batch_id = f.batch_id WHERE f.job = ?"
      + " AND NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = f.job AND e.user_id = ?"
      + " AND e.item_id = f.item_id AND e.at > COALESCE(b.data_until, b.created_at))),"
      + " lists AS (SELECT * FROM own_list UNION ALL SELECT * FROM segment_list UNION ALL SELECT * FROM fallback_list)"
      + " SELECT level, segment_id, " + rank + ", item_id, score, batch_id FROM lists"
      + " WHERE level = (SELECT MIN(level) FROM lists) ORDER BY " + rank + " LIMIT ?";
  }

  /**
   * Version 2's views, the same SQL on both stores (the dialects differ in tables, not in views): the new
   * segment views, and larder_batches again with two more columns.
   */
  public static List<String> v2Views(Dialect d) {
    String rank = d.rank();
    return List.of(
      "DROP VIEW larder_batches",
      "CREATE VIEW larder_batches AS SELECT b.batch_id, b.job, b.kind, b.model, b.params, b.metrics,"
          + " b.created_at, b.published_at, b.status, b.rec_rows, b.similar_rows, b.users,"
          + " (c.batch_id IS NOT NULL) AS is_current, b.message, b.segments, b.segment_job"
          + " FROM larder_batch b LEFT JOIN larder_current c ON c.job = b.job AND c.batch_id = b.batch_id",
      "CREATE VIEW larder_segments AS SELECT c.job, s.customer_id, s.segment_id, p.label AS segment_label,"
          + " s.distance, s.recency_days, s.frequency, s.monetary, s.rfm_score, s.batch_id"
          + " FROM larder_current c JOIN larder_segment_rows s ON s.batch_id = c.batch_id"
          + " LEFT JOIN larder_segment_profile_rows p ON p.batch_id = s.batch_id AND p.segment_id = s.segment_id",
      "CREATE VIEW larder_segment_profiles AS SELECT c.job, p.segment_id, p.label AS segment_label, p.size,"
          + " p.share, p.recency_mean, p.recency_median, p.frequency_mean, p.frequency_median, p.monetary_mean,"
          + " p.monetary_median, p.centroid, p.batch_id"
          + " FROM larder_current c JOIN larder_segment_profile_rows p ON p.batch_id = c.batch_id",
      "CREATE VIEW larder_segment_transitions AS SELECT c.job, t.from_segment, t.to_segment, t.customers,"
          + " t.batch_id FROM larder_current c JOIN larder_segment_transition_rows t ON t.batch_id = c.batch_id",
      "CREATE VIEW larder_segment_fallback AS SELECT c.job, f.segment_id, f." + rank + ", f.item_id, f.score,"
          + " f.batch_id FROM larder_current c JOIN larder_segment_fallback_rows f ON f.batch_id = c.batch_id");
  }

  /** Version 3's view, the same SQL on both stores. */
  public static final List<String> V3_VIEWS = List.of(
      "CREATE VIEW larder_scores AS SELECT c.job, s.entity_id, s.score, s.label, s.batch_id"
          + " FROM larder_current c JOIN larder_score_rows s ON s.batch_id = c.batch_id");

  /** Version 4's column of {@code larder_batch}: rows read and kept from the source (NULL before version 4). */
  public static final String V4_INPUT_ROWS = "ALTER TABLE larder_batch ADD COLUMN input_rows BIGINT";

  /**
   * Version 4's views, the same SQL on both stores: larder_batches again, with input_rows and served_until
   * appended (when the batch stopped being current; retention keeps the batches that served most recently).
   */
  public static final List<String> V4_VIEWS = List.of(
      "DROP VIEW larder_batches",
      "CREATE VIEW larder_batches AS SELECT b.batch_id, b.job, b.kind, b.model, b.params, b.metrics,"
          + " b.created_at, b.published_at, b.status, b.rec_rows, b.similar_rows, b.users,"
          + " (c.batch_id IS NOT NULL) AS is_current, b.message, b.segments, b.segment_job, b.input_rows,"
          + " b.served_until"
          + " FROM larder_batch b LEFT JOIN larder_current c ON c.job = b.job AND c.batch_id = b.batch_id");

  /**
   * Version 9, the same SQL on both stores but the column's type ({@code TEXT} on SQLite, {@code TIMESTAMPTZ} on
   * PostgreSQL): each batch's data high-water mark, larder_batches again with it appended, and the fresh view
   * comparing events with it ({@link Events#V9_VIEWS}).
   */
  public static List<String> v9(String timestampType) {
    List<String> all = new java.util.ArrayList<>();
    all.add("ALTER TABLE larder_batch ADD COLUMN data_until " + timestampType);
    all.add("DROP VIEW larder_batches");
    all.add("CREATE VIEW larder_batches AS SELECT b.batch_id, b.job, b.kind, b.model, b.params, b.metrics,"
        + " b.created_at, b.published_at, b.status, b.rec_rows, b.similar_rows, b.users,"
        + " (c.batch_id IS NOT NULL) AS is_current, b.message, b.segments, b.segment_job, b.input_rows,"
        + " b.served_until, b.data_until"
        + " FROM larder_batch b LEFT JOIN larder_current c ON c.job = b.job AND c.batch_id = b.batch_id");
    all.addAll(Events.V9_VIEWS);
    return List.copyOf(all);
  }

  /** A migration's statements followed by its views. */
  public static List<String> withViews(List<String> statements, List<String> views) {
    List<String> all = new java.util.ArrayList<>(statements);
    all.addAll(views);
    return List.copyOf(all);
  }

  private Schema() {}

  static void migrate(Store store) {
    Dialect d = store.dialect();
    // MySQL checks the CREATE privilege before IF NOT EXISTS: a current store opens with data rights alone
    if (d.kind() == Dialect.Kind.MYSQL && store.read("read the schema version", c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM"
          + " information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'larder_schema'")) {
        rs.next();
        if (rs.getInt(1) == 0) return false;
      }
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(version) FROM larder_schema")) {
        return rs.next() && rs.getInt(1) == VERSION;
      }
    })) {
      return;
    }
    store.write("create or migrate the Larder schema", c -> {
      d.lockSchema(c);
      try {
        migrate(store, d, c);
      } finally {
        d.unlockSchema(c);
      }
      return null;
    });
  }

  private static void migrate(Store store, Dialect d, java.sql.Connection c) throws java.sql.SQLException {
    {
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
    }
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
