package larder.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import larder.store.postgres.Partitions;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Each user's merged history for a base batch ({@code larder_user_history}, schema version 10): what a refresh
 * needs to score a user again, read by primary key for the changed users only. Written in bulk by the full run
 * ({@link #write}, before the switch, like {@link Artifacts}), upserted for the changed users, new ones included,
 * by each refresh of the base in its publishing transaction ({@link #upsert}), and removed with the base
 * ({@link Store#dropRows}). The bytes are opaque here: their format belongs to whoever writes them.
 *
 * <p>On PostgreSQL the table is partitioned by batch like the row tables: the full run's histories go into a
 * partition of their own with binary COPY, which is then given its primary key and attached; retiring the
 * base drops it. On SQLite the full run inserts them in one transaction.
 */
public final class UserHistories {
  /** The table. */
  public static final String TABLE = "larder_user_history";
  private static final String PRIMARY_KEY = "batch_id, user_id";
  private static final byte[] COPY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  /** Bytes buffered before they go to the server. */
  private static final int COPY_BUFFER = 1 << 20;

  private final Store store;

  public UserHistories(Store store) {
    this.store = store;
  }

  /**
   * Stores the histories of {@code count} users of base batch {@code batchId}: user {@code i}'s id and bytes are
   * {@code userId.apply(i)} and {@code history.apply(i)} (a null history is skipped). Once per batch, before it
   * is published.
   */
  public void write(long batchId, int count, IntFunction<String> userId, IntFunction<byte[]> history) {
    if (count < 0) throw new IllegalArgumentException("count " + count + " is below 0");
    String what = "store the users' histories of batch " + batchId;
    if (store.kind() == Dialect.Kind.POSTGRES) {
      store.write(what, c -> {
        Partitions.create(c, TABLE, batchId);
        copyBinary(c, Partitions.name(TABLE, batchId), batchId, count, userId, history);
        Partitions.index(c, TABLE, PRIMARY_KEY, batchId);
        Partitions.attach(c, TABLE, batchId);
        return null;
      });
      return;
    }
    store.write(what, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (batch_id, user_id, history)"
          + " VALUES (?, ?, ?)")) {
        int pending = 0;
        for (int i = 0; i < count; i++) {
          byte[] h = history.apply(i);
          if (h == null) continue;
          ps.setLong(1, batchId);
          ps.setString(2, userId.apply(i));
          ps.setBytes(3, h);
          ps.addBatch();
          if (++pending == 10_000) {
            ps.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) ps.executeBatch();
      }
      return null;
    });
  }

  /** The histories of those of {@code users} that base batch {@code baseBatchId} has, by user id. */
  public Map<String, byte[]> read(long baseBatchId, Collection<String> users) {
    Map<String, byte[]> out = new HashMap<>();
    if (users.isEmpty()) return out;
    store.read("read the users' histories of batch " + baseBatchId, c -> {
      if (store.kind() == Dialect.Kind.POSTGRES) {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, history FROM " + TABLE
            + " WHERE batch_id = ? AND user_id = ANY(?)")) {
          Array a = c.createArrayOf("text", users.toArray());
          ps.setLong(1, baseBatchId);
          ps.setArray(2, a);
          collect(ps, out);
        }
        return null;
      }
      List<String> all = new ArrayList<>(users);
      for (int from = 0; from < all.size(); from += RecDelta.CHUNK) {
        List<String> part = all.subList(from, Math.min(all.size(), from + RecDelta.CHUNK));
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, history FROM " + TABLE
            + " WHERE batch_id = ? AND user_id IN (" + String.join(",", java.util.Collections.nCopies(part.size(), "?"))
            + ")")) {
          ps.setLong(1, baseBatchId);
          for (int i = 0; i < part.size(); i++) ps.setString(i + 2, part.get(i));
          collect(ps, out);
        }
      }
      return null;
    });
    return out;
  }

  /**
   * Inserts or replaces the histories of base batch {@code baseBatchId}'s users in {@code histories}, inside the
   * caller's write transaction (a refresh's publish). On PostgreSQL a base whose full run kept no histories
   * gets its partition here.
   */
  public static void upsert(Connection c, Dialect d, long baseBatchId, Map<String, byte[]> histories)
      throws SQLException {
    if (histories.isEmpty()) return;
    if (d.kind() == Dialect.Kind.POSTGRES && !Partitions.exists(c, TABLE, baseBatchId)) {
      Partitions.create(c, TABLE, baseBatchId);
      Partitions.index(c, TABLE, PRIMARY_KEY, baseBatchId);
      Partitions.attach(c, TABLE, baseBatchId);
    }
    try (PreparedStatement ps = c.prepareStatement(d.upsert("INSERT INTO " + TABLE + " (batch_id, user_id, history)"
        + " VALUES (?, ?, ?)", PRIMARY_KEY, "history"))) {
      for (Map.Entry<String, byte[]> e : histories.entrySet()) {
        ps.setLong(1, baseBatchId);
        ps.setString(2, e.getKey());
        ps.setBytes(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void collect(PreparedStatement ps, Map<String, byte[]> out) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.put(rs.getString(1), rs.getBytes(2));
    }
  }

  /**
   * COPY in PostgreSQL's binary format (header, then per row a field count and each field as length + bytes:
   * bigint big-endian, text UTF-8, bytea raw; trailer -1): no escaping or hex doubling of the histories.
   */
  private static void copyBinary(Connection c, String table, long batchId, int count, IntFunction<String> userId,
      IntFunction<byte[]> history) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + table + " (batch_id, user_id, history) FROM STDIN WITH (FORMAT binary)");
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(COPY_BUFFER + 4096);
      DataOutputStream out = new DataOutputStream(buf);
      out.write(COPY_SIGNATURE);
      out.writeInt(0); // flags
      out.writeInt(0); // header extension length
      for (int i = 0; i < count; i++) {
        byte[] h = history.apply(i);
        if (h == null) continue;
        byte[] user = userId.apply(i).getBytes(StandardCharsets.UTF_8);
        out.writeShort(3);
        out.writeInt(8);
        out.writeLong(batchId);
        out.writeInt(user.length);
        out.write(user);
        out.writeInt(h.length);
        out.write(h);
        if (buf.size() >= COPY_BUFFER) {
          copy.writeToCopy(buf.toByteArray(), 0, buf.size());
          buf.reset();
        }
      }
      out.writeShort(-1);
      copy.writeToCopy(buf.toByteArray(), 0, buf.size());
      copy.endCopy();
    } catch (IOException e) {
      throw new SQLException("encode the histories of batch " + batchId + ": " + e.getMessage(), e);
    } finally {
      if (copy.isActive()) copy.cancelCopy();
    }
  }
}
