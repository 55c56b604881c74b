package larder.store;

import static larder.store.PartRows.count;
import static larder.store.PartRows.newBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import larder.core.ConfigException;
import larder.core.StoreException;
import larder.testkit.PgSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a batch in parts on PostgreSQL: each part once, whatever its attempts do; the driver's checks. */
class PartWriterTest {
  PgSchema schema;
  Store store;
  long batch;
  String partition;
  final PartRows data = new PartRows(7, 300);
  final ExecutorService pool = Executors.newFixedThreadPool(2);

  @BeforeEach void open() {
    schema = new PgSchema();
    store = Store.open(schema.url);
    batch = newBatch(store);
    partition = "larder_rec_rows_" + batch;
  }

  @AfterEach void close() {
    pool.shutdownNow();
    store.close();
    schema.close();
  }

  PartWriter.Result load(int part, int parts, String attempt, int failAfter) {
    return PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, part, attempt,
        sink -> data.write(sink, part, parts, failAfter));
  }

  long ledgerRows() {
    return count(store, "SELECT count(*) FROM larder_batch_parts WHERE batch_id = ?", batch);
  }

  @Test void aRetriedPartWritesNothingTwice() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 3);
    PartWriter.Result first = load(1, 3, "task-1.0", -1);
    assertThat(first.alreadyLoaded()).isFalse();
    assertThat(first.rows()).isEqualTo(data.rows(1, 3)).isPositive();
    PartWriter.Result retry = load(1, 3, "task-1.1", -1);
    assertThat(retry).isEqualTo(new PartWriter.Result(true, "task-1.0", first.rows(), first.keys()));
    assertThat(count(store, "SELECT count(*) FROM " + partition)).isEqualTo(first.rows());
    assertThat(count(store, "SELECT count(*) FROM (SELECT user_id, rank FROM " + partition
        + " GROUP BY 1, 2 HAVING count(*) > 1) d")).isZero();
    load(0, 3, "task-0.0", -1);
    load(2, 3, "task-2.0", -1);
    assertThat(load(0, 3, "task-0.1", -1).alreadyLoaded()).isTrue();
    PartitionedLoad.Totals t = load.finish();
    assertThat(t).isEqualTo(new PartitionedLoad.Totals(3, data.rows(-1, 3), data.users.size()));
    // attached: the parent table shows the batch, and the partition has its primary key
    assertThat(PartRows.stored(store, "larder_rec_rows WHERE batch_id = " + batch)).isEqualTo(data.expected());
    assertThat(count(store, "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?", partition + "_pkey")).isOne();
    // a late attempt after publishing finds its part loaded
    assertThat(load(2, 3, "task-2.9", -1).alreadyLoaded()).isTrue();
    assertThat(count(store, "SELECT count(*) FROM " + partition)).isEqualTo(t.rows());
  }

  @Test void aPartThatFailsMidStreamLeavesNothingAndIsLoadedByTheNextAttempt() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 1);
    assertThatThrownBy(() -> load(0, 1, "a", 40)).hasMessageContaining("dies mid-stream");
    assertThat(count(store, "SELECT count(*) FROM " + partition)).isZero();
    assertThat(ledgerRows()).isZero();
    assertThat(load(0, 1, "b", -1).alreadyLoaded()).isFalse();
    assertThat(load.finish().rows()).isEqualTo(data.rows(-1, 1));
  }

  /** Attempt A holds its transaction open until B waits on the ledger row; A commits, so B writes nothing. */
  @Test void concurrentAttemptsWaitAndTheSecondWritesNothingWhenTheFirstCommits() throws Exception {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<PartWriter.Result> a = CompletableFuture.supplyAsync(() -> PartWriter.load(schema.url, batch,
        RowTable.RECOMMENDATIONS, 0, "a", sink -> {
          data.write(sink, 0, 2, -1);
          streaming.countDown();
          await(release);
        }), pool);
    assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<PartWriter.Result> b = CompletableFuture.supplyAsync(() -> load(0, 2, "b", -1), pool);
    awaitLockWaiter(b);
    release.countDown();
    assertThat(a.get(30, TimeUnit.SECONDS).alreadyLoaded()).isFalse();
    assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(new PartWriter.Result(true, "a", data.rows(0, 2),
        a.get().keys()));
    assertThat(count(store, "SELECT count(*) FROM " + partition)).isEqualTo(data.rows(0, 2));
    load(1, 2, "c", -1);
    assertThat(load.finish().rows()).isEqualTo(data.rows(-1, 2));
    assertThat(PartRows.stored(store, partition)).isEqualTo(data.expected());
  }

  /** As above, but A dies mid-stream after B began waiting: B loads the part. */
  @Test void concurrentAttemptsWaitAndTheSecondLoadsWhenTheFirstRollsBack() throws Exception {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 1);
    CountDownLatch streaming = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<PartWriter.Result> a = CompletableFuture.supplyAsync(() -> PartWriter.load(schema.url, batch,
        RowTable.RECOMMENDATIONS, 0, "a", sink -> {
          data.write(sink, 0, 1, -1);
          streaming.countDown();
          await(release);
          throw new IllegalStateException("executor lost");
        }), pool);
    assertThat(streaming.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<PartWriter.Result> b = CompletableFuture.supplyAsync(() -> load(0, 1, "b", -1), pool);
    awaitLockWaiter(b);
    release.countDown();
    assertThatThrownBy(() -> a.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("executor lost");
    PartWriter.Result rb = b.get(30, TimeUnit.SECONDS);
    assertThat(rb.alreadyLoaded()).isFalse();
    assertThat(rb.attempt()).isEqualTo("b");
    assertThat(load.finish().rows()).isEqualTo(data.rows(-1, 1));
    assertThat(PartRows.stored(store, partition)).isEqualTo(data.expected());
  }

  @Test void verifyNamesTheMissingParts() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 6);
    for (int p : new int[] {0, 3, 4}) load(p, 6, "t" + p, -1);
    assertThatThrownBy(load::verify).isInstanceOf(StoreException.class)
        .hasMessageContaining(partition + ": parts 1-2, 5 of 0-5 (3 of 6) were never loaded");
    assertThatThrownBy(load::finish).isInstanceOf(StoreException.class).hasMessageContaining("1-2, 5");
    assertThat(count(store, "SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass(?)", partition)).isZero();
  }

  @Test void verifyCatchesRowsWrittenAroundTheLedger() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    load(0, 2, "a", -1);
    load(1, 2, "b", -1);
    assertThat(load.verify().rows()).isEqualTo(data.rows(-1, 2));
    store.write("a stray row", c -> {
      Store.execute(c, "INSERT INTO " + partition + " VALUES (" + batch + ", 'stray', 1, 'i1', 0.5)");
      return null;
    });
    assertThatThrownBy(load::verify).isInstanceOf(StoreException.class)
        .hasMessageContaining(partition + " holds " + (data.rows(-1, 2) + 1) + " rows but the ledger of its 2 parts"
            + " counts " + data.rows(-1, 2));
  }

  @Test void verifyCatchesPartsBeyondThoseExpected() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    load(0, 2, "a", -1);
    load(1, 2, "b", -1);
    PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, 2, "c", sink -> { });
    assertThatThrownBy(load::verify).hasMessageContaining("parts 2 are beyond the 2 expected");
  }

  @Test void aPartBeyondThoseExpectedIsRefusedOnceTheLoadIsFinished() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    load(0, 2, "a", -1);
    load(1, 2, "b", -1);
    long rows = load.finish().rows();
    assertThatThrownBy(() -> load(2, 3, "stray", -1)).isInstanceOf(StoreException.class)
        .hasMessageContaining(partition + " has been verified and indexed; nothing written");
    assertThat(count(store, "SELECT count(*) FROM " + partition)).isEqualTo(rows);
    assertThat(ledgerRows()).isEqualTo(2);
  }

  @Test void abortDropsTheTableAndTheLedgerAndALateAttemptWritesNothing() {
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    load(0, 2, "a", -1);
    load.abort();
    assertThat(count(store, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?", partition)).isZero();
    assertThat(ledgerRows()).isZero();
    assertThatThrownBy(() -> load(1, 2, "zombie", -1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("table " + partition + " does not exist; nothing written");
    assertThat(ledgerRows()).isZero();
  }

  @Test void aFailedBatchTakesNoPartsAndDropRowsRemovesTheLedger() {
    PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2);
    load(0, 2, "a", -1);
    store.dropRows(batch);
    assertThat(ledgerRows()).isZero();
    assertThat(count(store, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?", partition)).isZero();
    store.write("fail", c -> {
      Store.execute(c, "UPDATE larder_batch SET status = 'failed' WHERE batch_id = " + batch);
      return null;
    });
    assertThatThrownBy(() -> load(1, 2, "zombie", -1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("batch " + batch + " is failed, not staging; nothing written");
    assertThatThrownBy(() -> PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 2))
        .isInstanceOf(StoreException.class).hasMessageContaining("only a staging batch");
    assertThat(ledgerRows()).isZero();
  }

  @Test void aPartTakesRowsOfItsOwnTableOnly() {
    PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, 1);
    assertThatThrownBy(() -> PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, 0, "a",
        sink -> sink.addList(RowTable.SIMILAR, "i1", new int[] {0}, new float[] {1}, 1, data.items)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("this part loads RECOMMENDATIONS");
    assertThat(ledgerRows()).isZero();
  }

  @Test void sqliteIsRefusedWithTheWayOut(@TempDir Path dir) {
    String db = dir.resolve("l.db").toString();
    try (Store sqlite = Store.open(db)) {
      assertThat(Schema.version(sqlite)).isEqualTo(Schema.VERSION);
      long b = newBatch(sqlite);
      assertThatThrownBy(() -> PartitionedLoad.prepare(sqlite, b, RowTable.RECOMMENDATIONS, 2))
          .isInstanceOf(ConfigException.class).hasMessageContaining("needs PostgreSQL");
      assertThatThrownBy(() -> PartWriter.load(db, b, RowTable.RECOMMENDATIONS, 0, "a", sink -> { }))
          .isInstanceOf(ConfigException.class).hasMessageContaining("needs PostgreSQL");
      sqlite.dropRows(b); // the ledger table exists there too, and is emptied with the batch
    }
  }

  /** Waits (polling, only to order the steps) until a second connection of this part waits on a lock. */
  void awaitLockWaiter(CompletableFuture<?> waiter) throws InterruptedException {
    String app = "larder part 0 of " + partition;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count(store, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
        + " AND wait_event_type = 'Lock'", app) == 0) {
      assertThat(waiter).isNotDone();
      assertThat(System.nanoTime()).as("attempt b never waited on the ledger row").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
