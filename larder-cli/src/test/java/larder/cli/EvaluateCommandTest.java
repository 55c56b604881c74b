package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larder evaluate}: models side by side with popularity on one split, and the search with --tune; no store. */
class EvaluateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Path config;

  @BeforeEach
  void write() throws Exception {
    new SyntheticShop(ShopParams.of(200, 60, 3_000, 7L)).writeCsv(dir.resolve("events.csv"), Progress.NONE);
    config = dir.resolve("larder.yaml");
    Files.writeString(config, """
        store: %s
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: als, factors: 8, iterations: 6 }
            threads: 2
            evaluate: { holdout: 0.2, k: 10, seed: 3 }
            tune: { trials: 4 }
        """.formatted(dir.resolve("never.db")));
  }

  @Test
  void comparesTheListedModelsWithPopularityAsJsonLines() throws Exception {
    CommandLineTest.Result r = CommandLineTest.larder("evaluate", config.toString(), "--models", "als,itemknn",
        "--format", "json", "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : r.out().strip().split("\n")) lines.add(JSON.readTree(l));
    assertThat(lines.stream().map(n -> n.get("model").asText())).containsExactly("popularity", "als", "itemknn");
    for (JsonNode n : lines) {
      assertThat(n.get("k").asInt()).isEqualTo(10);
      assertThat(n.get("ndcg").asDouble()).isBetween(0.0, 1.0);
      assertThat(n.has("fit_seconds")).isTrue();
    }
    // the job's own ALS keeps its settings
    assertThat(lines.get(1).get("params").get("factors").asInt()).isEqualTo(8);
    assertThat(dir.resolve("never.db")).as("nothing is stored").doesNotExist();
  }

  @Test
  void withTuneShowsTheSearchTable() {
    CommandLineTest.Result r = CommandLineTest.larder("evaluate", config.toString(), "--tune", "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("popularity").contains("als (tuned)").contains("search of als: 4 trials, stopped by trials")
        .contains("trial  status");
    assertThat(r.out().lines().filter(l -> l.matches("\\s+\\d+\\s+(complete|pruned|failed)\\s.*")).count()).isEqualTo(4);
  }

  @Test
  void withTuneABlendIsMeasuredAsConfigured() throws Exception {
    Path blend = dir.resolve("blend.yaml");
    Files.writeString(blend, """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: blend, models: [ { type: itemknn }, { type: popularity } ], weights: [0.7, 0.3] }
            evaluate: { holdout: 0.2, k: 10, seed: 3 }
        """);
    CommandLineTest.Result r = CommandLineTest.larder("evaluate", blend.toString(), "--tune", "--format", "json", "-q");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> models = new ArrayList<>();
    for (String l : r.out().strip().split("\n")) models.add(JSON.readTree(l).get("model").asText());
    assertThat(models).containsExactly("popularity", "blend");
  }

  @Test
  void batchesShowsHowATunedBatchWasTuned() {
    String searched = "{\"tuning\":{\"config\":{\"metric\":\"ndcg\"},\"trials\":[{},{},{}],\"winner\":{\"trial\":2,"
        + "\"params\":{\"alpha\":16.84,\"confidence\":\"log\"},\"validation\":{\"ndcg\":0.1776}},"
        + "\"stopped_by\":\"trials\",\"cost_fits\":8.8}}";
    assertThat(BatchesCommand.tuned(batch(searched))).isEqualTo("tuned: trial 2 of 3 won, ndcg 0.1776 on validation"
        + " (stopped by trials, 8.8 fits): alpha=16.84 confidence=log");
    String reused = "{\"tuning\":{\"reused_from\":{\"batch\":7,\"tuned_at\":\"2026-12-01T03:00:00Z\"},"
        + "\"winner\":{\"params\":{\"lambda\":215.4}}}}";
    assertThat(BatchesCommand.tuned(batch(reused)))
        .isEqualTo("tuned parameters of batch 7 (tuned 2026-12-01T03:00:00Z): lambda=215.4");
    assertThat(BatchesCommand.tuned(batch("{\"k\":10}"))).isNull();
  }

  private static larder.core.BatchInfo batch(String metrics) {
    return new larder.core.BatchInfo(9, "shop", larder.core.BatchKind.RECOMMENDATIONS, "als", larder.core.BatchParams.NONE,
        larder.core.BatchMetrics.fromJson(metrics), java.time.Instant.EPOCH, null, "published", 0, 0, 0, null, null, null,
        null);
  }

  @Test
  void anUnknownModelIsNamed() {
    CommandLineTest.Result r = CommandLineTest.larder("evaluate", config.toString(), "--models", "als,bpr", "-q");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--models = bpr: is not a model");
  }
}
