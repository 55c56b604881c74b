package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.ConfigException;
import org.junit.jupiter.api.Test;

class KMeansParamsTest {
  @Test
  void defaultsAreValid() {
    KMeansParams d = KMeansParams.defaults(8);
    assertThat(d.k()).isEqualTo(8);
    assertThat(d.restarts()).isEqualTo(4);
    assertThat(d.maxIterations()).isEqualTo(100);
    assertThat(d.tolerance()).isEqualTo(1e-4);
    assertThat(d.threads()).isPositive();
  }

  @Test
  void badValuesNameTheirKey() {
    KMeansParams d = KMeansParams.defaults(3);
    assertKey(() -> d.withK(0), "kmeans.k");
    assertKey(() -> d.withRestarts(0), "kmeans.restarts");
    assertKey(() -> d.withMaxIterations(0), "kmeans.max_iterations");
    assertKey(() -> d.withTolerance(-1e-3), "kmeans.tolerance");
    assertKey(() -> d.withTolerance(Double.NaN), "kmeans.tolerance");
    assertKey(() -> d.withTolerance(Double.POSITIVE_INFINITY), "kmeans.tolerance");
    assertKey(() -> d.withThreads(0), "kmeans.threads");
  }

  private static void assertKey(Runnable r, String key) {
    assertThatThrownBy(r::run).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }
}
