package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.testkit.TestStore;

class MariaDbRefreshTest extends RefreshContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  @Override String explain(Connection c, String sql, String job, String user) throws SQLException {
    return MariaDbPublisherTest.explain(c, sql, job, user);
  }

  /**
   * Every table of the view is read by its primary key. The UNION ALL is materialised ({@code <derived2>}) after the
   * job and user are pushed into both branches, so it holds the one user's rows. The marker probe {@code m} is a
   * {@code unique_subquery} on the key once the delta has rows (measured: 2,000 delta and 20,000 base rows); on a
   * test's handful of rows the optimiser may walk the small index instead, still by the key; likewise it joins the
   * test's two or three {@code larder_batch} rows ({@code b}, for the refresh's as-of time) by a scan.
   */
  @Override void assertIndexed(String plan) {
    String tables = plan.replaceAll("(?m)^table=<derived\\d+>.*\\n", "").replaceAll("(?m)^table=b type=ALL .*\\n", "");
    assertThat(tables).contains("table=r type=ref key=PRIMARY").containsPattern("table=d type=(ref|range) key=PRIMARY")
        .containsPattern("table=m type=(unique_subquery|eq_ref|ref|index) key=PRIMARY").doesNotContain("type=ALL");
  }
}
