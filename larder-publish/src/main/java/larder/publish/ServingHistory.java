package larder.publish;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import larder.store.Dialect;
import larder.store.Rollbacks;
import larder.store.Schema;

/**
 * What a job serves, what it served before, what it keeps and what rollback returns to: the one place
 * these rules live.
 *
 * <ul>
 *   <li><b>Switch.</b> One batch of a job is current ('published'). Switching to another makes the old one
 *       'superseded' and records when it stopped serving ({@code served_until}); the new one's
 *       {@code served_until} is cleared and its {@code published_at} set if it never served.
 *   <li><b>Retention ({@code keep}).</b> After a publish a job keeps the current batch and the {@code keep - 1}
 *       superseded batches that served most recently (latest {@code served_until} first; batches that
 *       stopped serving before this was recorded come after, newest id first). The others are retired:
 *       status 'retired' first, so no rollback can pick them, then their rows are dropped. So a batch rolled
 *       back to and then replaced is kept ahead of the newer batches it was rolled back from: what served
 *       last is what an operator goes back to.
 *   <li><b>Rollback.</b> Without a target, rollback goes to the newest kept batch older (by id) than the
 *       current one; the batch rolled back from stays kept. Repeated rollbacks walk back through the kept
 *       batches one at a time and never flip between two, and {@code --to} reaches any kept batch, newer
 *       ones included. Nothing is retired by a rollback. Every rollback is recorded (who, when, from, to) in
 *       the same transaction ({@link Rollbacks}).
 *   <li><b>Refreshes</b> (schema version 10, {@link RefreshLoader}). A refresh serves together with its base:
 *       {@code larder_current.refresh_id} names the newest, whose lists (and its predecessors' for users it did
 *       not re-score) are the base's delta. Switching to another base takes the refresh along: a new base starts
 *       with no refresh (the delta is empty, so a full run is the compaction), a base rolled back to serves again
 *       with its latest kept refresh. Retention and rollback count and pick full batches only; a refresh cannot
 *       be rolled back to on its own, and is retired with its base.
 * </ul>
 */
final class ServingHistory {
  /** Superseded full batches of a job, the most recently serving first: the order retention keeps them in. */
  private static final String KEPT_BY_RECENCY = "SELECT batch_id FROM larder_batch WHERE job = ?"
      + " AND status = 'superseded' AND base_batch_id IS NULL ORDER BY CASE WHEN served_until IS NULL THEN 1 ELSE 0 END,"
      + " served_until DESC, batch_id DESC";

  private ServingHistory() {}

  /**
   * Makes {@code to} the current batch of {@code job} inside the caller's write transaction: the old
   * current ({@code from}, may be null) becomes 'superseded' with {@code fromMessage}, stamped with when it
   * stopped serving.
   */
  static void switchCurrent(Connection c, Dialect d, String job, Long from, long to, String fromMessage)
      throws SQLException {
    switchCurrent(c, d, job, from, to, fromMessage, Schema.now());
  }

  /**
   * Rolls {@code job} back from {@code from} to kept batch {@code to} inside the caller's write transaction, and
   * records who did it in the audit ({@link Rollbacks}), stamped with the same instant as the switch: every
   * rollback, whoever asks (CLI, API, dashboard), comes through here.
   */
  static void rollBack(Connection c, Dialect d, String job, long from, long to, String rolledBy) throws SQLException {
    var now = Schema.now();
    switchCurrent(c, d, job, from, to, "rolled back to batch " + to, now);
    Rollbacks.record(c, d, job, from, to, rolledBy, now);
  }

