package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import larder.core.StoreException;
import larder.testkit.PgSchema;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random rows split into a random number of parts, each part tried by a random run of attempts that die
 * mid-stream, die before their commit, or succeed, run in any order and some at once (as Spark retries and
 * speculates): the batch holds every row exactly once, or verify names the parts no attempt loaded.
 */
class PartLoadProperties {
  static PgSchema schema;
  static Store store;
  static ExecutorService pool;

  @BeforeContainer static void open() {
    schema = new PgSchema();
    store = Store.open(schema.url);
    pool = Executors.newFixedThreadPool(3);
  }

  @AfterContainer static void close() {
    pool.shutdownNow();
    store.close();
    schema.close();
  }

  @Property(tries = 15)
  void everyRowLandsExactlyOnce(@ForAll @IntRange(min = 1, max = 6) int parts,
      @ForAll @IntRange(min = 0, max = 120) int users, @ForAll long seed) throws Exception {
    PartRows data = new PartRows(seed, users);
    Random r = new Random(seed);
    long batch = PartRows.newBatch(store);
    PartitionedLoad load = PartitionedLoad.prepare(store, batch, RowTable.RECOMMENDATIONS, parts);
    record Attempt(int part, String id, int failAfter) {}
    List<Attempt> attempts = new ArrayList<>();
    TreeSet<Integer> neverLoaded = new TreeSet<>();
    for (int p = 0; p < parts; p++) {
      boolean lost = r.nextInt(6) == 0; // every attempt of this part dies
      int n = 1 + r.nextInt(4);
      boolean ok = false;
      for (int a = 0; a < n; a++) {
        boolean dies = lost || r.nextInt(3) == 0;
        ok |= !dies;
        attempts.add(new Attempt(p, p + "." + a, dies ? r.nextInt(4) : -1));
      }
      if (!ok) neverLoaded.add(p);
    }
    Collections.shuffle(attempts, r);
    List<Future<?>> running = new ArrayList<>();
    for (Attempt a : attempts) {
      running.add(pool.submit(() -> PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, a.part(), a.id(),
          sink -> data.write(sink, a.part(), parts, a.failAfter()))));
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).hasMessageContaining("dies"); // only the planned deaths
      }
    }
    if (!neverLoaded.isEmpty()) {
      assertThatThrownBy(load::finish).isInstanceOf(StoreException.class)
          .hasMessageContaining("(" + neverLoaded.size() + " of " + parts + ") were never loaded");
      for (int p : neverLoaded) {
        assertThat(PartWriter.load(schema.url, batch, RowTable.RECOMMENDATIONS, p, p + ".again",
            sink -> data.write(sink, p, parts, -1)).alreadyLoaded()).isFalse();
      }
    }
    PartitionedLoad.Totals t = load.finish();
    assertThat(t).isEqualTo(new PartitionedLoad.Totals(parts, data.rows(-1, parts), users));
    assertThat(PartRows.stored(store, "larder_rec_rows WHERE batch_id = " + batch)).isEqualTo(data.expected());
    store.dropRows(batch);
  }
}
