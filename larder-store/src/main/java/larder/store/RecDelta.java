package larder.store;

import java.io.ByteArrayOutputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The refreshed lists of a base batch ({@code larder_rec_delta}, schema version 10): for each user a refresh has
 * scored since the base was published, the latest list, and a rank-0 marker row that hides the base's list from
 * {@code larder_recommendations} (so an emptied list hides it too, and the anti-join is one probe of the primary
 * key). A refresh replaces its users' rows in its own publishing transaction; the rows go with the base
 * ({@link Store#dropRows}). One table on both stores, not partitioned: a refresh writes a few thousand rows with
 * ordinary statements, a base's delta is at most one list per user, and a partition per base would only add DDL
 * to the refresh's transaction.
 */
public final class RecDelta {
  /** The table. */
  public static final String TABLE = "larder_rec_delta";
  /** Item id of a marker row. */
  public static final String MARKER_ITEM = "";
  /** Users per {@code IN (...)} list on SQLite, well below its limit of host parameters. */
  static final int CHUNK = 500;

  private RecDelta() {}

  /** One user's new list: {@code items} and {@code scores} in rank order, both of one length (0 = emptied). */
  public record UserList(String userId, List<String> items, float[] scores) {
    public UserList {
      if (items.size() != scores.length) throw new IllegalArgumentException("items and scores differ in length");
    }
  }

  /** Deletes {@code users}' delta rows of {@code baseBatchId}, markers included, in the caller's transaction. */
  public static int delete(Connection c, Dialect d, long baseBatchId, Collection<String> users) throws SQLException {
    if (users.isEmpty()) return 0;
    if (d.kind() == Dialect.Kind.POSTGRES) {
      // = ANY(array), not IN (subquery): the planner probes the key per user instead of scanning the delta
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE
          + " WHERE base_batch_id = ? AND user_id = ANY(?)")) {
        Array a = c.createArrayOf("text", users.toArray());
        ps.setLong(1, baseBatchId);
        ps.setArray(2, a);
        return ps.executeUpdate();
      }
    }
    int n = 0;
    List<String> all = new ArrayList<>(users);
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> part = all.subList(from, Math.min(all.size(), from + CHUNK));
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE base_batch_id = ? AND user_id IN ("
          + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
        ps.setLong(1, baseBatchId);
        for (int i = 0; i < part.size(); i++) ps.setString(i + 2, part.get(i));
        n += ps.executeUpdate();
      }
    }
    return n;
  }

  /**
   * Inserts each list's rows (ranks from 1) and its marker (rank 0) as rows of {@code refreshId} against
   * {@code baseBatchId}, in the caller's transaction; the users' old rows must be deleted first
   * ({@link #delete}). PostgreSQL takes them with COPY, SQLite with one batched insert.
   *
   * @return the ranked rows inserted, markers not counted
   */
  public static long insert(Connection c, Dialect d, long baseBatchId, long refreshId, Collection<UserList> lists)
      throws SQLException {
    long rows = 0;
    if (d.kind() == Dialect.Kind.POSTGRES) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String prefix = baseBatchId + "\t";
      String suffix = "\t" + refreshId + "\n";
      for (UserList l : lists) {
        String user = copyText(l.userId());
        out.writeBytes((prefix + user + "\t0\t" + MARKER_ITEM + "\t0" + suffix).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < l.scores().length; i++) {
          out.writeBytes((prefix + user + "\t" + (i + 1) + "\t" + copyText(l.items().get(i)) + "\t"
              + Float.toString(l.scores()[i]) + suffix).getBytes(StandardCharsets.UTF_8));
          rows++;
        }
      }
      try {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE
            + " (base_batch_id, user_id, rank, item_id, score, refresh_id) FROM STDIN",
            new ByteArrayInputStream(out.toByteArray()));
      } catch (java.io.IOException e) {
        throw new SQLException("copy into " + TABLE + ": " + e.getMessage(), e);
      }
      return rows;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
        + " (base_batch_id, user_id, " + d.rank() + ", item_id, score, refresh_id) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (UserList l : lists) {
        add(ps, baseBatchId, l.userId(), 0, MARKER_ITEM, 0f, refreshId);
        for (int i = 0; i < l.scores().length; i++) {
          add(ps, baseBatchId, l.userId(), i + 1, l.items().get(i), l.scores()[i], refreshId);
          rows++;
        }
      }
      ps.executeBatch();
    }
    return rows;
  }

  /** Deletes every delta row of {@code baseBatchId} (the base is retired or failed), in the caller's transaction. */
  public static void deleteBase(Connection c, long baseBatchId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE base_batch_id = ?")) {
      ps.setLong(1, baseBatchId);
      ps.executeUpdate();
    }
  }

  private static void add(PreparedStatement ps, long base, String user, int rank, String item, float score,
      long refresh) throws SQLException {
    ps.setLong(1, base);
    ps.setString(2, user);
    ps.setInt(3, rank);
    ps.setString(4, item);
    ps.setFloat(5, score);
    ps.setLong(6, refresh);
    ps.addBatch();
  }

  /** COPY text format: backslash, tab, newline and carriage return escaped. */
  static String copyText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
      }
    }
    return s;
  }

  // ---- views (version 10, the same SQL on both stores) ----

  /** A delta row {@code d} is shown when it is a ranked row of the current base. */
  private static final String DELTA_ROWS = " FROM larder_current c JOIN " + TABLE + " d ON d.base_batch_id = c.batch_id";

  /** A base row {@code r} is shown when its user has no marker in the delta of the base. */
  private static String noMarker(String rank) {
    return "NOT EXISTS (SELECT 1 FROM " + TABLE + " m WHERE m.base_batch_id = c.batch_id"
        + " AND m.user_id = r.user_id AND m." + rank + " = 0)";
  }

  /** The events exclusion of a row {@code x} served by batch {@code b} ({@link Events#AS_OF}). */
  private static String notSeenAfter(String x) {
    return "NOT EXISTS (SELECT 1 FROM larder_events e WHERE e.job = c.job AND e.user_id = " + x + ".user_id"
        + " AND e.item_id = " + x + ".item_id AND e.at > " + Events.AS_OF + ")";
  }

  /** Version 10's views (the lists, the fresh lists and the batches, each refresh-aware) as {@code d}'s database writes them: the three views dropped, then created again. */
  public static List<String> v10Views(Dialect d) {
    String rank = d.rank();
    return List.of(
      "DROP VIEW larder_recommendations_fresh",
      "DROP VIEW larder_recommendations",
      "DROP VIEW larder_batches",
      "CREATE VIEW larder_recommendations AS"
          + " SELECT c.job, d.user_id, d." + rank + ", d.item_id, d.score, d.refresh_id AS batch_id" + DELTA_ROWS
          + " WHERE d." + rank + " > 0"
          + " UNION ALL"
          + " SELECT c.job, r.user_id, r." + rank + ", r.item_id, r.score, r.batch_id"
          + " FROM larder_current c JOIN larder_rec_rows r ON r.batch_id = c.batch_id WHERE " + noMarker(rank),
      "CREATE VIEW larder_recommendations_fresh AS"
          + " SELECT c.job, d.user_id, d." + rank + ", d.item_id, d.score, d.refresh_id AS batch_id" + DELTA_ROWS
          + " JOIN larder_batch b ON b.batch_id = d.refresh_id"
          + " WHERE d." + rank + " > 0 AND " + notSeenAfter("d")
          + " UNION ALL"
          + " SELECT c.job, r.user_id, r." + rank + ", r.item_id, r.score, r.batch_id"
          + " FROM larder_current c JOIN larder_batch b ON b.batch_id = c.batch_id"
          + " JOIN larder_rec_rows r ON r.batch_id = c.batch_id WHERE " + noMarker(rank) + " AND " + notSeenAfter("r"),
      "CREATE VIEW larder_batches AS SELECT b.batch_id, b.job, b.kind, b.model, b.params, b.metrics,"
          + " b.created_at, b.published_at, b.status, b.rec_rows, b.similar_rows, b.users,"
          + " (c.job IS NOT NULL) AS is_current, b.message, b.segments, b.segment_job, b.input_rows,"
          + " b.served_until, b.data_until, b.base_batch_id"
          + " FROM larder_batch b LEFT JOIN larder_current c ON c.job = b.job"
          + " AND (c.batch_id = b.batch_id OR c.refresh_id = b.batch_id)");
  }
}