  private static void switchCurrent(Connection c, Dialect d, String job, Long from, long to, String fromMessage,
      java.time.Instant now) throws SQLException {
    if (from != null) {
      // the old base's refresh stops serving with it, and stays kept with it
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'superseded', message = ?,"
          + " served_until = ? WHERE base_batch_id = ? AND status = 'published'")) {
        ps.setString(1, fromMessage);
        d.setInstant(ps, 2, now);
        ps.setLong(3, from);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE larder_batch SET status = 'superseded', message = ?, served_until = ? WHERE batch_id = ?")) {
        ps.setString(1, fromMessage);
        d.setInstant(ps, 2, now);
        ps.setLong(3, from);
        ps.executeUpdate();
      }
    }
    // a run ends when it is first published; a rollback to it later does not change when it finished
    // finished_at is set before status: MySQL assigns left to right, each later expression seeing the new values
    try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET"
        + " finished_at = CASE WHEN status = 'staging' THEN ? ELSE finished_at END,"
        + " published_at = COALESCE(published_at, ?), status = 'published', message = NULL,"
        + " served_until = NULL WHERE batch_id = ? AND status IN ('staging', 'superseded')")) {
      d.setInstant(ps, 1, now);
      d.setInstant(ps, 2, now);
      ps.setLong(3, to);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("batch " + to + " was retired or changed by another process while switching to it");
      }
    }
    // a new base serves with an empty delta; a base rolled back to serves with its latest refresh
    Long refresh = latestRefresh(c, to);
    if (refresh != null) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'published', message = NULL,"
          + " served_until = NULL WHERE batch_id = ?")) {
        ps.setLong(1, refresh);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(d.upsert("INSERT INTO larder_current (job, batch_id, switched_at,"
        + " refresh_id) VALUES (?, ?, ?, ?)", "job", "batch_id", "switched_at", "refresh_id"))) {
      ps.setString(1, job);
      ps.setLong(2, to);
      d.setInstant(ps, 3, now);
      if (refresh == null) ps.setNull(4, java.sql.Types.BIGINT);
      else ps.setLong(4, refresh);
      ps.executeUpdate();
    }
  }

  /** The newest kept refresh of base {@code base}: the one whose lists its delta holds, or null. */
  static Long latestRefresh(Connection c, long base) throws SQLException {
    List<Long> ids = ids(c, "SELECT MAX(batch_id) FROM larder_batch WHERE base_batch_id = ?"
        + " AND status IN ('published', 'superseded')", base);
    return ids.isEmpty() || ids.get(0) == 0 ? null : ids.get(0);
  }

  /**
   * Makes refresh {@code to} of {@code job}'s current base the one serving with it, inside the caller's write
   * transaction (whose delta rows it has just replaced): the previous refresh ({@code from}, may be null) becomes
   * 'superseded' (its rows are gone from the delta, so no rollback can pick it: rollback goes to bases), and
   * {@code larder_current.refresh_id} points at {@code to}.
   */
  static void switchRefresh(Connection c, Dialect d, String job, Long from, long to) throws SQLException {
    var now = Schema.now();
    if (from != null) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'superseded', message = ?,"
          + " served_until = ? WHERE batch_id = ?")) {
        ps.setString(1, "superseded by refresh " + to);
        d.setInstant(ps, 2, now);
        ps.setLong(3, from);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE larder_batch SET status = 'published', message = NULL,"
        + " published_at = ?, finished_at = ? WHERE batch_id = ? AND status = 'staging'")) {
      d.setInstant(ps, 1, now);
      d.setInstant(ps, 2, now);
      ps.setLong(3, to);
      if (ps.executeUpdate() != 1) throw new SQLException("refresh " + to + " was changed by another process");
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE larder_current SET refresh_id = ? WHERE job = ?")) {
      ps.setLong(1, to);
      ps.setString(2, job);
      ps.executeUpdate();
    }
  }

  /** The superseded batches of {@code job} that {@code keep} does not keep (keep counts the current one). */
  static List<Long> beyondKeep(Connection c, String job, int keep) throws SQLException {
    List<Long> kept = ids(c, KEPT_BY_RECENCY, job);
    return kept.size() < keep ? List.of() : List.copyOf(kept.subList(keep - 1, kept.size()));
  }

  /** The kept (superseded) full batches of {@code job}, newest id first: what rollback may go to. */
  static List<Long> kept(Connection c, String job) throws SQLException {
    return ids(c, "SELECT batch_id FROM larder_batch WHERE job = ? AND status = 'superseded'"
        + " AND base_batch_id IS NULL ORDER BY batch_id DESC", job);
  }

  /** Where rollback without a target goes: the newest kept batch older than {@code current}, if any. */
  static Optional<Long> rollbackTarget(List<Long> keptNewestFirst, long current) {
    for (long id : keptNewestFirst) {
      if (id < current) return Optional.of(id);
    }
    return Optional.empty();
  }

  static List<Long> ids(Connection c, String sql, Object... args) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
