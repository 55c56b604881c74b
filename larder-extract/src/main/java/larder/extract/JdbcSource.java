package larder.extract;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.formats.Timestamps;
import larder.extract.formats.Weights;

/**
 * Runs a query and streams its rows into interactions. Ids are read as text (so integer and text keys both
 * work), weights as text parsed like a file's; bad rows are reported as {@code label:row: field 'x': problem}.
 * Read-only: the transaction is rolled back at the end.
 */
public final class JdbcSource implements InteractionSource {
  private final JdbcSpec spec;

  public JdbcSource(JdbcSpec spec) {
    this.spec = spec;
  }

  public JdbcSpec spec() { return spec; }

  @Override public String label() { return spec.label(); }

  @Override public ExtractResult read(Progress p) {
    RowCollector rc = new RowCollector(label(), spec.options(), p);
    try (Connection c = connect()) {
      long row = 0;
      try {
        // PostgreSQL only honours the fetch size inside a transaction; elsewhere it is harmless.
        c.setAutoCommit(false);
        try (Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
          st.setFetchSize(spec.fetchSize());
          try (ResultSet rs = st.executeQuery(spec.query())) {
            Columns cols = resolve(rs.getMetaData());
            while (rs.next()) {
              row++;
              row(row, rs, cols, rc);
            }
          }
        } finally {
          c.rollback();
        }
      } catch (SQLException e) {
        throw new InputException(label(), row, null, "query failed" + (row > 0 ? " after " + row + " rows" : "")
            + ": " + e.getMessage(), "check the SQL and that its tables exist; run it in a SQL client to see", e);
      }
    } catch (SQLException e) {
      throw new InputException(label(), 0, null, "closing the connection failed: " + e.getMessage(),
          "check the database log", e);
    }
    return rc.finish();
  }

  private Connection connect() {
    try {
      return spec.username() == null && spec.password() == null
          ? DriverManager.getConnection(spec.url())
          : DriverManager.getConnection(spec.url(), spec.username(), spec.password());
    } catch (SQLException e) {
      throw new InputException(label(), 0, null, "cannot connect to " + spec.safeUrl() + ": " + e.getMessage(),
          "check the url, user and password, that the database is running and that its JDBC driver is present", e);
    }
  }

  private enum TimeKind { ZONED, LOCAL, DATE, OTHER }

  private record Columns(int user, int item, int weight, int time, TimeKind timeKind, String userName,
      String itemName, String weightName, String timeName) {}

  private Columns resolve(ResultSetMetaData md) throws SQLException {
    int n = md.getColumnCount();
    List<String> labels = new ArrayList<>(n);
    for (int k = 1; k <= n; k++) labels.add(md.getColumnLabel(k));
    int u = index(spec.user(), labels);
    int i = index(spec.item(), labels);
    int w = spec.weight() == null ? -1 : index(spec.weight(), labels);
    int t = spec.timestamp() == null ? -1 : index(spec.timestamp(), labels);
    TimeKind kind = TimeKind.OTHER;
    if (t > 0) {
      int type = md.getColumnType(t);
      String typeName = String.valueOf(md.getColumnTypeName(t)).toLowerCase(Locale.ROOT);
      // pgjdbc reports timestamptz as Types.TIMESTAMP; only the type name tells them apart.
      if (type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.contains("timestamptz") || typeName.contains("with time zone")) {
        kind = TimeKind.ZONED;
      } else if (type == Types.TIMESTAMP) {
        kind = TimeKind.LOCAL;
      } else if (type == Types.DATE) {
        kind = TimeKind.DATE;
      }
    }
    return new Columns(u, i, w, t, kind, name("user", u, labels), name("item", i, labels),
        name("weight", w, labels), name("timestamp", t, labels));
  }

