package larder.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.PartitionedLoad;
import larder.store.RowTable;
import larder.store.Schema;
import larder.store.Store;

/** The driver's side of a load in parts on PostgreSQL (see {@link PartitionedLoad}). */
final class PostgresParts implements PartitionedLoad {
  private final Store store;
  private final long batchId;
  private final RowTable table;
  private final int parts;
  private final String partition;

  private PostgresParts(Store store, long batchId, RowTable table, int parts) {
    this.store = store;
    this.batchId = batchId;
    this.table = table;
    this.parts = parts;
    this.partition = Partitions.name(table, batchId);
  }

  static PostgresParts prepare(Store store, long batchId, RowTable table, int parts) {
    PostgresParts p = new PostgresParts(store, batchId, table, parts);
    store.write("prepare " + p.partition + " for " + parts + " parts", c -> {
      String status;
      try (PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batch WHERE batch_id = ?")) {
        ps.setLong(1, batchId);
        try (ResultSet rs = ps.executeQuery()) {
          status = rs.next() ? rs.getString(1) : null;
        }
      }
      if (!Batches.STAGING.equals(status)) {
        throw new StoreException("store " + store.name() + ": batch " + batchId + " is "
            + (status == null ? "not in the store" : status) + "; only a staging batch can be loaded in parts",
            "begin a new batch for the run", null);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
        ps.setString(1, p.partition);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) return null; // prepared before: the parts it holds stay
        }
      }
      Partitions.create(c, table, batchId);
      return null;
    });
    return p;
  }

  @Override public long batchId() { return batchId; }

  @Override public RowTable table() { return table; }

  @Override public int parts() { return parts; }

  @Override public Totals verify() {
    return store.read("verify the parts of " + partition, this::verify);
  }

  /** Compares the ledger with the table, on {@code c}'s transaction. */
  private Totals verify(Connection c) throws SQLException {
    TreeMap<Integer, long[]> ledger = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT part, rows, keys FROM " + Schema.LEDGER
        + " WHERE batch_id = ? AND row_table = ?")) {
      ps.setLong(1, batchId);
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ledger.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3)});
      }
    }
    List<Integer> missing = new ArrayList<>();
    for (int p = 0; p < parts; p++) if (!ledger.containsKey(p)) missing.add(p);
    List<Integer> extra = new ArrayList<>(ledger.tailMap(parts).keySet());
    extra.addAll(ledger.headMap(0).keySet());
    if (!missing.isEmpty() || !extra.isEmpty()) {
      String problem = missing.isEmpty() ? "" : "parts " + ranges(missing) + " of 0-" + (parts - 1) + " ("
          + missing.size() + " of " + parts + ") were never loaded";
      if (!extra.isEmpty()) {
        problem += (problem.isEmpty() ? "" : "; ") + "parts " + ranges(extra) + " are beyond the " + parts
            + " expected";
      }
      throw new StoreException("store " + store.name() + ": batch " + batchId + ", " + partition + ": " + problem,
          missing.isEmpty() ? "the rows were split into more parts than the load was prepared for; run the job again"
              : "a task of the load failed or never ran; the batch is not published; run the job again", null);
    }
    long rows = 0;
    long keys = 0;
    for (long[] v : ledger.values()) {
      rows += v[0];
      keys += v[1];
    }
    long stored;
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + partition)) {
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        stored = rs.getLong(1);
      }
    }
    if (stored != rows) {
      throw new StoreException("store " + store.name() + ": batch " + batchId + ": " + partition + " holds " + stored
          + " rows but the ledger of its " + parts + " parts counts " + rows,
          "rows were written around the ledger, or lost; the batch is not published; run the job again", null);
    }
    return new Totals(parts, rows, keys);
  }

  @Override public Totals finish() {
    Totals t = store.write("verify and index " + partition, c -> {
      // shuts out writers (a late attempt waits, and then finds its part loaded, or the batch no longer staging)
      Store.execute(c, "LOCK TABLE " + partition + " IN ACCESS EXCLUSIVE MODE");
      Totals counted = verify(c);
      Partitions.index(c, table, batchId);
      return counted;
    });
    store.withConnection("attach " + partition, c -> {
      Partitions.attach(c, table, batchId);
      return null;
    });
    return t;
  }

  @Override public void abort() {
    store.withConnection("drop " + partition + " and its ledger", c -> {
      Partitions.drop(c, table, batchId);
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Schema.LEDGER
          + " WHERE batch_id = ? AND row_table = ?")) {
        ps.setLong(1, batchId);
        ps.setString(2, table.table());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** "0-3, 7, 9-10" for 0, 1, 2, 3, 7, 9, 10 (sorted). */
  static String ranges(List<Integer> sorted) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < sorted.size(); ) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) j++;
      if (s.length() > 0) s.append(", ");
      s.append(sorted.get(i));
      if (j > i) s.append('-').append(sorted.get(j));
      i = j + 1;
    }
    return s.toString();
  }
}
