package larder.publish;

import larder.testkit.PgSchema;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.store.Store;
import org.postgresql.PGConnection;

/**
 * Scratch measurement, not a test: publishes 1,000,000 rows (100,000 users x 10) from 2 scoring
 * threads on SQLite and PostgreSQL, and compares with the raw bulk-load rate of the same rows into the
 * same table shape (SQLite: multi-row prepared INSERT in one transaction; PostgreSQL: one COPY of
 * pre-encoded text, then the primary key). Run: java -cp ... larder.publish.LoadRate [pg-url]
 */
public final class LoadRate {
  public static void main(String[] args) throws Exception {
    String pg = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    Planted p = new Planted(100_000, 20_000, 10);
    Path dir = Files.createTempDirectory("larder-rate");
    for (int round = 0; round < 2; round++) {
      String file = dir.resolve("rate" + round + ".db").toString();
      try (Store s = Store.open(file)) {
        report("sqlite publish", publish(s, p, round));
      }
      report("sqlite raw insert", rawSqlite(dir.resolve("raw" + round + ".db").toString(), p));
      try (PgSchema schema = new PgSchema(); Store s = Store.open(schema.url)) {
        report("postgres publish", publish(s, p, round));
        report("postgres raw copy+pk", rawPostgres(schema.url, p));
      }
    }
    System.out.println("(pg url " + pg + ")");
  }

  static void report(String what, double seconds) {
    System.out.printf("%-22s 1,000,000 rows in %.2f s = %,.0f rows/s%n", what, seconds, 1_000_000 / seconds);
  }

  static double publish(Store s, Planted p, int round) throws Exception {
    Publisher pub = new Publisher(s);
    long t0 = System.nanoTime();
    BatchInfo b;
    try (BatchLoader w = pub.begin("rate", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      p.sendParallel(w.recommendations().userSink(p.users, p.items), round + 1, 2);
      b = w.publish(2);
    }
    if (b.rows() != 1_000_000) throw new IllegalStateException("rows " + b.rows());
    return (System.nanoTime() - t0) / 1e9;
  }

  static double rawSqlite(String file, Planted p) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("PRAGMA cache_size=-32768");
      st.execute("CREATE TABLE t (batch_id INTEGER NOT NULL, user_id TEXT NOT NULL, rank INTEGER NOT NULL,"
          + " item_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (batch_id, user_id, rank)) WITHOUT ROWID");
      int per = 200;
      StringBuilder sql = new StringBuilder("INSERT INTO t VALUES ");
      for (int i = 0; i < per; i++) sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?)");
      long t0 = System.nanoTime();
      st.execute("BEGIN");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int k = 0;
        int param = 1;
        for (int u = 0; u < p.users.size(); u++) {
          String user = p.users.name(u);
          for (int r = 1; r <= p.n; r++) {
            ps.setLong(param++, 1);
            ps.setString(param++, user);
            ps.setInt(param++, r);
            ps.setString(param++, p.items.name(p.item(u, r)));
            ps.setFloat(param++, p.score(u, r, 1));
            if (++k == per) {
              ps.executeUpdate();
              k = 0;
              param = 1;
            }
          }
        }
      }
      st.execute("COMMIT");
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  static double rawPostgres(String url, Planted p) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream(40_000_000);
    for (int u = 0; u < p.users.size(); u++) {
      for (int r = 1; r <= p.n; r++) {
        text.writeBytes(("1\t" + p.users.name(u) + "\t" + r + "\t" + p.items.name(p.item(u, r)) + "\t"
            + p.score(u, r, 1) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] all = text.toByteArray();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      long t0 = System.nanoTime();
      c.setAutoCommit(false);
      st.execute("CREATE TABLE raw_t (batch_id BIGINT NOT NULL, user_id TEXT COLLATE \"C\" NOT NULL, rank INTEGER NOT NULL,"
          + " item_id TEXT COLLATE \"C\" NOT NULL, score REAL NOT NULL)");
      var in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY raw_t FROM STDIN WITH (FREEZE)");
      for (int off = 0; off < all.length; off += 1 << 17) in.writeToCopy(all, off, Math.min(1 << 17, all.length - off));
      in.endCopy();
      st.execute("SET LOCAL maintenance_work_mem = '256MB'");
      st.execute("ALTER TABLE raw_t ADD PRIMARY KEY (batch_id, user_id, rank)");
      c.commit();
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
