package larder.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchMetrics;
import larder.core.BatchParams;
import larder.core.IdMap;
import larder.core.NotFoundException;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.store.Rollbacks;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job's history and the comparison of two batches on both stores, with lists planted so the churn is known,
 * and the rollback audit that every {@link Publisher#rollback} writes.
 */
class BatchHistoryTest {
  static final int N = 4;

  /**
   * Batch a: users 0..9 and 11, user u gets items u..u+3. Batch b: users 0..4 the same (user 0 with a fifth item,
   * beyond the shorter list's length, so not compared); 5..7 one item replaced (Jaccard 3/5); 8..9 the same items
   * reversed (no change as a set); 10 new, 11 gone. So 3 of 10 common users changed, mean Jaccard 0.88.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void churnOfPlantedListsHistoryAndTheRollbackAudit(String kind) throws Exception {
    try (TestStore db = kind.equals("sqlite") ? TestStore.sqlite() : TestStore.postgres(); Store store = db.open(Store::open)) {
      Publisher pub = new Publisher(store);
      IdMap users = new IdMap(), items = new IdMap();
      for (int u = 0; u < 12; u++) users.intern("u" + u);
      for (int i = 0; i < 40; i++) items.intern("i" + i);

      long a = publish(pub, users, items, Map.of("neighbors", 20), 0.20, u -> u == 10 ? null : range(u, N));
      long b = publish(pub, users, items, Map.of("neighbors", 30), 0.25, u -> {
        if (u == 11) return null;
        if (u == 10) return range(10, N);
        if (u == 0) return new int[] {0, 1, 2, 3, 39};
        if (u >= 5 && u <= 7) return new int[] {u, u + 1, u + 2, 30 + u};
        if (u >= 8) return new int[] {u + 3, u + 2, u + 1, u};
        return range(u, N);
      });
      BatchLoader run = pub.begin("shop", BatchKind.RECOMMENDATIONS, "itemknn", BatchParams.NONE);
      long failed = run.batchId();
      run.fail("quality gate failed");

      BatchComparison.Report r = new BatchComparison(store).compare("shop", a, b);
      assertThat(r.churn()).extracting(BatchComparison.Churn::topN, BatchComparison.Churn::common,
          BatchComparison.Churn::changed, BatchComparison.Churn::onlyA, BatchComparison.Churn::onlyB)
          .containsExactly(N, 10L, 3L, 1L, 1L);
      assertThat(r.churn().meanJaccard()).isCloseTo(0.88, within(1e-9));
      assertThat(r.churn().changedShare()).isCloseTo(0.3, within(1e-12));
      assertThat(r.params()).containsExactly(new BatchComparison.Diff("neighbors", "20", "30", r.params().get(0).delta()));
      assertThat(r.params().get(0).delta().getAsDouble()).isEqualTo(10.0);
      assertThat(r.metrics()).filteredOn(d -> d.key().equals("model.ndcg")).singleElement()
          .satisfies(d -> assertThat(d.delta().getAsDouble()).isCloseTo(0.05, within(1e-12)));
      BatchComparison.Report same = new BatchComparison(store).compare("shop", b, b);
      assertThat(same.churn()).isEqualTo(new BatchComparison.Churn(5, 11, 0, 1.0, 0, 0));
      assertThatThrownBy(() -> new BatchComparison(store).compare("shop", a, failed))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("batch " + failed + " is not a kept batch");

      BatchHistory.Report h = new BatchHistory(store).read("shop");
      assertThat(h.batches()).extracting(BatchInfo::id).containsExactly(failed, b, a);
      assertThat(h.current().id()).isEqualTo(b);
      assertThat(h.rollbacks()).isEmpty();
      for (BatchInfo batch : h.batches()) {
        assertThat(h.finished(batch)).as("batch %d ended", batch.id()).isNotNull().isAfterOrEqualTo(batch.createdAt());
      }
      assertThat(h.finishedAt()).containsOnlyKeys(a, b, failed);
      java.time.Instant aFinished = h.finishedAt().get(a);

      // every rollback is audited where it happens, whoever asks; one that changes nothing is not
      pub.rollback("shop", a, "key 0123456789ab");
      pub.rollback("shop", a, "key 0123456789ab");
      assertThatThrownBy(() -> pub.rollback("shop", failed, "key 0123456789ab")).isInstanceOf(NotFoundException.class);
      pub.rollback("shop", b, "key ba9876543210");
      pub.rollback("shop");
      List<Rollbacks.Entry> log = new BatchHistory(store).read("shop").rollbacks();
      assertThat(log).extracting(Rollbacks.Entry::fromBatch, Rollbacks.Entry::toBatch, Rollbacks.Entry::rolledBy)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(b, a, Publisher.osUser()),
              org.assertj.core.groups.Tuple.tuple(a, b, "key ba9876543210"),
              org.assertj.core.groups.Tuple.tuple(b, a, "key 0123456789ab"));
      assertThat(Publisher.osUser()).isEqualTo("user " + System.getProperty("user.name"));
      assertThat(log.get(0).at()).isAfterOrEqualTo(log.get(2).at());
      assertThat(new BatchHistory(store).read("shop").current().id()).isEqualTo(a);
      assertThat(new BatchHistory(store).read("shop").finishedAt().get(a)).as("a rollback is not a finish")
          .isEqualTo(aFinished);
      assertThatThrownBy(() -> new BatchHistory(store).read("nope")).isInstanceOf(NotFoundException.class);
    }
  }

  private static int[] range(int from, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = from + i;
    return out;
  }

  private static long publish(Publisher pub, IdMap users, IdMap items, Map<String, Object> params, double ndcg,
      java.util.function.IntFunction<int[]> lists) {
    try (BatchLoader w = pub.begin("shop", BatchKind.RECOMMENDATIONS, "itemknn", BatchParams.of(params))) {
      var sink = w.recommendations().userSink(users, items);
      for (int u = 0; u < users.size(); u++) {
        int[] list = lists.apply(u);
        if (list == null) continue;
        float[] scores = new float[list.length];
        for (int r = 0; r < list.length; r++) scores[r] = list.length - r;
        sink.accept(u, list, scores, list.length);
      }
      w.recommendations().writeFallback(new int[] {0, 1}, new float[] {2, 1}, 2, items);
      w.setMetrics(BatchMetrics.of(Map.of("k", 10, "model", Map.of("ndcg", ndcg))));
      return w.publish(3).id();
    }
  }
}
