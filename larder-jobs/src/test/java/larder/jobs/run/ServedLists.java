package larder.jobs.run;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import larder.store.Store;

/**
 * Every user's list a job serves, read from one view in one statement: per user, its rows as
 * "rank item score-bits batch", so two reads are equal exactly when every list is byte-identical and comes from
 * the same batch.
 */
final class ServedLists {
  private ServedLists() {}

  static Map<String, List<String>> of(Store store, String job) {
    return of(store, job, "larder_recommendations");
  }

  /** @param view larder_recommendations or larder_recommendations_fresh */
  static Map<String, List<String>> of(Store store, String job, String view) {
    return store.read("read the lists of job '" + job + "'", c -> {
      Map<String, List<String>> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT user_id, rank, item_id, score, batch_id FROM " + view
          + " WHERE job = ? ORDER BY user_id, rank")) {
        ps.setString(1, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(row(rs.getInt(2), rs.getString(3),
                rs.getFloat(4), rs.getLong(5)));
          }
        }
      }
      return out;
    });
  }

  static String row(int rank, String item, float score, long batch) {
    return rank + " " + item + " " + Integer.toHexString(Float.floatToRawIntBits(score)) + " " + batch;
  }

  /** The item of a row made by {@link #row}. */
  static String item(String row) {
    return row.split(" ")[1];
  }

  /** The batch of a row made by {@link #row}. */
  static long batch(String row) {
    return Long.parseLong(row.split(" ")[3]);
  }
}