  private int index(Column c, List<String> labels) {
    if (!c.byName()) {
      if (c.position() > labels.size()) {
        throw new InputException(label(), 0, null, "column " + c.position() + " is beyond the query's "
            + labels.size() + " columns: " + String.join(", ", labels), "select the column or fix its position");
      }
      return c.position();
    }
    for (int k = 0; k < labels.size(); k++) if (labels.get(k).equals(c.name())) return k + 1;
    for (int k = 0; k < labels.size(); k++) if (labels.get(k).equalsIgnoreCase(c.name())) return k + 1;
    throw new InputException(label(), 0, null, "unknown column '" + c.name() + "'; the query returns: "
        + String.join(", ", labels), "use one of the query's column labels or a 1-based position");
  }

  private static String name(String role, int index, List<String> labels) {
    return index > 0 ? labels.get(index - 1) : role;
  }

  private void row(long row, ResultSet rs, Columns c, RowCollector rc) throws SQLException {
    rc.row();
    String user = rs.getString(c.user());
    if (user == null) { rc.bad(row, c.userName(), "NULL id"); return; }
    user = user.strip();
    if (user.isEmpty()) { rc.bad(row, c.userName(), "empty id"); return; }
    String item = rs.getString(c.item());
    if (item == null) { rc.bad(row, c.itemName(), "NULL id"); return; }
    item = item.strip();
    if (item.isEmpty()) { rc.bad(row, c.itemName(), "empty id"); return; }
    float weight = 1f;
    if (c.weight() > 0) {
      String s = rs.getString(c.weight());
      if (s == null) { rc.bad(row, c.weightName(), "NULL weight"); return; }
      try {
        weight = Weights.parse(s);
      } catch (IllegalArgumentException e) {
        rc.bad(row, c.weightName(), e.getMessage());
        return;
      }
    }
    long time = InteractionsBuilder.NO_TIME;
    if (c.time() > 0) {
      try {
        time = time(rs, c.time(), c.timeKind());
      } catch (IllegalArgumentException e) {
        rc.bad(row, c.timeName(), e.getMessage());
        return;
      }
    }
    rc.keep(user, item, weight, time);
  }

  private static long time(ResultSet rs, int col, TimeKind kind) throws SQLException {
    switch (kind) {
      case ZONED: {
        OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
        return o == null ? InteractionsBuilder.NO_TIME : o.toEpochSecond();
      }
      case LOCAL: {
        Object o = rs.getObject(col);
        if (o == null) return InteractionsBuilder.NO_TIME;
        // Wall-clock time, read as UTC; going through the JVM's zone would shift it.
        if (o instanceof java.sql.Timestamp) return rs.getObject(col, LocalDateTime.class).toEpochSecond(ZoneOffset.UTC);
        return generic(o);
      }
      case DATE: {
        Object o = rs.getObject(col);
        if (o == null) return InteractionsBuilder.NO_TIME;
        if (o instanceof java.sql.Date) return rs.getObject(col, LocalDate.class).toEpochDay() * 86_400L;
        return generic(o);
      }
      default: {
        Object o = rs.getObject(col);
        return o == null ? InteractionsBuilder.NO_TIME : generic(o);
      }
    }
  }

  private static long generic(Object o) {
    if (o instanceof Long || o instanceof Integer || o instanceof Short) return ((Number) o).longValue();
    if (o instanceof Number n) return (long) Math.floor(n.doubleValue());
    if (o instanceof OffsetDateTime t) return t.toEpochSecond();
    if (o instanceof LocalDateTime t) return t.toEpochSecond(ZoneOffset.UTC);
    if (o instanceof LocalDate d) return d.toEpochDay() * 86_400L;
    if (o instanceof java.sql.Timestamp t) return t.toLocalDateTime().toEpochSecond(ZoneOffset.UTC);
    if (o instanceof java.sql.Date d) return d.toLocalDate().toEpochDay() * 86_400L;
    String s = o.toString();
    return s.isBlank() ? InteractionsBuilder.NO_TIME : Timestamps.parse(s);
  }
}
