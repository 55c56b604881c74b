package larder.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What one job serves, read through the public views only: the current batch id, its row count and a hash
 * of every row the views show for the job, in a fixed order. Two snapshots are equal exactly when an
 * application would read the same predictions, so a test of a failed run takes one before and one after
 * and asserts they are equal ("the serving batch is byte-for-byte unchanged").
 *
 * @param batchId the job's current batch, or -1 when it has none
 * @param rows rows the job's views show, over all its views
 * @param sha256 hex digest of those rows, each column as text, in primary-key order
 */
public record ServingSnapshot(long batchId, long rows, String sha256) {
  /** Views of each kind of batch, with the order that makes their rows a stable sequence. */
  private static final Map<String, List<String>> VIEWS = Map.of(
      "recommendations", List.of(
          "SELECT user_id, rank, item_id, score FROM larder_recommendations WHERE job = ? ORDER BY user_id, rank",
          "SELECT rank, item_id, score FROM larder_fallback WHERE job = ? ORDER BY rank",
          "SELECT item_id, rank, similar_item_id, score FROM larder_similar_items WHERE job = ? ORDER BY item_id, rank",
          "SELECT segment_id, rank, item_id, score FROM larder_segment_fallback WHERE job = ? ORDER BY segment_id, rank"),
      "segments", List.of(
          "SELECT customer_id, segment_id, segment_label, distance, recency_days, frequency, monetary, rfm_score"
              + " FROM larder_segments WHERE job = ? ORDER BY customer_id",
          "SELECT segment_id, segment_label, size, share, centroid FROM larder_segment_profiles WHERE job = ?"
              + " ORDER BY segment_id",
          "SELECT from_segment, to_segment, customers FROM larder_segment_transitions WHERE job = ?"
              + " ORDER BY from_segment, to_segment"),
      "scores", List.of(
          "SELECT entity_id, score, label FROM larder_scores WHERE job = ? ORDER BY entity_id"));

  /** No current batch. */
  public static final ServingSnapshot NONE = new ServingSnapshot(-1, 0, "");

  /**
   * @param db a SQLite file path, a {@code jdbc:sqlite:} URL, a {@code jdbc:postgresql:} or a {@code jdbc:mariadb:} URL
   */
  public static ServingSnapshot of(String db, String job) {
    String url = db.startsWith("jdbc:") ? db : "jdbc:sqlite:" + db;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false); // one snapshot: PostgreSQL below is repeatable read, SQLite one read transaction
      if (url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:mariadb:")) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      try {
        return read(c, job);
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read what job '" + job + "' serves from " + db + ": " + e.getMessage(), e);
    }
  }

  private static ServingSnapshot read(Connection c, String job) throws SQLException {
    long batchId;
    String kind;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT batch_id, kind FROM larder_batches WHERE job = ? AND is_current AND base_batch_id IS NULL")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return NONE;
        batchId = rs.getLong(1);
        kind = rs.getString(2);
      }
    }
    MessageDigest sha = newDigest();
    long rows = 0;
    for (String sql : VIEWS.getOrDefault(kind, List.of())) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            rows++;
            for (int k = 1; k <= columns; k++) {
              Object v = rs.getObject(k);
              // numbers as doubles so that the two stores' types (REAL vs real/float8) hash alike
              String text = v == null ? "\u0000" : v instanceof Number n ? Double.toString(n.doubleValue()) : v.toString();
              sha.update(text.getBytes(StandardCharsets.UTF_8));
              sha.update((byte) 0x1f);
            }
            sha.update((byte) 0x1e);
          }
        }
      }
      sha.update((byte) 0x1d);
    }
    return new ServingSnapshot(batchId, rows, HexFormat.of().formatHex(sha.digest()));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
