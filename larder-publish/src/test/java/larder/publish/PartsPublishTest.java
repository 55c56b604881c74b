package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.StoreException;
import larder.store.PartWriter;
import larder.store.PartitionedLoad;
import larder.store.RowTable;
import larder.store.Store;
import larder.testkit.PgSchema;
import larder.testkit.ServingSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch whose user lists other processes load in parts ({@link BatchLoader#loadInParts}), published by
 * the same switch as any batch; a part missing fails the batch and the current one keeps serving.
 */
class PartsPublishTest {
  PgSchema schema;
  Store store;
  Publisher pub;
  final Planted p = new Planted(60, 12, 4);

  @BeforeEach void open() {
    schema = new PgSchema();
    store = Store.open(schema.url);
    pub = new Publisher(store);
  }

  @AfterEach void close() {
    store.close();
    schema.close();
  }

  void publishLocally(int gen) {
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      p.send(w.recommendations().userSink(p.users, p.items), gen, 0, 1);
      w.recommendations().writeFallback(new int[] {1, 2}, new float[] {2, 1}, 2, p.items);
      w.publish(3);
    }
  }

  PartWriter.Result loadPart(long batch, int gen, int part, int parts, String attempt) {
    return PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, part, attempt,
        rows -> p.send(rows.lists(RowTable.RECOMMENDATIONS, p.users, p.items), gen, part, parts));
  }

  @Test void listsLoadedInPartsPublishLikeTheirOwn() throws SQLException {
    publishLocally(1);
    BatchInfo b;
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      PartitionedLoad load = w.loadInParts(RowTable.RECOMMENDATIONS, 3);
      assertThat(load.parts()).isEqualTo(3);
      for (int part = 0; part < 3; part++) loadPart(w.batchId(), 2, part, 3, "t" + part + ".0");
      assertThat(loadPart(w.batchId(), 2, 1, 3, "t1.1").alreadyLoaded()).isTrue(); // a retried task
      assertThatThrownBy(() -> w.recommendations().userSink(p.users, p.items).accept(0, new int[] {1}, new float[] {1}, 1))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("loaded in parts");
      w.recommendations().writeFallback(new int[] {3, 4}, new float[] {2, 1}, 2, p.items); // the driver's own rows go on as before
      b = w.publish(3);
    }
    assertThat(b.status()).isEqualTo("published");
    assertThat(b.rows()).isEqualTo(60L * 4);
    assertThat(b.keys()).isEqualTo(60);
    try (Connection c = DriverManager.getConnection(schema.url)) {
      p.assertServing(c, "shop", 2);
    }
    assertThat(count("SELECT count(*) FROM larder_fallback WHERE job = 'shop' AND item_id = 'i3'")).isOne();
    // a task attempt arriving after the publish finds its part loaded and leaves the batch as it is
    ServingSnapshot served = ServingSnapshot.of(schema.url, "shop");
    assertThat(loadPart(b.id(), 2, 0, 3, "t0.late").alreadyLoaded()).isTrue();
    assertThat(ServingSnapshot.of(schema.url, "shop")).isEqualTo(served);
    // retiring the batch takes its ledger rows along
    publishLocally(3);
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + b.id())).isEqualTo(3);
    publishLocally(4);
    publishLocally(5);
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + b.id())).isZero();
  }

  @Test void aMissingPartFailsTheBatchAndLeavesNothingOfIt() throws SQLException {
    publishLocally(1);
    ServingSnapshot before = ServingSnapshot.of(schema.url, "shop");
    long batch;
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "test", BatchParams.NONE)) {
      batch = w.batchId();
      w.loadInParts(RowTable.RECOMMENDATIONS, 3);
      loadPart(batch, 2, 0, 3, "t0");
      loadPart(batch, 2, 2, 3, "t2");
      assertThatThrownBy(() -> w.publish(3)).isInstanceOf(StoreException.class)
          .hasMessageContaining("parts 1 of 0-2 (1 of 3) were never loaded");
    }
    assertThat(ServingSnapshot.of(schema.url, "shop")).isEqualTo(before);
    assertThat(status(batch)).isEqualTo("failed");
    assertThat(count("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        + " AND tablename = 'larder_rec_rows_" + batch + "'")).isZero();
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + batch)).isZero();
    // the lost task's zombie comes back: refused, nothing written
    assertThatThrownBy(() -> loadPart(batch, 2, 1, 3, "t1.zombie")).isInstanceOf(StoreException.class)
        .hasMessageContaining("is failed, not staging; nothing written");
    assertThat(count("SELECT count(*) FROM larder_batch_parts WHERE batch_id = " + batch)).isZero();
    assertThat(ServingSnapshot.of(schema.url, "shop")).isEqualTo(before);
  }

  long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(schema.url); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String status(long batch) throws SQLException {
    try (Connection c = DriverManager.getConnection(schema.url);
        PreparedStatement ps = c.prepareStatement("SELECT status FROM larder_batch WHERE batch_id = ?")) {
      ps.setLong(1, batch);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
