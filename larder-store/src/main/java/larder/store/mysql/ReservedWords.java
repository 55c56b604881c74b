package larder.store.mysql;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;

/**
 * The one place where Larder's SQL meets MySQL 8's reserved words. The schema's {@code rank} column (the name is the
 * views' contract on every store) became a reserved word in MySQL 8.0.2, for the window function; MariaDB still takes
 * it bare. Every statement Larder sends to a MySQL or MariaDB server passes through {@link #quote}, by way of the
 * connections {@link #quoting} wraps, so SQL written once for all stores (the serving reads, views, exports, the
 * dashboard's queries) runs on MySQL 8 as written: a bare {@code rank} becomes {@code `rank`}; string literals,
 * quoted identifiers and comments are left as they are, and so is {@code RANK(} (the function).
 */
public final class ReservedWords {
  /** Identifiers of Larder's schema that MySQL 8 reserves and that Larder's SQL may write bare. */
  static final Set<String> QUOTED = Set.of("rank");

  private ReservedWords() {}

  /** {@code sql} with every bare {@link #QUOTED} identifier quoted with backticks; {@code sql} itself when none. */
  public static String quote(String sql) {
    if (sql == null || !sql.toLowerCase(Locale.ROOT).contains("rank")) return sql;
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char ch = sql.charAt(i);
      if (ch == '\'' || ch == '"' || ch == '`') {
        int end = closing(sql, i, ch);
        out.append(sql, i, end);
        i = end;
      } else if (ch == '#' || (ch == '-' && i + 2 < n && sql.charAt(i + 1) == '-' && Character.isWhitespace(sql.charAt(i + 2)))) {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (isWordChar(ch)) {
        int end = i;
        while (end < n && isWordChar(sql.charAt(end))) end++;
        String word = sql.substring(i, end);
        if (QUOTED.contains(word.toLowerCase(Locale.ROOT)) && !calls(sql, end)) {
          out.append('`').append(word).append('`');
        } else {
          out.append(word);
        }
        i = end;
      } else {
        out.append(ch);
        i++;
      }
    }
    return out.toString();
  }

  /** The index after the quoted text opening at {@code from} (doubled quotes and, outside backticks, backslashes escape). */
  private static int closing(String sql, int from, char quote) {
    int n = sql.length();
    int i = from + 1;
    while (i < n) {
      char ch = sql.charAt(i);
      if (ch == '\\' && quote != '`') {
        i += 2;
      } else if (ch == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) i += 2;
        else return i + 1;
      } else {
        i++;
      }
    }
    return n;
  }

  /** Whether the word ending at {@code end} is a function's name: {@code (} follows, perhaps after spaces. */
  private static boolean calls(String sql, int end) {
    int i = end;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) i++;
    return i < sql.length() && sql.charAt(i) == '(';
  }

  private static boolean isWordChar(char ch) {
    return Character.isLetterOrDigit(ch) || ch == '_' || ch == '$';
  }

  /** {@code c} with the SQL of every statement it prepares, executes or batches passed through {@link #quote}. */
  public static Connection quoting(Connection c) {
    return (Connection) Proxy.newProxyInstance(ReservedWords.class.getClassLoader(), new Class<?>[] {Connection.class},
        new Quoting(c));
  }

  private static final class Quoting implements InvocationHandler {
    private final Object target;

    Quoting(Object target) {
      this.target = target;
    }

    @Override public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (args != null && args.length > 0 && args[0] instanceof String sql
          && (name.startsWith("prepare") || name.startsWith("execute") || name.equals("addBatch")
              || name.equals("nativeSQL"))) {
        args = args.clone();
        args[0] = quote(sql);
      }
      if (name.equals("unwrap") && args != null && args[0] instanceof Class<?> type && type.isInstance(proxy)) {
        return proxy;
      }
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      // a plain Statement gets its SQL at execute time: wrap it too (a prepared one has its SQL already)
      if (result instanceof Statement s && method.getReturnType() == Statement.class) {
        return Proxy.newProxyInstance(ReservedWords.class.getClassLoader(), new Class<?>[] {Statement.class},
            new Quoting(s));
      }
      return result;
    }
  }
}
