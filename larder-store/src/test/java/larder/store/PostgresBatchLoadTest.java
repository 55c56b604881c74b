package larder.store;

import larder.testkit.PgSchema;

import java.sql.SQLException;

class PostgresBatchLoadTest extends BatchLoadContract {
  PgSchema schema;

  @Override Store openStore() {
    schema = new PgSchema();
    return Store.open(schema.url);
  }

  @Override void dropStore() { schema.close(); }

  @Override long rowTableCount() throws SQLException {
    return store.withConnection("count", c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM pg_tables"
          + " WHERE schemaname = current_schema() AND tablename LIKE 'larder\\_rec\\_rows%'")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }
}
