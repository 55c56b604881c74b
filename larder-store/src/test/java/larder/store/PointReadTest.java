package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import larder.core.StoreException;
import larder.testkit.MariaDbDatabase;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Point reads (one statement, prepared once per thread on SQLite): every read sees one committed state while a
 * writer changes the table, errors do not poison the thread's next read, and a closed store refuses them.
 */
class PointReadTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres", "mariadb"})
  void readsSeeOneCommittedStateWhileAWriterChangesItAndRecoverFromErrors(String kind) throws Exception {
    PgSchema pg = kind.equals("postgres") ? new PgSchema() : null;
    MariaDbDatabase maria = kind.equals("mariadb") ? new MariaDbDatabase() : null;
    try (Store store = Store.open(pg != null ? pg.url : maria != null ? maria.url : dir.resolve("p.db").toString())) {
      store.write("create", c -> {
        Store.execute(c, "CREATE TABLE pr (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
        for (int k = 0; k < 10; k++) Store.execute(c, "INSERT INTO pr VALUES (" + k + ", 0)");
        return null;
      });
      AtomicBoolean stop = new AtomicBoolean();
      java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(3);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (!stop.get()) {
            // every row of a version carries the same value: a read that mixes versions sees two
            int[] distinct = store.pointRead("read", "SELECT MIN(v), MAX(v), COUNT(*) FROM pr WHERE k >= ?", new Object[] {0},
                ps -> {
                  try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
                  }
                });
            assertThat(distinct[0]).isEqualTo(distinct[1]);
            assertThat(distinct[2]).isEqualTo(10);
            if (++reads == 1) reading.countDown();
          }
          return reads;
        }));
      }
      assertThat(reading.await(30, TimeUnit.SECONDS)).as("every reader has read").isTrue();
      for (int version = 1; version <= 50; version++) {
        int v = version;
        store.write("update", c -> {
          Store.execute(c, "UPDATE pr SET v = " + v);
          return null;
        });
      }
      stop.set(true);
      for (Future<Integer> f : readers) assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
      pool.shutdown();

      assertThatThrownBy(() -> store.pointRead("bad", "SELECT nope FROM pr", new Object[0], ps -> ps.executeQuery()))
          .isInstanceOf(StoreException.class).hasMessageContaining("bad");
      int after = store.pointRead("again", "SELECT v FROM pr WHERE k = ?", new Object[] {3}, ps -> {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      });
      assertThat(after).isEqualTo(50);
      if (kind.equals("sqlite")) {
        // a thread's idle point-read connection holds no read snapshot: a full checkpoint is not blocked
        int busy = store.withConnection("checkpoint", c -> {
          try (var st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            return rs.getInt(1);
          }
        });
        assertThat(busy).as("checkpoint blocked by a reader").isZero();
      }
      store.close();
      assertThatThrownBy(() -> store.pointRead("closed", "SELECT v FROM pr", new Object[0], ps -> ps.executeQuery()))
          .isInstanceOf(RuntimeException.class);
    } finally {
      if (pg != null) pg.close();
      if (maria != null) maria.close();
    }
  }

  /**
   * On MariaDB each thread's point reads keep a connection of their own: a thread that has ended gives its
   * connection back when another thread opens one (a server's pool replaces idle threads), and a connection the
   * server dropped (killed here) costs the next read one retry, not an error.
   */
  @org.junit.jupiter.api.Test
  void mariaDbPointReadConnectionsGoWithTheirThreadsAndAreReplacedWhenLost() throws Exception {
    try (MariaDbDatabase db = new MariaDbDatabase(); Store store = Store.open(db.url)) {
      String id = "SELECT CONNECTION_ID() FROM DUAL WHERE ? = 1";
      java.util.function.Supplier<Long> connectionId = () -> store.pointRead("id", id, new Object[] {1}, ps -> {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      List<Long> ended = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread thread = new Thread(() -> {
          synchronized (ended) {
            ended.add(connectionId.get());
          }
        });
        thread.start();
        thread.join();
      }
      assertThat(ended).doesNotHaveDuplicates().hasSize(4);
      long mine = connectionId.get(); // a new thread's connection: the ended threads' are closed first
      assertThat(open(ended)).as("connections of ended threads still open").isZero();
      try (java.sql.Connection root = java.sql.DriverManager.getConnection(MariaDbDatabase.BASE);
          var st = root.createStatement()) {
        st.execute("KILL " + mine);
      }
      long replaced = connectionId.get();
      assertThat(replaced).isNotEqualTo(mine);
      assertThat(connectionId.get()).isEqualTo(replaced);
    }
  }

  /** How many of the connections {@code ids} the server still has. */
  private static long open(List<Long> ids) throws Exception {
    // closing is asynchronous on the server: give it a moment
    for (int attempt = 0; ; attempt++) {
      try (java.sql.Connection root = java.sql.DriverManager.getConnection(MariaDbDatabase.BASE);
          var st = root.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM"
              + " information_schema.processlist WHERE id IN (" + ids.toString().replaceAll("[\\[\\]]", "") + ")")) {
        rs.next();
        long n = rs.getLong(1);
        if (n == 0 || attempt == 50) return n;
      }
      Thread.sleep(100);
    }
  }

  /**
   * SQLite point reads go through a memory map: a reader whose connection mapped the file while it was small still
   * reads every committed row after a writer grows it many times over, checkpointed into the main file.
   */
  @org.junit.jupiter.api.Test
  void mappedReadsFollowTheFileAsAWriterGrowsIt() throws Exception {
    try (Store store = Store.open(dir.resolve("m.db").toString())) {
      store.write("create", c -> {
        Store.execute(c, "CREATE TABLE g (k INTEGER PRIMARY KEY, pad TEXT NOT NULL)");
        return null;
      });
      long mapped = store.pointRead("mmap", "PRAGMA mmap_size", new Object[0], ps -> {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(mapped).as("point reads memory-map the file").isPositive();
      String count = "SELECT COUNT(*), COALESCE(SUM(LENGTH(pad)), 0) FROM g WHERE k >= ?";
      for (int round = 1; round <= 4; round++) {
        int from = (round - 1) * 2_000;
        store.write("grow", c -> {
          try (var ps = c.prepareStatement("INSERT INTO g VALUES (?, ?)")) {
            for (int k = from; k < from + 2_000; k++) {
              ps.setInt(1, k);
              ps.setString(2, "x".repeat(1_000));
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
        store.withConnection("checkpoint", c -> {
          try (var st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return rs.next();
          }
        });
        long[] seen = store.pointRead("count", count, new Object[] {0}, ps -> {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
          }
        });
        assertThat(seen).containsExactly(round * 2_000L, round * 2_000_000L);
      }
    }
  }
}
