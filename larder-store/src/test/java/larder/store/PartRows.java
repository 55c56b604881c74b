package larder.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import larder.core.IdMap;

/**
 * Ranked lists for tests of loading in parts: users with 1-5 items each, split into parts by a salted hash of
 * the user id (deterministic, as the parts must be), and what the batch's table should then hold.
 */
final class PartRows {
  final IdMap items = new IdMap();
  final List<String> users = new ArrayList<>();
  final List<int[]> lists = new ArrayList<>();
  final List<float[]> scores = new ArrayList<>();
  private final int salt;

  PartRows(long seed, int userCount) {
    Random r = new Random(seed);
    salt = r.nextInt();
    for (int i = 0; i < 30; i++) items.intern("i" + i + (i % 7 == 0 ? "\tx" : ""));
    for (int u = 0; u < userCount; u++) {
      users.add("u" + u + (u % 11 == 0 ? "\\n" : ""));
      int n = 1 + r.nextInt(5);
      int[] it = new int[n];
      float[] sc = new float[n];
      for (int k = 0; k < n; k++) {
        it[k] = r.nextInt(items.size());
        sc[k] = n - k + r.nextFloat();
      }
      lists.add(it);
      scores.add(sc);
    }
  }

  int partOf(int user, int parts) {
    return Math.floorMod(users.get(user).hashCode() ^ salt, parts);
  }

  /**
   * Hands part {@code part} of {@code parts} to {@code sink}; with {@code failAfter} >= 0 throws after that many
   * lists, or after the last when the part has fewer (the task dies before its commit).
   */
  void write(RowSink sink, int part, int parts, int failAfter) {
    int written = 0;
    for (int u = 0; u < users.size(); u++) {
      if (partOf(u, parts) != part) continue;
      if (written == failAfter) throw new IllegalStateException("task of part " + part + " dies mid-stream");
      sink.addList(RowTable.RECOMMENDATIONS, users.get(u), lists.get(u), scores.get(u), lists.get(u).length, items);
      written++;
    }
    if (failAfter >= 0) throw new IllegalStateException("task of part " + part + " dies before its commit");
  }

  long rows(int part, int parts) {
    long n = 0;
    for (int u = 0; u < users.size(); u++) if (part < 0 || partOf(u, parts) == part) n += lists.get(u).length;
    return n;
  }

  /** Every row, "user rank item score", sorted as the table reads them back. */
  List<String> expected() {
    List<String> out = new ArrayList<>();
    for (int u = 0; u < users.size(); u++) {
      for (int k = 0; k < lists.get(u).length; k++) {
        out.add(users.get(u) + " " + (k + 1) + " " + items.name(lists.get(u)[k]) + " " + scores.get(u)[k]);
      }
    }
    out.sort(null);
    return out;
  }

  /** The rows of {@code table} (a partition, or the parent with a batch filter), sorted like {@link #expected}. */
  static List<String> stored(Store store, String from) {
    return store.withConnection("read " + from, c -> read(c, "SELECT user_id, rank, item_id, score FROM " + from));
  }

  private static List<String> read(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3) + " " + rs.getFloat(4));
    }
    out.sort(null);
    return out;
  }

  static long newBatch(Store store) {
    return store.write("insert", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_batch (job, kind, model, created_at, status)"
          + " VALUES ('j', 'recommendations', 'm', ?, 'staging') RETURNING batch_id")) {
        store.dialect().setInstant(ps, 1, Schema.now());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  static long count(Store store, String sql, Object... args) {
    return store.withConnection("count", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }
}
