package larder.train.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import larder.core.FeatureTable;
import larder.core.Progress;
import larder.generate.CustomerParams;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.transform.Transform;
import org.junit.jupiter.api.Test;

class SegmenterTest {
  private static final Transform LOG_Z = Transform.log1pStandardise();

  @Test void kmeansBehindTheInterfaceSegmentsAsSegmentationDoesAndNamesItsSettingsAsTheYamlDoes() {
    Planted d = Planted.of(CustomerParams.of(800, 7));
    KMeansParams params = KMeansParams.defaults(4).withSeed(3).withThreads(2);
    Segmenter s = new KMeansSegmenter(LOG_Z, KSpec.fixed(4), params, 1.0);
    SegmentationResult viaInterface = s.segment(SegmentFeatures.of(d.rfm()), null, Progress.NONE);
    SegmentationResult direct = Segmentation.kmeans(SegmentFeatures.of(d.rfm()), LOG_Z, KSpec.fixed(4), params, 1.0,
        null, Progress.NONE);
    assertThat(viaInterface.assignment().segment()).containsExactly(direct.assignment().segment());
    assertThat(viaInterface.profiles()).isEqualTo(direct.profiles());
    assertThat(s.name()).isEqualTo("kmeans");
    assertThat(s.params()).containsExactly(
        Map.entry("transform", LOG_Z.toString()), Map.entry("k", 4),
        Map.entry("restarts", params.restarts()), Map.entry("max_iterations", params.maxIterations()),
        Map.entry("seed", 3L), Map.entry("match_threshold", 1.0));
    assertThat(s.describe()).isEqualTo("k-means k = 4, " + LOG_Z);
    Segmenter auto = new KMeansSegmenter(LOG_Z, KSpec.auto(2, 6, 500), params, 1.0);
    assertThat(auto.params().get("k")).isEqualTo("auto 2..6");
    assertThat(auto.describe()).isEqualTo("k-means k: auto 2..6, " + LOG_Z);
  }

  @Test void rfmRulesBehindTheInterfaceNeedTransactionFeatures() {
    Planted d = Planted.of(CustomerParams.of(500, 11));
    Segmenter s = new RfmRulesSegmenter();
    SegmentationResult r = s.segment(SegmentFeatures.of(d.rfm()), null, Progress.NONE);
    assertThat(r.assignment().segment()).containsExactly(Segmentation.rfmRules(d.rfm(), null).assignment().segment());
    assertThat(s.name()).isEqualTo("rfm");
    assertThat(s.params()).isEmpty();
    FeatureTable table = new FeatureTable(d.rfm().customers(), List.of("recency_days", "orders", "monetary"),
        d.rfm().rowMajor());
    assertThatThrownBy(() -> s.segment(SegmentFeatures.of(table), null, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactions");
  }
}
