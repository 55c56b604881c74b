package larder.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import larder.core.ConfigException;
import larder.core.StoreException;
import larder.store.postgres.PostgresDialect;
import larder.store.sqlite.SqliteDialect;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The prediction store: a pool of connections to one SQLite file, PostgreSQL or MySQL/MariaDB database, with the
 * Larder schema created or migrated on open (see {@link Schema} for the tables and views).
 *
 * <pre>{@code
 * try (Store store = Store.open("data/larder.db")) {            // or jdbc:postgresql://host/db
 *   long n = store.read("count jobs", c -> ...);                  // one snapshot
 *   store.write("switch job 'shop'", c -> ...);                  // one transaction
 * }
 * }</pre>
 *
 * <p>SQLite connections use the WAL journal (readers never block the writer), {@code busy_timeout}
 * of {@link #SQLITE_BUSY_TIMEOUT_MS} ms, {@code synchronous=NORMAL} and foreign keys. PostgreSQL uses a
 * HikariCP pool; user and password come from the URL or from {@code LARDER_DB_USER} /
 * {@code LARDER_DB_PASSWORD}. MySQL/MariaDB ({@code jdbc:mariadb:} or {@code jdbc:mysql:}) uses a HikariCP pool too,
 * with LOCAL INFILE off on its connections ({@link larder.store.mysql.MysqlDialect}). Thread-safe.
 */
public final class Store implements AutoCloseable {
  /** How long a SQLite writer waits for another writer before giving up. */
  public static final int SQLITE_BUSY_TIMEOUT_MS = 120_000;

  private final StoreLocation location;
  private final Dialect dialect;
  private final HikariDataSource pool;
  /** SQLite and MySQL: per-thread connections with prepared statements for {@link #pointRead}; null on PostgreSQL. */
  private final PointReads pointReads;
  private final CompositeMeterRegistry meters;

  private Store(StoreLocation location, Dialect dialect, HikariDataSource pool, PointReads pointReads,
      CompositeMeterRegistry meters) {
    this.location = location;
    this.dialect = dialect;
    this.pool = pool;
    this.pointReads = pointReads;
    this.meters = meters;
  }

  /**
   * Opens (creating or migrating the schema) the store at {@code db}: a file path, a
   * {@code jdbc:sqlite:} URL or a {@code jdbc:postgresql:} URL.
   *
   * @throws StoreException when the store cannot be reached or is not a Larder store
   * @throws ConfigException when {@code db} is not a supported location, or names a SQLite file in a folder that
   *     does not exist
   */
  public static Store open(String db) {
    return open(StoreLocation.parse(db));
  }

  /**
   * Opens a store that must already exist, for commands that only read: a mistyped SQLite path is
   * an error naming it, not a new empty file.
   */
  public static Store openExisting(String db) {
    StoreLocation location = StoreLocation.parse(db);
    requireFolder(location);
    if (location.kind() == Dialect.Kind.SQLITE && location.file() != null && !java.nio.file.Files.exists(location.file())) {
      throw new larder.core.NotFoundException("no store at " + location.file().toAbsolutePath(),
          "run a job first ('larder run CONFIG' or 'larder demo'), or point --db at an existing store");
    }
    return open(location);
  }

  public static Store open(StoreLocation location) {
    requireFolder(location);
    // The pool reports to a composite with no registry yet: free until a server adds its own (see meters()).
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    HikariDataSource pool = switch (location.kind()) {
      case SQLITE -> sqlitePool(location, meters);
      case POSTGRES -> postgresPool(location, meters);
      case MYSQL -> mysqlPool(location, meters);
    };
    Dialect dialect;
    try {
      dialect = switch (location.kind()) {
        case SQLITE -> new SqliteDialect();
        case POSTGRES -> new PostgresDialect();
        case MYSQL -> mysqlDialect(location, pool);
      };
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    // Point reads get connections of their own, outside the pool, with a small page cache: an HTTP server may
    // hold one per request thread, and the operating system's file cache holds the hot pages anyway.
    PointReads pointReads = switch (location.kind()) {
      case SQLITE -> new PointReads(pointReadSource(location)::getConnection);
      case MYSQL -> new PointReads(() -> mysqlPointReadConnection(location));
      case POSTGRES -> null;
    };
    Store store = new Store(location, dialect, pool, pointReads, meters);
    try {
      Schema.migrate(store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * A SQLite file is created when missing, but its folder never is: a mistyped path would otherwise leave a tree
   * of folders and a new, empty store behind.
   */
  private static void requireFolder(StoreLocation location) {
    if (location.kind() != Dialect.Kind.SQLITE) return;
    Path folder = location.file().getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new ConfigException("db", location.display(), Files.exists(folder)
          ? "its folder " + folder + " is a file, not a folder" : "the folder " + folder + " does not exist",
          "create the folder first (mkdir -p " + folder + ") or point --db (or the config's store:) at an existing one");
    }
  }

  private static HikariDataSource sqlitePool(StoreLocation location, CompositeMeterRegistry meters) {
    Path file = location.file();
    if (Files.isDirectory(file)) {
      throw new StoreException("store " + location.display() + ": is a folder, not a SQLite file",
          "give a file path such as " + file.resolve("larder.db"), null);
    }
    SQLiteDataSource ds = sqliteSource(location, 32_768); // 32 MiB per connection: bulk loads insert into a clustered key
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(ds);
    hc.setMaximumPoolSize(8);
    hc.setMinimumIdle(1);
    return startPool(location, hc, meters, "the file exists but is not a SQLite database, or it is not readable and writable;"
        + " point db at a new file or a Larder store");
  }

  /** A SQLite data source with Larder's settings and a page cache of at most {@code cacheKiB} KiB per connection. */
  private static SQLiteDataSource sqliteSource(StoreLocation location, int cacheKiB) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.enforceForeignKeys(true);
    config.setCacheSize(-cacheKiB);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    SQLiteDataSource ds = new SQLiteDataSource(config);
    ds.setUrl(location.url());
    return ds;
  }

  /**
   * A point read's connection, used by one thread only ({@link PointReads}): SQLite's own per-connection mutex
   * is left out (the driver serialises calls on a connection anyway), and the file is read through a memory map,
   * so a page the operating system caches costs no read call and no copy, and every connection shares it. Larder
   * never shrinks a SQLite file (no VACUUM), the one thing that makes a mapped read unsafe. Together they took
   * a look-up from 22.5-23.3 to 19.2 µs of CPU (BENCHMARKS.md, serving).
   */
  private static SQLiteDataSource pointReadSource(StoreLocation location) {
    SQLiteDataSource ds = sqliteSource(location, 2_048);
    SQLiteConfig config = ds.getConfig();
    config.setOpenMode(org.sqlite.SQLiteOpenMode.NOMUTEX);
    config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(POINT_READ_MMAP_BYTES));
    ds.setConfig(config);
    return ds;
  }

  /** SQLite caps it at its compile-time maximum; it is address space, not memory. */
  private static final long POINT_READ_MMAP_BYTES = 1L << 36;

  private static HikariDataSource postgresPool(StoreLocation location, CompositeMeterRegistry meters) {
    return startPool(location, serverPool(location), meters, "check that PostgreSQL is running and reachable at that"
        + " address, that the database exists, and the user/password (in the URL or LARDER_DB_USER / LARDER_DB_PASSWORD)");
  }

  private static HikariDataSource mysqlPool(StoreLocation location, CompositeMeterRegistry meters) {
    HikariConfig hc = serverPool(location);
    hc.addDataSourceProperty("connectTimeout", "10000");
    // a server could ask a connection that allows LOCAL INFILE for any file the client can read: only the bulk
    // loads' own connections allow it, and they always hand the driver the stream to send (MysqlLoad)
    hc.addDataSourceProperty("allowLocalInfile", "false");
    return startPool(location, hc, meters, "check that the MySQL/MariaDB server is running and reachable at that"
        + " address, that the database exists, and the user/password (in the URL or LARDER_DB_USER / LARDER_DB_PASSWORD)");
  }

  /**
   * A point read's connection on MySQL/MariaDB, used by one thread only ({@link PointReads}): its statements are
   * prepared on the server (the binary protocol), so a look-up's SQL is parsed once per thread instead of per
   * request (a user's list in 0.72 of the time over the text protocol). Only point reads run here: the other reads
   * keep the pool's text protocol, under which MariaDB pushes a statement's conditions into a view's UNION ALL.
   */
  private static Connection mysqlPointReadConnection(StoreLocation location) throws SQLException {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("allowLocalInfile", "false");
    p.setProperty("useServerPrepStmts", "true");
    return unpooledConnection(location, p);
  }

  /**
   * A database server's pool: 10 connections (a server with more request threads raises it,
   * {@link #allowConnections}), a 10-second wait for one, and idle ones checked every minute, so one a firewall or
   * the server dropped is replaced before a request meets it; one that dies between checks costs a read one retry
   * (inTransaction, pointRead).
   */
  private static HikariConfig serverPool(StoreLocation location) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(location.url());
    if (location.user() != null) hc.setUsername(location.user());
    if (location.password() != null) hc.setPassword(location.password());
    hc.setMaximumPoolSize(10);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(10_000);
    hc.setKeepaliveTime(60_000);
    return hc;
  }

  private static Dialect mysqlDialect(StoreLocation location, HikariDataSource pool) {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT DATABASE()")) {
      rs.next();
      return new larder.store.mysql.MysqlDialect(larder.store.mysql.MysqlDialect.flavourOf(c), rs.getString(1));
    } catch (SQLException e) {
      throw failure(location.display(), "read the server's version", e);
    }
  }

  /**
   * A connection of its own, outside the pool, with the URL's settings plus {@code properties} (MySQL's bulk loads:
   * {@code allowLocalInfile}); the caller closes it.
   */
  public Connection unpooledConnection(java.util.Properties properties) throws SQLException {
    return unpooledConnection(location, properties);
  }

  private static Connection unpooledConnection(StoreLocation location, java.util.Properties properties)
      throws SQLException {
    java.util.Properties p = new java.util.Properties();
    if (location.user() != null) p.setProperty("user", location.user());
    if (location.password() != null) p.setProperty("password", location.password());
    p.setProperty("connectTimeout", "10000");
    p.putAll(properties);
    Connection c = java.sql.DriverManager.getConnection(location.url(), p);
    return location.kind() == Dialect.Kind.MYSQL ? larder.store.mysql.ReservedWords.quoting(c) : c;
  }

  private static HikariDataSource startPool(StoreLocation location, HikariConfig hc, CompositeMeterRegistry meters,
      String hint) {
    hc.setPoolName("larder " + location.display());
    hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    hc.setInitializationFailTimeout(1); // one attempt: fail fast with the driver's reason
    hc.setRegisterMbeans(false);
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      Throwable root = e.getCause() != null ? e.getCause() : e;
      String specific = root instanceof SQLException s ? mysqlHint(s) : null;
      throw new StoreException("store " + location.display() + ": cannot connect: " + root.getMessage(),
          specific != null ? specific : hint, e);
    }
  }

  /**
   * The connection pool's meters ({@code hikaricp_connections_active{pool="larder ..."}}, acquire and usage
   * times, timeouts): {@code meters().add(registry)} shows them in that registry, {@code remove} stops it. Until a
   * registry is added they cost nothing. SQLite point reads use connections of their own, outside the pool.
   */
  public CompositeMeterRegistry meters() { return meters; }

  /** The store's location, password masked; safe to print. */
  public String name() { return location.display(); }

  public StoreLocation location() { return location; }

  public Dialect dialect() { return dialect; }

  public Dialect.Kind kind() { return dialect.kind(); }

  /**
   * Lets the pool of a database server's store hold {@code connections}, when it holds fewer: a server with that many
   * request threads, each of which holds at most one connection at a time, then never makes a request wait for a
   * connection. Waiting threads are not served in order (a thread that returns a connection takes it again
   * first), so with 32 request threads on 10 connections one request in a hundred waited 28-380 ms. SQLite's
   * point reads have a connection per thread already.
   */
  public void allowConnections(int connections) {
    if (kind() == Dialect.Kind.SQLITE || connections <= pool.getMaximumPoolSize()) return;
    pool.getHikariConfigMXBean().setMaximumPoolSize(connections);
  }

  /**
   * A pooled auto-commit connection; the caller closes it. On MySQL/MariaDB its SQL passes through
   * {@link larder.store.mysql.ReservedWords}, so a bare {@code rank} reaches MySQL 8 quoted.
   */
  public Connection connection() throws SQLException {
    Connection c = pool.getConnection();
    return kind() == Dialect.Kind.MYSQL ? larder.store.mysql.ReservedWords.quoting(c) : c;
  }

  /** Runs {@code work} in one read snapshot: every statement in it sees the same committed state. */
  public <T> T read(String what, SqlWork<T> work) {
    return inTransaction(what, false, work);
  }

  /** Runs {@code work} in one write transaction: all or nothing. */
  public <T> T write(String what, SqlWork<T> work) {
    return inTransaction(what, true, work);
  }

  /** What a point read does with its statement, once its parameters are set. */
  @FunctionalInterface
  public interface StatementWork<T> {
    T run(PreparedStatement statement) throws SQLException;
  }

  /**
   * Runs one read statement, {@code sql} with {@code args} bound in order, and hands it to {@code work} to
   * execute and read. One statement reads one snapshot. On SQLite and MySQL/MariaDB the statement is prepared
   * once per thread on a connection of the thread's own ({@link PointReads}; on MySQL/MariaDB prepared on the server,
   * so {@code sql} must not read a view with a UNION, which that protocol materialises whole); on PostgreSQL it is a
   * pooled connection, whose driver caches prepared statements itself.
   */
  public <T> T pointRead(String what, String sql, Object[] args, StatementWork<T> work) {
    if (pointReads == null) {
      // Retried once on a lost connection: in auto-commit PostgreSQL returns every row of a statement before the
      // first, so a connection lost on the way fails the statement before the work has seen a row.
      for (int attempt = 1; ; attempt++) {
        boolean borrowed = false;
        try (Connection c = connection()) {
          borrowed = true;
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return work.run(ps);
          }
        } catch (SQLException e) {
          if (!(borrowed && attempt == 1 && lostConnection(e))) throw failure(what, e);
          pool.getHikariPoolMXBean().softEvictConnections();
        }
      }
    }
    for (int attempt = 1; ; attempt++) {
      boolean opened = false;
      try {
        PreparedStatement ps = pointReads.statement(sql);
        opened = true;
        bind(ps, args);
        try {
          return work.run(ps);
        } finally {
          ps.clearParameters();
        }
      } catch (SQLException e) {
        pointReads.discard();
        // a server closes a thread's connection once it idles past wait_timeout: one retry on a new one
        if (!(kind() == Dialect.Kind.MYSQL && opened && attempt == 1 && lostConnection(e))) throw failure(what, e);
      }
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
  }

  /** Runs {@code work} on an auto-commit connection. */
  public <T> T withConnection(String what, SqlWork<T> work) {
    try (Connection c = connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Runs {@code work} in a transaction. A read whose pooled connection turns out to be dead when the transaction
   * begins (the server restarted, or closed it: PostgreSQL's {@code pg_terminate_backend}, a failover, a firewall)
   * is tried once more on a fresh connection: nothing has run yet, so nothing runs twice. The pool's other idle
   * connections are evicted too, as whatever closed one has usually closed them all. Writes are not retried.
   */
  private <T> T inTransaction(String what, boolean write, SqlWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      boolean borrowed = false;
      boolean begun = false;
      try (Connection c = connection()) {
        borrowed = true;
        dialect.begin(c, write);
        begun = true;
        boolean done = false;
        try {
          T result = work.run(c);
          dialect.commit(c);
          done = true;
          return result;
        } finally {
          if (!done) rollbackQuietly(c);
        }
      } catch (SQLException e) {
        if (write || !borrowed || begun || attempt > 1 || !lostConnection(e)) throw failure(what, e);
        pool.getHikariPoolMXBean().softEvictConnections();
      }
    }
  }

  /**
   * Whether {@code e} says the connection is gone (SQL state class 08, or PostgreSQL's 57P01-03: terminated by an
   * administrator, a crash or a shutdown), the states on which the pool also discards the connection.
   */
  static boolean lostConnection(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) return true;
      }
    }
    return false;
  }

  private void rollbackQuietly(Connection c) {
    try {
      dialect.rollback(c);
    } catch (SQLException | RuntimeException ignored) {
      // the original failure matters more; the pool discards a broken connection
    }
  }

  /** Executes statements on {@code c}, in order. */
  public static void execute(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) st.execute(s);
    }
  }

  /** A StoreException for {@code e}, naming this store and what was being done, with a hint by SQL state. */
  public StoreException failure(String what, SQLException e) {
    return failure(name(), what, e);
  }

  /** {@link #failure(String, SQLException)} for the store named {@code storeName} (its display name). */
  public static StoreException failure(String storeName, String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    String hint;
    if (state.startsWith("08")) {
      hint = "the database connection failed; check that the database is running and reachable";
    } else if (msg.contains("SQLITE_BUSY") || msg.contains("database is locked")) {
      hint = "another process held the SQLite write lock for longer than " + SQLITE_BUSY_TIMEOUT_MS / 1000
          + " s; retry when it is done";
    } else if (state.equals("3F000") || msg.contains("no schema has been selected")) {
      hint = "the schema named by currentSchema does not exist; create it or fix the URL";
    } else {
      hint = Objects.requireNonNullElse(mysqlHint(e), "");
    }
    return new StoreException("store " + storeName + ": " + what + ": " + msg, hint, e);
  }

  /** A hint for a MySQL/MariaDB error code, or null. */
  private static String mysqlHint(SQLException e) {
    return switch (e.getErrorCode()) {
      case 1045 -> "the server refused the user or password; check the user in the URL or LARDER_DB_USER, and"
          + " LARDER_DB_PASSWORD";
      case 1049 -> "the database in the URL does not exist; create it (CREATE DATABASE name) or fix the URL";
      case 1044, 1142, 1227 -> "the user lacks a privilege it needs: opening a new store creates its tables and"
          + " views (GRANT ALL ON name.* TO user); publishing and serving need only SELECT, INSERT, UPDATE, DELETE";
      case 4166, 3948, 1148 -> "the server refuses LOAD DATA LOCAL INFILE; SET GLOBAL local_infile = 1 on the"
          + " server (loads then run at bulk speed), or leave it off: the load falls back to INSERT";
      case 1205, 1213 -> "another transaction held a lock this one needed; retry";
      default -> null;
    };
  }

  /** Starts a bulk load of {@code batchId}'s rows. */
  public BatchLoad startLoad(long batchId) {
    return dialect.startLoad(this, batchId);
  }

  /** Removes every row of {@code batchId}; PostgreSQL drops its partitions. */
  public void dropRows(long batchId) {
    dialect.dropRows(this, batchId);
  }

  @Override public void close() {
    if (pointReads != null) pointReads.close();
    pool.close();
  }

  @Override public String toString() {
    return "Store[" + name() + "]";
  }
}
