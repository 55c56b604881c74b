package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import larder.core.Progress;
import larder.testkit.MariaDbDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Interactions read from MySQL/MariaDB through the JDBC source, in a database of its own per test. */
class JdbcSourceMariaDbTest {
  static final long T1 = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();
  MariaDbDatabase db;

  @BeforeEach void create() {
    db = new MariaDbDatabase();
  }

  @AfterEach void drop() {
    db.close();
  }

  @Test void typedColumnsBadRowsAndTimesReadAsOnTheOtherDatabases() throws SQLException {
    JdbcSourceTest.exec(db.url, null,
        "CREATE TABLE orders (customer BIGINT, sku VARCHAR(20), qty DECIMAL(10,2), at_local DATETIME(6), on_day DATE)",
        "INSERT INTO orders VALUES (10, 'A-1', 2.50, '2024-03-01 12:00:00', '2024-03-01'),"
            + " (10, 'A-1', 1, '2024-03-01 11:00:00', '2024-03-01'), (11, 'B-2', 3, NULL, NULL),"
            + " (12, NULL, 1, NULL, NULL)");
    JdbcSpec spec = new JdbcSpec("shop", db.url, null, null, "SELECT customer, sku, qty, at_local FROM orders", 2,
        Column.named("customer"), Column.named("sku"), Column.at(3), Column.named("at_local"),
        new ReadOptions(1, Float.NEGATIVE_INFINITY, false));
    ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.rowsKept()).isEqualTo(3);
    assertThat(JdbcSourceTest.weight(r.interactions(), "10", "A-1")).isEqualTo(3.5f);
    assertThat(r.lastSeen()).contains(T1);
    assertThat(r.badRowSamples()).containsExactly("shop:4: field 'sku': NULL id");
    JdbcSpec days = JdbcSpec.of(db.url, "SELECT customer, sku, on_day FROM orders WHERE sku IS NOT NULL",
        "customer", "sku").withTimestamp(Column.named("on_day"));
    assertThat(new JdbcSource(days).read(Progress.NONE).lastSeen())
        .contains(Instant.parse("2024-03-01T00:00:00Z").getEpochSecond());
  }

  @Test void aLargeResultStreamsAndReportsProgress() {
    JdbcSpec spec = JdbcSpec.of(db.url, "SELECT seq % 1000 AS u, seq % 97 AS i FROM seq_1_to_250000", "u", "i")
        .withFetchSize(5_000);
    List<Long> seen = new ArrayList<>();
    ExtractResult r = new JdbcSource(spec).read((phase, done, total, unit) -> seen.add(done));
    assertThat(r.rowsRead()).isEqualTo(250_000);
    assertThat(seen).startsWith(100_000L, 200_000L).endsWith(250_000L);
    assertThat(r.interactions().userCount()).isEqualTo(1000);
  }
}
