package larder.extract.table;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code :since} and {@code :since_epoch} parameters of a query, found by a simple scan and replaced by
 * {@code ?}: one query serves a full run (bound to the start of 1970) and a refresh (bound to the serving
 * batch's high-water mark).
 *
 * <p>The scan skips {@code '...'} literals, {@code "..."} identifiers, {@code --} and {@code /* *&#47;}
 * comments and PostgreSQL's {@code ::} casts; a name counts only whole ({@code :sinceX} is not one). It does
 * not know dollar-quoted strings ({@code $$...$$}) or backslash escapes: a {@code :since} inside those is
 * replaced too.
 *
 * @param sql the query with each parameter replaced by {@code ?}
 * @param kinds each {@code ?} placed, in order
 */
record SinceParameter(String sql, List<Kind> kinds) {
  /** What a placeholder is bound to. */
  enum Kind {
    /** {@code :since}: a timestamp, UTC. */
    SINCE,
    /** {@code :since_epoch}: whole seconds since 1970-01-01T00:00:00Z. */
    SINCE_EPOCH
  }

  SinceParameter {
    kinds = List.copyOf(kinds);
  }

  boolean present() {
    return !kinds.isEmpty();
  }

  static SinceParameter scan(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    List<Kind> kinds = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1); // a doubled quote ('') just closes and reopens: the same text results
        end = end < 0 ? n : end + 1;
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        out.append("::");
        i += 2;
      } else if (c == ':' && name(sql, i + 1, "since_epoch")) {
        out.append('?');
        kinds.add(Kind.SINCE_EPOCH);
        i += 1 + "since_epoch".length();
      } else if (c == ':' && name(sql, i + 1, "since")) {
        out.append('?');
        kinds.add(Kind.SINCE);
        i += 1 + "since".length();
      } else {
        out.append(c);
        i++;
      }
    }
    return new SinceParameter(out.toString(), kinds);
  }

  /** True when {@code name} starts at {@code at}, case-insensitively, and no identifier character follows. */
  private static boolean name(String sql, int at, String name) {
    int end = at + name.length();
    if (end > sql.length() || !sql.regionMatches(true, at, name, 0, name.length())) return false;
    return end == sql.length() || !(Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_');
  }
}
