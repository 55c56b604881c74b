package larder.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A fresh, empty place for a test's store, removed on close: a SQLite file in a temporary folder of its own,
 * or a PostgreSQL schema of its own ({@link PgSchema}). A contract test takes one from its subclass, so the
 * subclass for each database is a line, and opens its store with {@link #open}, so that closing this closes
 * the store before its place goes, even when a test failed half-way.
 */
public abstract class TestStore implements AutoCloseable {
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  private TestStore() {}

  /** A SQLite file in a new temporary folder, deleted with the folder. */
  public static TestStore sqlite() {
    return new Sqlite();
  }

  /** A new schema on the test PostgreSQL server, dropped with everything in it. */
  public static TestStore postgres() {
    return new Postgres();
  }

  /** A database of its own on the MariaDB server ({@link MariaDbDatabase}), dropped by {@link #close()}. */
  public static TestStore mariadb() {
    return new MariaDb("");
  }

  /** {@link #mariadb()} opened with {@code parameters} ("a=b&c=d") added to its URL. */
  public static TestStore mariadb(String parameters) {
    return new MariaDb(parameters);
  }

  /** What {@code Store.open} and {@code --db} take: the SQLite file's path or the schema's {@code jdbc:} URL. */
  public abstract String location();

  /** The JDBC URL of {@link #location()}, for connections outside any store. */
  public abstract String jdbcUrl();

  /** A plain JDBC connection to {@link #location()}, outside any store. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /**
   * {@code opener} applied to {@link #location()} (such as {@code Store::open}); what it returns is closed
   * by {@link #close()}, before the location is removed.
   */
  public <T extends AutoCloseable> T open(Function<String, T> opener) {
    T it = opener.apply(location());
    opened.push(it);
    return it;
  }

  /** Removes the location; everything opened on it is closed by then. */
  abstract void drop();

  /** Closes what {@link #open} opened, latest first, then removes the location, whichever of them fails. */
  @Override
  public void close() {
    RuntimeException failure = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        failure = add(failure, e);
      }
    }
    try {
      drop();
    } catch (RuntimeException e) {
      failure = add(failure, e);
    }
    if (failure != null) throw failure;
  }

  private static RuntimeException add(RuntimeException first, Exception next) {
    if (first == null) {
      return next instanceof RuntimeException r ? r : new IllegalStateException(next.getMessage(), next);
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return location();
  }

  private static final class Sqlite extends TestStore {
    private final Path dir;

    Sqlite() {
      try {
        dir = Files.createTempDirectory("larder-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override public String location() { return dir.resolve("larder.db").toString(); }

    @Override public String jdbcUrl() { return "jdbc:sqlite:" + location(); }

    @Override void drop() {
      try (Stream<Path> files = Files.walk(dir)) { // the file and any -wal or -journal beside it
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      } catch (IOException e) {
        throw new UncheckedIOException("removing " + dir, e);
      }
    }
  }

  private static final class MariaDb extends TestStore {
    private final MariaDbDatabase database = new MariaDbDatabase();
    private final String parameters;

    MariaDb(String parameters) {
      this.parameters = parameters;
    }

    @Override public String location() {
      return parameters.isEmpty() ? database.url : database.url + (database.url.contains("?") ? "&" : "?") + parameters;
    }

    @Override public String jdbcUrl() { return database.url; }

    @Override void drop() { database.close(); }
  }

  private static final class Postgres extends TestStore {
    private final PgSchema schema = new PgSchema();

    @Override public String location() { return schema.url; }

    @Override public String jdbcUrl() { return schema.url; }

    @Override void drop() { schema.close(); }
  }
}
