package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit of rollbacks ({@code larder_rollback_log}, schema version 6): who pointed a job back at which batch,
 * from which, and when. Written by the one rollback of Larder (larder-publish's {@code Publisher.rollback}) in
 * the transaction that switches the job, so the CLI, the API and the dashboard are all recorded, and a rollback
 * that does not happen leaves no row.
 */
public final class Rollbacks {
  private Rollbacks() {}

  /**
   * One rollback.
   *
   * @param id increasing across all jobs
   * @param rolledBy a non-secret label of who asked: "key 1a2b3c4d5e6f" (an admin key's fingerprint), "user alice"
   * @param at when the job switched
   */
  public record Entry(long id, String job, long fromBatch, long toBatch, String rolledBy, Instant at) {}

  /** Records a rollback of {@code job} inside the caller's write transaction. */
  public static void record(Connection c, Dialect d, String job, long from, long to, String rolledBy, Instant at)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Schema.ROLLBACK_LOG
        + " (job, from_batch, to_batch, rolled_by, rolled_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, job);
      ps.setLong(2, from);
      ps.setLong(3, to);
      ps.setString(4, rolledBy);
      d.setInstant(ps, 5, at);
      ps.executeUpdate();
    }
  }

  /** The rollbacks of {@code job}, newest first. */
  public static List<Entry> ofJob(Connection c, Dialect d, String job) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT rollback_id, job, from_batch, to_batch, rolled_by,"
        + " rolled_at FROM " + Schema.ROLLBACK_LOG + " WHERE job = ? ORDER BY rollback_id DESC")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
              d.getInstant(rs, "rolled_at")));
        }
      }
    }
    return out;
  }
}
