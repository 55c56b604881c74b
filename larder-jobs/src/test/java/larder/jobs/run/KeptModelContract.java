package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.BatchParams;
import larder.core.Interactions;
import larder.core.NotFoundException;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.YamlConfig;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.Artifacts;
import larder.store.UserHistories;
import larder.store.Store;
import larder.testkit.TestStore;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recommendations batch keeps its model, histories and ids on a real store: read back, they score every user
 * exactly as the run did, and they go with the batch when it fails or is retired.
 */
abstract class KeptModelContract {
  private static final String JOB = "shop";
  private static final int TOP_N = 7;

  @TempDir Path dir;
  private TestStore db;
  private Store store;
  private Publisher publisher;
  private JobRunner runner;

  abstract TestStore newStore();

  @BeforeEach void open() throws Exception {
    new SyntheticShop(ShopParams.of(300, 80, 5_000, 20240601L)).writeCsv(dir.resolve("events.csv"), Progress.NONE);
    db = newStore();
    store = db.open(Store::open);
    publisher = new Publisher(store);
    runner = new JobRunner(publisher, Progress.NONE, (job, message) -> { });
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ type: popularity, count: weight }", "{ type: itemknn, neighbors: 12, weighting: log }",
      "{ type: itemknn, neighbors: 12, neighborhood: history, normalize: rows }", "{ type: ease, lambda: 50 }", "{ type: als, factors: 6, iterations: 3, seed: 11 }"})
  void aReloadedModelScoresEveryUserAsThePublishedBatchDid(String model) {
    RecommendationsJob job = job(model, "");
    BatchInfo batch = runner.run(job).batch();
    KeptBatch.Loaded kept = new KeptBatch(store).read(batch.id());

    Interactions data = job.source().read(Progress.NONE).interactions();
    assertThat(kept.users().size()).isEqualTo(data.userCount());
    for (int u = 0; u < data.userCount(); u++) assertThat(kept.users().name(u)).isEqualTo(data.users().name(u));
    for (int i = 0; i < data.itemCount(); i++) assertThat(kept.items().name(i)).isEqualTo(data.items().name(i));
    assertThat(kept.history().ptr()).isEqualTo(data.byUser().ptr());
    assertThat(kept.history().vals()).isEqualTo(Arrays.copyOf(data.byUser().vals(), (int) data.size()));

    // The lists the reloaded model makes, as the runner makes them, against the lists the batch serves.
    Map<String, List<String>> again = new ConcurrentHashMap<>();
    TopNScoring.scoreUsers(kept.trained(), kept.history(), null, TOP_N, null, 2, (u, items, scores, count) -> {
      List<String> list = new ArrayList<>();
      for (int r = 0; r < count; r++) {
        list.add(kept.items().name(items[r]) + "=" + Integer.toHexString(Float.floatToRawIntBits(scores[r])));
      }
      if (count > 0) again.put(kept.users().name(u), list);
    }, Progress.NONE);
    Map<String, List<String>> served = new TreeMap<>();
    new PredictionReader(store).forEachRecommendation(JOB, (user, rank, item, score) -> served
        .computeIfAbsent(user, k -> new ArrayList<>()).add(item + "=" + Integer.toHexString(Float.floatToRawIntBits(score))));
    assertThat(served).hasSize(data.userCount());
    assertThat(new TreeMap<>(again)).isEqualTo(served);

    // And every score of every item, bit for bit, against the model fitted again on the same data.
    assertThat(allScores(kept.trained())).isEqualTo(allScores(job.model().fit(data, Progress.NONE)));
  }

  @Test void retiredBatchesKeepNothingAndTheServingOnesKeepTheirModel() {
    RecommendationsJob job = job("{ type: als, factors: 4, iterations: 2, seed: 3 }", "    keep: 2\n");
    long first = runner.run(job).batch().id();
    long second = runner.run(job).batch().id();
    long third = runner.run(job).batch().id();
    Artifacts artifacts = new Artifacts(store);
    assertThat(artifacts.names(first)).as("retired beyond keep: 2").isEmpty();
    assertThat(artifacts.names(second)).containsExactly("items", "model", "user_factors", "users");
    assertThat(artifacts.names(third)).containsExactly("items", "model", "user_factors", "users");
    var users = job.source().read(Progress.NONE).interactions().users();
    List<String> two = List.of(users.name(0), users.name(1));
    assertThat(new UserHistories(store).read(first, two)).as("histories retired too").isEmpty();
    assertThat(new UserHistories(store).read(third, two)).hasSize(2);
    assertThatThrownBy(() -> new KeptBatch(store).read(first)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("batch " + first + " has no kept");
  }

  @Test void aBatchThatFailsAfterKeepingItsModelKeepsNothing() {
    RecommendationsJob job = job("{ type: itemknn, neighbors: 5 }", "");
    Interactions data = job.source().read(Progress.NONE).interactions();
    TrainedModel model = job.model().fit(data, Progress.NONE);
    Artifacts small = new Artifacts(store, 512); // several chunks per artifact
    long[] keptBytes = new long[1];
    long id;
    try (BatchLoader batch = publisher.begin(JOB, BatchKind.RECOMMENDATIONS, "itemknn", BatchParams.NONE)) {
      id = batch.batchId();
      batch.recommendations().writeFallback(new int[] {0}, new float[] {1f}, 1, data.items());
      batch.beforeSwitch(() -> {
        new KeptBatch(small, new UserHistories(store)).write(id, job.model(), model, data);
        keptBytes[0] = small.size(id);
        assertThat(allScores(new KeptBatch(small, new UserHistories(store)).read(id).trained())).isEqualTo(allScores(model));
        throw new IllegalStateException("the disk filled up");
      });
      assertThatThrownBy(() -> batch.publish(3)).hasMessageContaining("the disk filled up");
    }
    assertThat(keptBytes[0]).as("written in several chunks first").isGreaterThan(3 * 512);
    assertThat(small.names(id)).isEmpty();
    assertThat(new UserHistories(store).read(id, List.of(data.users().name(0)))).as("no histories either").isEmpty();
    assertThat(new PredictionReader(store).batches(JOB).get(0).status()).isEqualTo("failed");
  }

  @Test void keepModelFalseKeepsNothing() {
    long id = runner.run(job("{ type: ease, lambda: 50 }", "    keep_model: false\n")).batch().id();
    assertThat(new Artifacts(store).names(id)).isEmpty();
  }

  private RecommendationsJob job(String model, String extra) {
    String yaml = """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: %s
            top_n: %d
            similar_items: 3
            threads: 2
        """.formatted(model, TOP_N) + extra;
    return (RecommendationsJob) YamlConfig.job(dir.resolve("larder.yaml"), yaml, JOB);
  }

  /** Every user's score of every item as raw float bits. */
  private static int[] allScores(TrainedModel m) {
    int n = m.itemCount();
    int[] bits = new int[m.userCount() * n];
    UserScorer s = m.newUserScorer();
    int block = m.preferredBlock();
    int[] users = new int[block];
    float[] out = new float[block * n];
    for (int u0 = 0; u0 < m.userCount(); u0 += block) {
      int count = Math.min(block, m.userCount() - u0);
      for (int j = 0; j < count; j++) users[j] = u0 + j;
      s.score(users, count, out);
      for (int j = 0; j < count * n; j++) bits[u0 * n + j] = Float.floatToRawIntBits(out[j]);
    }
    return bits;
  }
}
