package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import larder.core.BatchInfo;
import larder.testkit.TestStore;

class MariaDbPublisherTest extends PublisherContract {
  @Override TestStore newStore() { return TestStore.mariadb(); }

  @Override Connection rawConnection() throws SQLException {
    return db.connect();
  }

  /** LOCK TABLES ... WRITE holds the row tables: the writer's load waits for them, as for a lock on PostgreSQL. */
  @Override AutoCloseable blockLoads() throws SQLException {
    Connection c = rawConnection();
    try (Statement st = c.createStatement()) {
      st.execute("LOCK TABLES larder_rec_rows WRITE, larder_fallback_rows WRITE");
    }
    return () -> {
      try (Statement st = c.createStatement()) {
        st.execute("UNLOCK TABLES");
      }
      c.close();
    };
  }

  /** Writes a lock row of {@code job} held by a process on another machine whose lease runs for another hour. */
  private void lockedFromAnotherMachine(String job) {
    store.write("fake a holder on another machine", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_job_lock (job, owner, acquired_at, process,"
          + " expires_at) VALUES (?, 'elsewhere/42#1', ?, '42/1700000000000/elsewhere', ?)")) {
        ps.setString(1, job);
        store.dialect().setInstant(ps, 2, java.time.Instant.now());
        store.dialect().setInstant(ps, 3, java.time.Instant.now().plusSeconds(3600));
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * A holder on another machine whose database session has ended (no GET_LOCK held) is taken over at once, though its
   * lease runs for another hour: on the other stores the run would be refused until the lease ran out.
   */
  @org.junit.jupiter.api.Test void aHolderWhoseSessionEndedIsTakenOverAtOnce() throws Exception {
    lockedFromAnotherMachine("shop");
    try (larder.publish.BatchLoader w = pub.begin("shop", larder.core.BatchKind.RECOMMENDATIONS, "test",
        larder.core.BatchParams.NONE)) {
      assertThat(w.batchId()).isPositive();
      assertThat(owner("shop")).startsWith(PublishOptions.DEFAULTS.owner() + "#");
    }
  }

  /** While the holder's session holds its GET_LOCK (alive, or frozen with its socket open) the run is refused. */
  @org.junit.jupiter.api.Test void aHolderWhoseSessionLivesIsNotTakenOver() throws Exception {
    lockedFromAnotherMachine("shop");
    String database;
    try (Connection c = rawConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT DATABASE()")) {
      rs.next();
      database = rs.getString(1);
    }
    try (Connection holder = rawConnection();
        PreparedStatement ps = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      ps.setString(1, larder.store.mysql.SessionLock.name(database, "shop"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> pub.begin("shop", larder.core.BatchKind.RECOMMENDATIONS,
          "test", larder.core.BatchParams.NONE)).isInstanceOf(larder.core.StoreException.class)
          .hasMessageContaining("job 'shop' is already running").hasMessageContaining("owner elsewhere/42#1");
    }
  }

  /**
   * Rows of a retired batch that a dead process left while deleting them in chunks are removed by the next run's
   * start; the serving batch's rows stay.
   */
  @org.junit.jupiter.api.Test void aNewRunRemovesRowsLeftByAnInterruptedRetire() throws Exception {
    Planted p = new Planted(50, 20, 5);
    BatchInfo first = publishGeneration(p, "shop", 1, 1);
    BatchInfo second = publishGeneration(p, "shop", 2, 1);
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", first.id())).isZero();
    try (Connection c = rawConnection(); Statement st = c.createStatement()) {
      st.execute("INSERT INTO larder_rec_rows (batch_id, user_id, `rank`, item_id, score) VALUES (" + first.id()
          + ", 'u-left', 1, 'i', 1), (" + first.id() + ", 'u-left', 2, 'i2', 0.5)");
    }
    long serving = count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", second.id());
    pub.begin("shop", larder.core.BatchKind.RECOMMENDATIONS, "test", larder.core.BatchParams.NONE).close();
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", first.id())).isZero();
    assertThat(count("SELECT count(*) FROM larder_rec_rows WHERE batch_id = ?", second.id())).isEqualTo(serving)
        .isPositive();
  }

  private String owner(String job) throws SQLException {
    try (Connection c = rawConnection();
        PreparedStatement ps = c.prepareStatement("SELECT owner FROM larder_job_lock WHERE job = ?")) {
      ps.setString(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** One line per table read: "table=r type=ref key=PRIMARY extra=...". */
  static String explain(Connection c, String sql, String job, String user) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      ps.setString(1, job);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append("table=").append(rs.getString("table")).append(" type=").append(rs.getString("type"))
              .append(" key=").append(rs.getString("key")).append(" extra=").append(rs.getString("Extra")).append('\n');
        }
      }
    }
    return plan.toString();
  }

  @Override String explainPointQuery(Connection c, String job, String user) throws SQLException {
    return explain(c, "SELECT `rank`, item_id, score FROM larder_recommendations WHERE job = ? AND user_id = ?"
        + " ORDER BY `rank`", job, user);
  }

  /** The base rows by their key; the materialised UNION ALL ({@code <derived2>}) holds only the user's rows. */
  @Override void assertIndexedPlan(String plan) {
    String tables = plan.replaceAll("(?m)^table=<derived\\d+>.*\\n", "");
    assertThat(tables).contains("table=c type=const key=PRIMARY").contains("table=r type=ref key=PRIMARY")
        .doesNotContain("type=ALL");
  }
}
