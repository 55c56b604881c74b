package larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchMetadataTest {
  @Test void kindsAreStoredAsTheirTextAndUnknownTextIsAStoreError() {
    for (BatchKind k : BatchKind.values()) assertThat(BatchKind.stored(k.text())).isSameAs(k);
    assertThat(BatchKind.texts()).containsExactly("recommendations", "segments", "scores");
    assertThat(BatchKind.SCORES).hasToString("scores");
    assertThatThrownBy(() -> BatchKind.stored("score")).isInstanceOf(StoreException.class)
        .hasMessageContaining("'score'").hasMessageContaining("recommendations, segments, scores");
    assertThatThrownBy(() -> BatchKind.stored(null)).isInstanceOf(StoreException.class);
  }

  @Test void paramsKeepTheYamlNamesAndOrderThroughTheStoredText() {
    Map<String, Object> yaml = new LinkedHashMap<>();
    yaml.put("factors", 64);
    yaml.put("cg_steps", 3);
    yaml.put("regularization", 0.05);
    yaml.put("filters", Map.of("deny", 2));
    yaml.put("half_life", "30d");
    BatchParams p = BatchParams.of(yaml);
    String json = p.toJson();
    assertThat(json).isEqualTo("{\"factors\":64,\"cg_steps\":3,\"regularization\":0.05,\"filters\":{\"deny\":2},"
        + "\"half_life\":\"30d\"}");
    BatchParams back = BatchParams.fromJson(json);
    assertThat(back).isEqualTo(p);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(BatchParams.fromJson(null)).isEqualTo(BatchParams.NONE);
    assertThat(BatchParams.NONE.toJson()).isEqualTo("{}");
  }

  @Test void metricsAreReadBackByTheirTypedAccessors() {
    BatchMetrics m = BatchMetrics.fromJson("{\"k\":10,\"holdout\":0.2,\"model\":{\"ndcg\":0.31,\"precision\":0.1},"
        + "\"popularity\":{\"ndcg\":0.12}}");
    assertThat(m.k()).hasValue(10);
    assertThat(m.ndcg()).hasValue(0.31);
    assertThat(m.popularityNdcg()).hasValue(0.12);
    assertThat(m.segments()).isEmpty();
    assertThat(m.number("model", "precision")).hasValue(0.1);
    assertThat(m.number("model", "precision", "deeper")).isEmpty();

    BatchMetrics s = BatchMetrics.of(Map.of(BatchMetrics.SEGMENTS, 6, BatchMetrics.STAYED_SHARE, 0.875,
        BatchMetrics.HIGHEST_SEGMENT_ID, 9));
    BatchMetrics stored = BatchMetrics.fromJson(s.toJson());
    assertThat(stored.segments()).hasValue(6);
    assertThat(stored.stayedShare()).hasValue(0.875);
    assertThat(stored.highestSegmentId()).hasValue(9);
    assertThat(stored.scoreMean()).isEmpty();
    assertThat(BatchMetrics.of(Map.of("k_choice", List.of(Map.of("k", 2)))).toJson())
        .isEqualTo("{\"k_choice\":[{\"k\":2}]}");
  }

  @Test void textThatIsNotAJsonObjectIsAStoreError() {
    for (String bad : List.of("[1,2]", "{\"k\":", "null", "42")) {
      assertThatThrownBy(() -> BatchMetrics.fromJson(bad)).as(bad).isInstanceOf(StoreException.class)
          .hasMessageContaining("metrics");
    }
    assertThatThrownBy(() -> BatchParams.fromJson("oops")).isInstanceOf(StoreException.class)
        .hasMessageContaining("params");
  }
}
