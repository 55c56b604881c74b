package larder.extract.table;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
import larder.extract.formats.Timestamps;

/**
 * Runs a {@link JdbcQuery} and streams its rows to a {@link RowHandler}. Fields are read as text (so integer
 * and text keys both work), times by their SQL type. Errors name the query's label.
 */
final class QueryReader {
  private QueryReader() {}

  private static final java.util.Calendar UTC = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));

  static void read(JdbcQuery q, RowHandler handler, BadRowCollector rows, java.time.Instant since) {
    SinceParameter params = SinceParameter.scan(q.sql());
    try (Connection c = connect(q)) {
      long row = 0;
      try {
        // PostgreSQL only honours the fetch size inside a transaction; elsewhere it is harmless.
        c.setAutoCommit(false);
        try (Statement st = statement(c, params, since)) {
          st.setFetchSize(q.fetchSize());
          try (ResultSet rs = st instanceof PreparedStatement ps ? ps.executeQuery() : st.executeQuery(q.sql())) {
            RowFields fields = new RowFields(rs);
            handler.start(Header.ofQuery(q.label(), fields.labels));
            while (rs.next()) {
              row++;
              rows.row();
              handler.row(row, fields);
            }
          }
        } catch (FieldFailure e) {
          throw e.getCause();
        } finally {
          c.rollback();
        }
      } catch (SQLException e) {
        throw new InputException(q.label(), row, null, "query failed" + (row > 0 ? " after " + row + " rows" : "")
            + ": " + e.getMessage(), "check the SQL and that its tables exist; run it in a SQL client to see", e);
      }
    } catch (SQLException e) {
      throw new InputException(q.label(), 0, null, "closing the connection failed: " + e.getMessage(),
          "check the database log", e);
    }
  }

  /** A plain statement for a query without parameters (run as written), else a prepared one with them bound. */
  private static Statement statement(Connection c, SinceParameter params, java.time.Instant since) throws SQLException {
    if (!params.present()) return c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    PreparedStatement ps = c.prepareStatement(params.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    try {
      for (int k = 0; k < params.kinds().size(); k++) {
        if (params.kinds().get(k) == SinceParameter.Kind.SINCE_EPOCH) {
          ps.setLong(k + 1, since.getEpochSecond());
        } else {
          ps.setTimestamp(k + 1, java.sql.Timestamp.from(since), (java.util.Calendar) UTC.clone());
        }
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  private static Connection connect(JdbcQuery q) {
    try {
      return q.username() == null && q.password() == null
          ? DriverManager.getConnection(q.url())
          : DriverManager.getConnection(q.url(), q.username(), q.password());
    } catch (SQLException e) {
      throw new InputException(q.label(), 0, null, "cannot connect to " + q.safeUrl() + ": " + e.getMessage(),
          "check the url, user and password, that the database is running and that its JDBC driver is present", e);
    }
  }

  /** Carries a driver error out of {@link Fields}, whose methods cannot throw it. */
  private static final class FieldFailure extends RuntimeException {
    FieldFailure(SQLException cause) {
      super(cause);
    }

    @Override public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  private enum TimeKind { ZONED, LOCAL, DATE, OTHER }

  /** The current row of a result set, with each column's kind of time found once from the metadata. */
  private static final class RowFields implements Fields {
    final ResultSet rs;
    final List<String> labels;
    final TimeKind[] kinds;

    RowFields(ResultSet rs) throws SQLException {
      this.rs = rs;
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      labels = new ArrayList<>(n);
      kinds = new TimeKind[n];
      for (int k = 1; k <= n; k++) {
        labels.add(md.getColumnLabel(k));
        int type = md.getColumnType(k);
        String typeName = String.valueOf(md.getColumnTypeName(k)).toLowerCase(Locale.ROOT);
        // pgjdbc reports timestamptz as Types.TIMESTAMP; only the type name tells them apart.
        if (type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.contains("timestamptz")
            || typeName.contains("with time zone")) {
          kinds[k - 1] = TimeKind.ZONED;
        } else if (type == Types.TIMESTAMP) {
          kinds[k - 1] = TimeKind.LOCAL;
        } else if (type == Types.DATE) {
          kinds[k - 1] = TimeKind.DATE;
        } else {
          kinds[k - 1] = TimeKind.OTHER;
        }
      }
    }

    @Override public int count() { return kinds.length; }

    @Override public String text(int index) {
      try {
        return rs.getString(index + 1);
      } catch (SQLException e) {
        throw new FieldFailure(e);
      }
    }

    @Override public long epochSecond(int index) {
      try {
        return time(rs, index + 1, kinds[index]);
      } catch (SQLException e) {
        throw new FieldFailure(e);
      }
    }
  }

  private static long time(ResultSet rs, int col, TimeKind kind) throws SQLException {
    switch (kind) {
      case ZONED: {
        OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
        return o == null ? Fields.NO_TIME : o.toEpochSecond();
      }
      case LOCAL: {
        Object o = rs.getObject(col);
        if (o == null) return Fields.NO_TIME;
        // Wall-clock time, read as UTC; going through the JVM's zone would shift it.
        if (o instanceof java.sql.Timestamp) return rs.getObject(col, LocalDateTime.class).toEpochSecond(ZoneOffset.UTC);
        return generic(o);
      }
      case DATE: {
        Object o = rs.getObject(col);
        if (o == null) return Fields.NO_TIME;
        if (o instanceof java.sql.Date) return rs.getObject(col, LocalDate.class).toEpochDay() * 86_400L;
        return generic(o);
      }
      default: {
        Object o = rs.getObject(col);
        return o == null ? Fields.NO_TIME : generic(o);
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
    return s.isBlank() ? Fields.NO_TIME : Timestamps.parse(s);
  }
}
