package larder.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;

/**
 * An attach waits for the readers that began before it: one of them may have planned its statement without
 * the new partition and take its snapshot after the batch switch that follows the attach.
 */
class PartitionsAttachTest {
  @Test
  void anAttachReturnsOnlyOnceTheReadersThatBeganBeforeItAreDone() throws Exception {
    try (TestStore db = TestStore.postgres(); Connection reader = db.connect(); Connection writer = db.connect()) {
      Store.execute(writer, "CREATE TABLE rows_t (batch_id bigint NOT NULL, v int) PARTITION BY LIST (batch_id)");
      Partitions.create(writer, "rows_t", 1);
      // a reader inside a transaction that began before the attach, holding its lock on the parent
      reader.setAutoCommit(false);
      Store.execute(reader, "SELECT count(*) FROM rows_t");
      CompletableFuture<Long> attached = CompletableFuture.supplyAsync(() -> {
        try {
          long start = System.nanoTime();
          Partitions.attach(writer, "rows_t", 1);
          return System.nanoTime() - start;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertThat(attached).as("the attach waits while the earlier reader is open").isNotDone();
      reader.commit();
      long nanos = attached.get(5, TimeUnit.SECONDS);
      assertThat(nanos).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));

      // a reader that begins after the attach is not waited for
      Partitions.create(writer, "rows_t", 2);
      Store.execute(reader, "SELECT count(*) FROM rows_t");
      reader.commit();
      long start = System.nanoTime();
      Partitions.attach(writer, "rows_t", 2);
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
      // and the wait gives up at its bound, saying so
      Store.execute(reader, "SELECT count(*) FROM rows_t");
      assertThat(Partitions.waitForEarlierReaders(writer, "rows_t", 50)).isFalse();
      reader.commit();
      assertThat(Partitions.waitForEarlierReaders(writer, "rows_t", 50)).isTrue();
    }
  }
}
