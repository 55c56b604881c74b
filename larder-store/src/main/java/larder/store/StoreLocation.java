package larder.store;

import java.nio.file.Path;
import java.util.regex.Pattern;
import larder.core.ConfigException;

/**
 * Where a store lives, parsed once from the {@code db} setting: a file path or {@code jdbc:sqlite:}
 * URL (SQLite), a {@code jdbc:postgresql:} URL, or a {@code jdbc:mariadb:} or {@code jdbc:mysql:} URL (both served by
 * MariaDB Connector/J; a {@code jdbc:mysql:} URL is rewritten to {@code jdbc:mariadb:}). {@link #display()} is safe to print: passwords are
 * masked.
 *
 * @param file the SQLite file, or null for PostgreSQL
 * @param user from {@code LARDER_DB_USER} when the URL has none, else null
 * @param password from {@code LARDER_DB_PASSWORD} when the URL has none, else null
 */
public record StoreLocation(Dialect.Kind kind, String url, String display, Path file, String user, String password) {
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

  @Override public String toString() { return display; }

  /** Parses {@code db}, taking credentials from {@code LARDER_DB_USER}/{@code LARDER_DB_PASSWORD}. */
  public static StoreLocation parse(String db) {
    return parse(db, System.getenv("LARDER_DB_USER"), System.getenv("LARDER_DB_PASSWORD"));
  }

  static StoreLocation parse(String db, String envUser, String envPassword) {
    if (db == null || db.isBlank()) {
      throw new ConfigException("db", db, "is empty",
          "give a SQLite file path (e.g. larder.db) or a jdbc:postgresql://host:5432/name URL");
    }
    String s = db.trim();
    if (s.startsWith("jdbc:postgresql:")) {
      boolean hasUser = s.matches("(?i).*[?&]user=.*");
      boolean hasPassword = s.matches("(?i).*[?&]password=.*");
      return new StoreLocation(Dialect.Kind.POSTGRES, s, mask(s), null,
          hasUser ? null : blankToNull(envUser), hasPassword ? null : blankToNull(envPassword));
    }
    if (s.startsWith("jdbc:mariadb:") || s.startsWith("jdbc:mysql:")) {
      // one driver for both servers: MariaDB Connector/J, which takes jdbc:mysql: URLs only under another name
      String url = s.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + s.substring("jdbc:mysql:".length()) : s;
      if (!url.matches("jdbc:mariadb:(//|[a-z]+://)[^/?]*/[^/?]+([?].*)?")) {
        throw new ConfigException("db", mask(s), "names no database",
            "give one after the host, e.g. jdbc:mariadb://127.0.0.1:3306/larder?user=larder");
      }
      boolean hasUser = url.matches("(?i).*[?&]user=.*") || url.matches("jdbc:mariadb://[^/]*@.*");
      boolean hasPassword = url.matches("(?i).*[?&]password=.*") || url.matches("jdbc:mariadb://[^/@]*:[^/@]*@.*");
      return new StoreLocation(Dialect.Kind.MYSQL, url, mask(s), null,
          hasUser ? null : blankToNull(envUser), hasPassword ? null : blankToNull(envPassword));
    }
    String path = s;
    if (s.startsWith("jdbc:sqlite:")) {
      path = s.substring("jdbc:sqlite:".length());
      if (path.startsWith("file:")) path = path.substring("file:".length());
      int q = path.indexOf('?');
      if (q >= 0) path = path.substring(0, q);
    } else if (s.startsWith("jdbc:")) {
      throw new ConfigException("db", mask(s), "is not a supported database",
          "use a SQLite file path, a jdbc:sqlite: URL, a jdbc:postgresql: URL or a jdbc:mariadb: (or jdbc:mysql:) URL");
    }
    if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
      throw new ConfigException("db", s, "in-memory SQLite is not supported: each connection would see its own database",
          "give a file path; the file is created when missing");
    }
    Path file = Path.of(path).toAbsolutePath().normalize();
    return new StoreLocation(Dialect.Kind.SQLITE, "jdbc:sqlite:" + file, file.toString(), file, null, null);
  }

  /** {@code url} with any password replaced by {@code ***}. */
  public static String mask(String url) {
    return USER_INFO.matcher(PASSWORD.matcher(url).replaceAll("$1***")).replaceAll("$1***@");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
