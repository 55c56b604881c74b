package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Interactions recorded after a batch ({@code larder_events}), dropped from served recommendation lists at read time
 * until a run covers them (issue 10, read-time exclusion). One row per (job, user, item) keeps the latest time;
 * {@code POST /v1/events} writes here, and so may any application (the INSERT is in {@link Schema}'s Javadoc).
 *
 * <p>A row hides an item from the user's lists only when its {@code at} is after the batch's as-of time,
 * {@link #AS_OF}: its {@code data_until} (the newest interaction time it was built from, version 9), else its
 * {@code created_at}. An interaction after the newest one the batch saw is not in it, even when it was recorded
 * before the run began (the source lags, or was exported earlier), so {@code data_until} is the tighter bound;
 * an interaction at or before it is the batch's to handle (with {@code exclude_seen: false} it may rightly
 * recommend an item seen before). Without timestamps in the source the batch cannot say, and {@code created_at}
 * stands in: the run read its source after it began. {@code published_at} would be too late (events during the run
 * would show again).
 */
public final class Events {
  private Events() {}

  /** A batch {@code b}'s as-of time: an event after it is left out of the batch's lists. */
  public static final String AS_OF = "COALESCE(b.data_until, b.created_at)";

  /** Version 7's events table, its index and the fresh view, on SQLite. */
  public static final List<String> V7_SQLITE = List.of(
      "CREATE TABLE larder_events (job TEXT NOT NULL, user_id TEXT NOT NULL, item_id TEXT NOT NULL,"
          + " at TEXT NOT NULL, PRIMARY KEY (job, user_id, item_id)) WITHOUT ROWID",
      "CREATE INDEX larder_events_at ON larder_events (job, at)",
      freshView("b.created_at"));

  /** Version 7's events table, its index and the fresh view, on PostgreSQL (ids in byte order, as the row tables). */
  public static final List<String> V7_POSTGRES = List.of(
      "CREATE TABLE larder_events (job TEXT NOT NULL, user_id TEXT COLLATE \"C\" NOT NULL,"
          + " item_id TEXT COLLATE \"C\" NOT NULL, at TIMESTAMPTZ NOT NULL, PRIMARY KEY (job, user_id, item_id))",
      "CREATE INDEX larder_events_at ON larder_events (job, at)",
      freshView("b.created_at"));

  /** Version 9's fresh view, the same on both stores: the batch's as-of time is {@link #AS_OF}. */
  public static final List<String> V9_VIEWS = List.of("DROP VIEW larder_recommendations_fresh", freshView(AS_OF));

  /**
   * {@code larder_recommendations_fresh}: {@code larder_recommendations} without the rows whose (job, user, item)
   * has an event after the batch's as-of time {@code asOf} ({@code created_at} before version 9). Ranks keep their stored numbers, so a gap shows where an item was
   * dropped; {@code ORDER BY rank LIMIT n} still gives the top n that remain.
   */
  static String freshView(String asOf) {
    return "CREATE VIEW larder_recommendations_fresh AS SELECT c.job, r.user_id, r.rank, r.item_id, r.score, r.batch_id"
        + " FROM larder_current c JOIN larder_batch b ON b.batch_id = c.batch_id"
        + " JOIN larder_rec_rows r ON r.batch_id = c.batch_id"
        + " WHERE NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = c.job AND e.user_id = r.user_id"
        + " AND e.item_id = r.item_id AND e.at > " + asOf + ")";
  }

  /**
   * One interaction.
   *
   * @param at when it happened, at microsecond precision
   */
  public record Event(String job, String userId, String itemId, Instant at) {}

  /** The upsert, keeping the later time when the (job, user, item) is already there. */
  static String upsert(Dialect d) {
    String insert = "INSERT INTO larder_events (job, user_id, item_id, at) VALUES (?, ?, ?, ?)";
    return switch (d.kind()) {
      case POSTGRES -> insert + " ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = GREATEST(larder_events.at, EXCLUDED.at)";
      case SQLITE -> insert + " ON CONFLICT (job, user_id, item_id) DO UPDATE SET at = MAX(larder_events.at, excluded.at)";
      case MYSQL -> insert + " ON DUPLICATE KEY UPDATE at = GREATEST(at, VALUES(at))";
    };
  }

  /** Records {@code events} in one transaction: all of them or, on an error, none. */
  public static void record(Store store, List<Event> events) {
    Dialect d = store.dialect();
    store.write("record " + events.size() + " events", c -> {
      try (PreparedStatement ps = c.prepareStatement(upsert(d))) {
        for (Event e : events) {
          ps.setString(1, e.job());
          ps.setString(2, e.userId());
          ps.setString(3, e.itemId());
          d.setInstant(ps, 4, e.at());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Deletes {@code job}'s events no kept batch needs, inside the caller's publish transaction: those at or before
   * the earliest as-of time ({@link #AS_OF}) of the full batches that can still serve (current or kept for rollback; a
   * refresh's as-of is later than its base's), so that rolling back
   * still hides what happened after the batch rolled back to. Returns the events deleted.
   */
  public static int prune(Connection c, String job) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM larder_events WHERE job = ? AND at <= (SELECT"
        + " MIN(" + AS_OF + ") FROM larder_batch b WHERE job = ? AND status IN ('published', 'superseded')"
        + " AND base_batch_id IS NULL)")) {
      ps.setString(1, job);
      ps.setString(2, job);
      return ps.executeUpdate();
    }
  }
}
